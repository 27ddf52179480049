package dev.lexstream.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.config.SafetySettings.Redaction;
import dev.lexstream.config.SafetySettings.Redaction.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RedactorTest {
  private static final String TEXT = "Mail jo@x.io, call +44 20 7946 0958.";
  private final List<Finding> findings = PiiDetector.all().detect(TEXT);

  @Test
  void typeModeReplacesSpansWithTagsAndMovesSpans() {
    Redactor.Result r = new Redactor(new Redaction(Mode.TYPE, null, null)).apply(TEXT, findings, f -> true);
    assertThat(r.text()).isEqualTo("Mail <EMAIL>, call <PHONE>.");
    assertThat(r.changed()).isTrue();
    assertThat(r.findings()).extracting(f -> r.text().substring(f.start(), f.end())).containsExactly("<EMAIL>", "<PHONE>");
  }

  @Test
  void onlySelectedFindingsAreRedactedOthersAreMoved() {
    Redactor.Result r = new Redactor(Redaction.defaults())
        .apply(TEXT, findings, f -> f.category().equals(Categories.EMAIL));
    assertThat(r.text()).isEqualTo("Mail <EMAIL>, call +44 20 7946 0958.");
    assertThat(r.text().substring(r.findings().get(1).start(), r.findings().get(1).end())).isEqualTo("+44 20 7946 0958");
  }

  @Test
  void maskModeKeepsLength() {
    Redactor.Result r = new Redactor(new Redaction(Mode.MASK, "#", null)).apply(TEXT, findings, f -> true);
    assertThat(r.text()).isEqualTo("Mail #######, call ################.").hasSameSizeAs(TEXT);
  }

  @Test
  void hashModeIsKeyedAndStable() {
    Redactor a = new Redactor(new Redaction(Mode.HASH, null, "0123456789abcdef-salt"));
    Redactor b = new Redactor(new Redaction(Mode.HASH, null, "another-secret-salt!"));
    String once = a.apply(TEXT, findings, f -> true).text();
    assertThat(once).matches("Mail <EMAIL:[0-9a-f]{16}>, call <PHONE:[0-9a-f]{16}>\\.")
        .isEqualTo(a.apply(TEXT, findings, f -> true).text())
        .isNotEqualTo(b.apply(TEXT, findings, f -> true).text())
        .doesNotContain("jo@x.io");
  }

  @Test
  void overlappingSpansMerge() {
    List<Finding> overlapping = List.of(new Finding(Categories.EMAIL, "t", 1, 0, 5), new Finding(Categories.PHONE, "t", 1, 3, 8));
    assertThat(new Redactor(Redaction.defaults()).apply("abcdefghij", overlapping, f -> true).text()).isEqualTo("<EMAIL>ij");
  }

  @Test
  void mapsSpansInsideBetweenAndAfterRedactedSpans() {
    List<Finding> spans = List.of(new Finding(Categories.EMAIL, "t", 1, 2, 4), new Finding(Categories.PERSON, "t", 1, 3, 6),
        new Finding(Categories.IP, "t", 1, 7, 8), new Finding(Categories.PHONE, "t", 1, 9, 10));
    Redactor.Result r = new Redactor(Redaction.defaults()).apply("abcdefghijk", spans, f -> !f.category().equals(Categories.IP));
    assertThat(r.text()).isEqualTo("ab<EMAIL>ghi<PHONE>k");
    assertThat(r.findings()).extracting(f -> r.text().substring(f.start(), f.end()))
        .containsExactly("<EMAIL>", "<EMAIL>", "h", "<PHONE>");
  }

  @Test
  @Timeout(60)
  void redactsAMegabyteOfFindingsInLinearTime() {
    // as many findings as the detector finds in 1 MB of short e-mail addresses
    String text = "a@b.cd ".repeat(150_000);
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < 150_000; i++) {
      findings.add(new Finding(Categories.EMAIL, "regex", 0.95, 7 * i, 7 * i + 6));
    }
    long start = System.nanoTime();
    Redactor.Result r = new Redactor(Redaction.defaults()).apply(text, findings, f -> true);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isLessThan(Duration.ofSeconds(15));
    assertThat(r.text()).isEqualTo("<EMAIL> ".repeat(150_000));
    assertThat(r.findings().get(149_999).start()).isEqualTo(8 * 149_999);
  }
}
