package dev.lexstream.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each PII type on cases written here, including adversarial ones. */
class PiiDetectorTest {
  private final PiiDetector detector = PiiDetector.all();

  private List<String> found(String text, String category) {
    return detector.detect(text).stream()
        .filter(f -> f.category().equals(category) && f.score() >= 0.5)
        .map(f -> text.substring(f.start(), f.end()))
        .toList();
  }

  @Test
  void emails() {
    assertThat(found("Write to jane.doe+news@mail.example.co.uk today.", Categories.EMAIL))
        .containsExactly("jane.doe+news@mail.example.co.uk");
    assertThat(found("Contact: \"'bob_o'reilly@example.org'\" (nested quotes)", Categories.EMAIL))
        .containsExactly("bob_o'reilly@example.org");
    assertThat(found("josé.núñez@correo.es", Categories.EMAIL)).containsExactly("josé.núñez@correo.es");
    assertThat(found("not an address: @handle, a@b, user@localhost, x@y.z", Categories.EMAIL)).isEmpty();
  }

  @Test
  void findsAnEmailWhoseLocalPartHasSupplementaryPlaneLetters() {
    assertThat(found("contact 𝒥ohn𝒥@example.com", Categories.EMAIL)).containsExactly("𝒥ohn𝒥@example.com");
    assertThat(found("用户名𠀀abc@example.com", Categories.EMAIL)).containsExactly("用户名𠀀abc@example.com");
  }

  @Test
  void obfuscatedEmails() {
    assertThat(found("mail me: john [at] example [dot] com", Categories.EMAIL))
        .containsExactly("john [at] example [dot] com");
    assertThat(found("jane(at)example.org please", Categories.EMAIL)).containsExactly("jane(at)example.org");
    assertThat(found("reach max at example dot com", Categories.EMAIL)).containsExactly("max at example dot com");
    assertThat(found("ann @ example.de", Categories.EMAIL)).containsExactly("ann @ example.de");
    // prose that only looks like it
    assertThat(found("I work at google.com and meet friends at home. Then we eat.", Categories.EMAIL)).isEmpty();
  }

  @Test
  void findsAnObfuscatedEmailPaddedWithThreeOrMoreWhitespaceChars() {
    assertThat(found("jane   [at] example [dot] com", Categories.EMAIL))
        .containsExactly("jane   [at] example [dot] com");
    assertThat(found("jane\t\t\t(at)\texample\t(dot)\tcom", Categories.EMAIL))
        .containsExactly("jane\t\t\t(at)\texample\t(dot)\tcom");
    assertThat(found("mail max     at example dot com", Categories.EMAIL))
        .containsExactly("max     at example dot com");
  }

  @Test
  void creditCardsNeedLuhn() {
    assertThat(found("card 4111 1111 1111 1111 expires", Categories.CREDIT_CARD)).containsExactly("4111 1111 1111 1111");
    assertThat(found("amex 3782-822463-10005", Categories.CREDIT_CARD)).containsExactly("3782-822463-10005");
    assertThat(found("my card 4111111111111112 was declined", Categories.CREDIT_CARD)).isEmpty(); // fails Luhn
    assertThat(found("order 1234567812345678", Categories.CREDIT_CARD)).isEmpty();
    assertThat(found("call +4111111111111111", Categories.CREDIT_CARD)).isEmpty(); // a '+' number is a phone
  }

  @Test
  void ibansNeedTheirChecksumAndLength() {
    assertThat(found("IBAN DE89 3704 0044 0532 0130 00, thanks", Categories.IBAN))
        .containsExactly("DE89 3704 0044 0532 0130 00");
    assertThat(found("pay to gb82west12345698765432 now", Categories.IBAN)).containsExactly("gb82west12345698765432");
    assertThat(found("IBAN DE89 3704 0044 0532 0130 01", Categories.IBAN)).isEmpty(); // checksum
    assertThat(found("DE8937040044053201300099", Categories.IBAN)).isEmpty(); // too long for DE
  }

  @Test
  void ssnsAndIps() {
    assertThat(found("SSN: 123-45-6789.", Categories.SSN)).containsExactly("123-45-6789");
    assertThat(found("ssn 123456789", Categories.SSN)).containsExactly("123456789");
    assertThat(found("ids 000-12-3456, 666-12-3456, 900-12-3456, 123-00-4567, 123-45-0000", Categories.SSN)).isEmpty();
    assertThat(found("part 123456789 in stock", Categories.SSN)).isEmpty(); // bare digits need context
    assertThat(found("from 192.168.1.20 and 2001:db8::8a2e:370:7334.", Categories.IP))
        .containsExactly("192.168.1.20", "2001:db8::8a2e:370:7334");
    assertThat(found("version 1.2.3.4.5, 999.1.1.1, at 12:30:45", Categories.IP)).isEmpty();
  }

  @Test
  void hexLettersInAnIpv6TailAreNoAddressAndDoNotBreakTheScan() {
    for (String text : List.of("see ::ff.1.2.3 now, mail jane@example.com",
        "host 1:2:a.b.c.d up, mail jane@example.com")) {
      assertThat(found(text, Categories.IP)).as(text).isEmpty();
      assertThat(found(text, Categories.EMAIL)).as(text).containsExactly("jane@example.com");
    }
    assertThat(PiiDetector.ipv4("1a.2.3.4")).isFalse();
  }

  @Test
  void internationalPhoneNumbers() {
    assertThat(found("Call +44 20 7946 0958 or +1 (415) 555-2671.", Categories.PHONE))
        .containsExactly("+44 20 7946 0958", "+1 (415) 555-2671");
    assertThat(found("Phone: 030 1234567", Categories.PHONE)).containsExactly("030 1234567");
    assertThat(found("Tel. 06 12 34 56 78", Categories.PHONE)).containsExactly("06 12 34 56 78");
    assertThat(found("(212) 555-0188 x42 office", Categories.PHONE)).containsExactly("(212) 555-0188 x42");
    // numbers that are not phones: dates, street addresses, ids without context
    assertThat(found("On 2023-04-05 12:30 we moved to 4966 224 Bond Street, ticket 4711 0815.", Categories.PHONE))
        .isEmpty();
  }

  @Test
  void findsPhoneNumbersWrittenNextToEachOtherOrAfterADate() {
    assertThat(found("My phones: 415.555.2671 415.555.2672", Categories.PHONE))
        .containsExactly("415.555.2671", "415.555.2672");
    assertThat(found("Phone numbers 212 555 0100 212 555 0199", Categories.PHONE))
        .containsExactly("212 555 0100", "212 555 0199");
    assertThat(found("On 2024-05-01 415-555-2671 was called", Categories.PHONE)).containsExactly("415-555-2671");
    assertThat(found("Call (212) 555-0188 (212) 555-0189 x42", Categories.PHONE))
        .containsExactly("(212) 555-0188", "(212) 555-0189 x42");
    // runs of dates and ids stay what they were
    assertThat(found("From 2024-05-01 2024-06-30, ticket 4711 0815 4711 0815 4711", Categories.PHONE)).isEmpty();
  }

  @Test
  void personsAfterACue() {
    assertThat(found("Hi, my name is Anna Maria Schmidt and I need help.", Categories.PERSON))
        .containsExactly("Anna Maria Schmidt");
    assertThat(found("Please ask Dr. Hanna Berg.", Categories.PERSON)).containsExactly("Hanna Berg");
  }

  @Test
  void findingsDoNotOverlap() {
    String text = "cc 4111111111111111, ssn 123-45-6789, ip 10.0.0.1, mail a.b@c.io";
    List<Finding> findings = detector.detect(text);
    for (int i = 1; i < findings.size(); i++) {
      assertThat(findings.get(i).start()).isGreaterThanOrEqualTo(findings.get(i - 1).end());
    }
    assertThat(findings).extracting(Finding::category)
        .containsExactly(Categories.CREDIT_CARD, Categories.SSN, Categories.IP, Categories.EMAIL);
  }

  @Test
  @Timeout(60)
  void oneMegabyteSingleLineInputsScanInLinearTime() {
    String[] adversarial = {
        "a".repeat(1 << 20),
        "1 ".repeat(1 << 19),
        "a@".repeat(1 << 19),
        "x [at] y [dot] ".repeat(70_000),
        "+1 (555) ".repeat(120_000),
        // 150,000 findings: resolving overlaps must not compare each candidate with every one kept
        "a@b.cd ".repeat(150_000),
        "\"'\"'".repeat(1 << 18) + "jane@example.com",
    };
    for (String text : adversarial) {
      long start = System.nanoTime();
      List<Finding> findings = detector.detect(text);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).as("scan of %s...", text.substring(0, 8)).isLessThan(Duration.ofSeconds(15));
      assertThat(findings.size()).isLessThan(text.length());
    }
    String last = adversarial[adversarial.length - 1];
    assertThat(found(last, Categories.EMAIL)).containsExactly("jane@example.com");
  }
}
