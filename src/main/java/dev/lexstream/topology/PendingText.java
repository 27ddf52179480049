package dev.lexstream.topology;

import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TextDocument;

/**
 * A decoded, validated input record on its way to the models: the document (id filled in, text
 * normalized and redacted by the input guard), where it came from, its original key and bytes for
 * the dead-letter topic (the redacted document instead when the input guard redacted the text),
 * and the input guard's verdict (null when the pipeline has no input guard).
 */
record PendingText(TextDocument document, SourceRef source, byte[] key, byte[] original, SafetyVerdict safety) {
  PendingText(TextDocument document, SourceRef source, byte[] key, byte[] original) {
    this(document, source, key, original, null);
  }

  String id() {
    return document.getId();
  }

  String text() {
    return document.getText();
  }

  /** True when the record asks for a subset of tasks and this one is not in it. */
  boolean skips(String task) {
    return document.getTasks() != null && !document.getTasks().contains(task);
  }
}
