package dev.lexstream.topology;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.SourceRef;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/** Builds {@link DeadLetter} records, keeping them under Kafka's default 1 MiB message limit. */
final class DeadLetters {
  /** Original bytes beyond this are cut so a dead letter can always be produced. */
  static final int MAX_ORIGINAL_BYTES = 512 * 1024;

  private DeadLetters() {}

  static DeadLetter of(String pipeline, String id, String stage, String error, Throwable cause,
      SourceRef source, byte[] key, byte[] original) {
    byte[] value = original == null ? new byte[0] : original;
    byte[] kept = value.length > MAX_ORIGINAL_BYTES ? Arrays.copyOf(value, MAX_ORIGINAL_BYTES) : value;
    Throwable root = cause;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return DeadLetter.newBuilder()
        .setId(id)
        .setPipeline(pipeline)
        .setStage(stage)
        .setError(error)
        .setErrorType(root == null ? null : root.getClass().getName())
        .setSource(source)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setOriginal(ByteBuffer.wrap(kept))
        .setOriginalSize(value.length)
        .setFailedAt(Instant.now())
        .build();
  }
}
