package dev.lexstream.topology;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.SourceRef;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.ToLongFunction;

/** Builds {@link DeadLetter} records, keeping them under the producer's max.request.size. */
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

  /**
   * The dead letter with less of its original when the record carrying it (key and headers
   * included: a large header set travels with it) would exceed max.request.size, so the dead
   * letter itself can be produced: as much of the original as fits. The error then says how much
   * was kept; originalSize keeps the full size, as with the 512 KiB cut. When the key and headers
   * alone are too large no cut helps, and the dead letter comes back with an empty original.
   *
   * @param size what the producer counts for the record carrying a dead letter
   */
  static DeadLetter fit(DeadLetter letter, ToLongFunction<DeadLetter> size, RequestSizeLimit limit) {
    if (limit.admits(size.applyAsLong(letter))) {
      return letter;
    }
    // bisection: what a byte of the original costs depends on the format (a third more as base64 in
    // JSON, give or take padding), so the largest cut that fits is found by measuring
    DeadLetter best = cut(letter, 0, limit);
    int fits = 0;
    int tooLarge = letter.getOriginal().remaining();
    while (tooLarge - fits > 1) {
      int kept = (fits + tooLarge) >>> 1;
      DeadLetter candidate = cut(letter, kept, limit);
      if (limit.admits(size.applyAsLong(candidate))) {
        fits = kept;
        best = candidate;
      } else {
        tooLarge = kept;
      }
    }
    return best;
  }

  private static DeadLetter cut(DeadLetter letter, int kept, RequestSizeLimit limit) {
    ByteBuffer original = letter.getOriginal().duplicate();
    original.limit(original.position() + kept);
    return DeadLetter.newBuilder(letter)
        .setOriginal(original.slice())
        .setError(letter.getError() + "; original cut to " + kept + " of " + letter.getOriginalSize()
            + " bytes to fit max.request.size " + limit.bytes())
        .build();
  }
}
