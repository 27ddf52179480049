package dev.lexstream.topology;

import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TextDocument;
import org.apache.kafka.common.header.Headers;

/**
 * A decoded, validated input record on its way to the models: the document (id filled in, text
 * normalized and redacted by the input guard), where it came from, its original key, bytes and
 * headers for the output and the dead-letter topic (the redacted document instead of the bytes
 * when the input guard redacted the text), and the input guard's verdict (null when the pipeline
 * has no input guard).
 *
 * @param encoded the batch buffer entry already encoded by {@link BufferEntryCheck}, which
 *     {@link PendingTextCodec} then stores as is (null when not encoded yet): encoding a large
 *     entry costs tens of microseconds on the stream thread, and sizing it needs the encoding
 */
record PendingText(TextDocument document, SourceRef source, byte[] key, byte[] original, Headers headers,
    SafetyVerdict safety, byte[] encoded) {
  PendingText(TextDocument document, SourceRef source, byte[] key, byte[] original, Headers headers,
      SafetyVerdict safety) {
    this(document, source, key, original, headers, safety, null);
  }

  String id() {
    return document.getId();
  }

  String text() {
    return document.getText();
  }

  long timestamp() {
    return source.getTimestamp().toEpochMilli();
  }

  /** True when the record asks for a subset of tasks and this one is not in it. */
  boolean skips(String task) {
    return document.getTasks() != null && !document.getTasks().contains(task);
  }
}
