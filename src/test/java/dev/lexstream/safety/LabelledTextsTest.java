package dev.lexstream.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelledTextsTest {
  private static List<LabelledTexts.Example> read(String s) throws Exception {
    return LabelledTexts.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "test");
  }

  @Test
  void readsQuotedCsvAndJsonLines() throws Exception {
    List<LabelledTexts.Example> csv = read("label,text\r\n1,\"say \"\"hi\"\", then\nleave\"\n0,plain\n");
    assertThat(csv).containsExactly(new LabelledTexts.Example("say \"hi\", then\nleave", true),
        new LabelledTexts.Example("plain", false));
    assertThat(read("{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": false}\n")).hasSize(2);
  }

  @Test
  void rejectsBadFiles() {
    assertThatThrownBy(() -> read("text,label\na,maybe\nb,1\n")).hasMessageContaining("label 'maybe'");
    assertThatThrownBy(() -> read("words,label\na,1\n")).hasMessageContaining("header");
    assertThatThrownBy(() -> read("text,label\na,1\nb,1\n")).hasMessageContaining("positive and negative");
  }

  @Test
  void shippedExamplesAreBalanced() {
    for (List<LabelledTexts.Example> examples : List.of(ShippedExamples.promptInjection(), ShippedExamples.toxicity())) {
      long positive = examples.stream().filter(LabelledTexts.Example::positive).count();
      assertThat(examples).hasSizeGreaterThan(100);
      assertThat((double) positive / examples.size()).isBetween(0.4, 0.6);
    }
  }
}
