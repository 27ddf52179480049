package dev.lexstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lexstream.serde.RejectedRecordException;
import java.text.Normalizer;
import org.junit.jupiter.api.Test;

class TextValidatorTest {
  private final TextValidator validator = new TextValidator(20);

  @Test
  void rejectsEmptyAndBlankText() {
    assertThatThrownBy(() -> validator.validate("")).hasMessage("empty text");
    assertThatThrownBy(() -> validator.validate(" \n\t ")).hasMessage("empty text");
    assertThatThrownBy(() -> validator.validate("\u0000\u0007")).hasMessage("empty text");
  }

  @Test
  void rejectsOversizeTextCountingUtf8Bytes() {
    assertThat(catchStage(() -> validator.validate("é".repeat(11)))).isEqualTo("validate");
    assertThatThrownBy(() -> validator.validate("é".repeat(11))).hasMessage("oversize text: 22 bytes > maxTextBytes 20");
  }

  @Test
  void stripsControlCharactersButKeepsWhitespaceLayout() throws Exception {
    assertThat(validator.validate("a\u0000b\tc\nd\u001Be\u0085")).isEqualTo("ab\tc\nde");
  }

  @Test
  void normalizesToNfc() throws Exception {
    assertThat(validator.validate("Cafe\u0301")).isEqualTo("Café");
  }

  @Test
  void composesALetterAndItsMarkThatAControlCharacterSeparated() throws Exception {
    String validated = validator.validate("Cafe\u0007\u0301 open");
    assertThat(validated).isEqualTo("Caf\u00e9 open");
    assertThat(Normalizer.isNormalized(validated, Normalizer.Form.NFC)).isTrue();
  }

  @Test
  void rejectsUnpairedSurrogates() {
    assertThatThrownBy(() -> validator.validate("ok \uD800 no")).hasMessage("text contains an unpaired surrogate at index 3");
  }

  @Test
  void keepsPairedSurrogates() throws Exception {
    assertThat(validator.validate("ok 😀")).isEqualTo("ok 😀");
  }

  private static String catchStage(ThrowingRunnable runnable) {
    try {
      runnable.run();
      return null;
    } catch (RejectedRecordException e) {
      return e.stage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
