package dev.lexstream.topology;

import dev.lexstream.serde.RejectedRecordException;
import dev.lexstream.serde.Surrogates;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Checks a decoded text before it may reach a model, and normalizes it: NFC, control characters
 * removed (tab and newlines kept). Rejects empty, oversize and unpaired-surrogate text at stage
 * {@code validate}.
 */
final class TextValidator {
  static final String STAGE = "validate";

  private final int maxTextBytes;

  TextValidator(int maxTextBytes) {
    this.maxTextBytes = maxTextBytes;
  }

  String validate(String text) throws RejectedRecordException {
    if (text == null) {
      throw new RejectedRecordException(STAGE, "text is missing");
    }
    // cheap bound first: a UTF-8 string is at least as many bytes as chars
    if (text.length() > maxTextBytes || utf8Length(text) > maxTextBytes) {
      throw new RejectedRecordException(STAGE,
          "oversize text: " + utf8Length(text) + " bytes > maxTextBytes " + maxTextBytes);
    }
    int unpaired = Surrogates.firstUnpaired(text);
    if (unpaired >= 0) {
      throw new RejectedRecordException(STAGE, "text contains an unpaired surrogate at index " + unpaired);
    }
    // controls out first: one between a letter and its combining mark would keep NFC from composing them
    String normalized = Normalizer.normalize(stripControls(text), Normalizer.Form.NFC);
    if (normalized.isBlank()) {
      throw new RejectedRecordException(STAGE, "empty text");
    }
    return normalized;
  }

  private static String stripControls(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean drop = Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r';
      if (drop && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      } else if (!drop && out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
