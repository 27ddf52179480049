package dev.lexstream.topology;

import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TextDocument;

/**
 * A decoded, validated input record on its way to the models: the document (id filled in, text
 * normalized), where it came from, and its original key and bytes for the dead-letter topic.
 */
record PendingText(TextDocument document, SourceRef source, byte[] key, byte[] original) {
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
