package dev.lexstream.topology;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.SourceRef;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.processor.api.Record;

/** Builds {@link DeadLetter} records, keeping them under the producer's max.request.size. */
final class DeadLetters {
  /** Original bytes beyond this are cut so a dead letter can always be produced. */
  static final int MAX_ORIGINAL_BYTES = 512 * 1024;
  /**
   * Longest id a dead letter keeps when even without its original it exceeds max.request.size:
   * enough to find the input by; in JSON an id of control characters escapes to six times its size.
   */
  static final int FITTED_ID_CHARS = 256;
  /**
   * Longest error kept then: an error may quote the input (a JSON metadata key) and so be as large
   * as the input itself.
   */
  static final int FITTED_ERROR_CHARS = 1024;

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
   * The record to forward to {@code sink} for {@code letter}: carried like {@code carrier} (the
   * input's key, timestamp and headers) and always within the producer's max.request.size, as a
   * record over it stops the task, and the input comes back on every restart. Each step is taken
   * only when the previous one does not fit, and {@code error} says which were taken:
   * <ol>
   *   <li>as much of the original as fits ({@code original cut to K of N bytes}; originalSize keeps
   *       N, as with the 512 KiB cut, so {@code replay} skips it);
   *   <li>no original, no copy of the key in the dead letter (the record key still carries it), and
   *       id and error cut to {@link #FITTED_ID_CHARS} and {@link #FITTED_ERROR_CHARS}: the key
   *       travels twice (base64 in JSON), and an id or error quoting the input may escape to several
   *       times its size;
   *   <li>the record without the input's key and headers. What is left is bounded (a few KiB at
   *       most), and it still goes to the partition its input came from: {@link SourcePartitioner}
   *       reads the dead letter's source, not the key.
   * </ol>
   * Sizes are measured with the sinks' own serializers, so in the configured format.
   */
  static Record<byte[], Object> fit(Record<byte[], ?> carrier, DeadLetter letter, SinkSizes sizes, String sink) {
    RequestSizeLimit limit = sizes.limit();
    ToLongFunction<DeadLetter> size = l -> sizes.size(sink, carrier.withValue(l));
    if (limit.admits(size.applyAsLong(letter))) {
      return carrier.withValue(letter);
    }
    DeadLetter emptied = cut(letter, 0, limit);
    if (limit.admits(size.applyAsLong(emptied))) {
      return carrier.withValue(largestCut(letter, emptied, size, limit));
    }
    DeadLetter shrunk = DeadLetter.newBuilder(emptied)
        .setKey(null)
        .setId(prefix(letter.getId(), FITTED_ID_CHARS))
        .setError(prefix(letter.getError(), FITTED_ERROR_CHARS) + "; original cut to 0 of " + letter.getOriginalSize()
            + " bytes; key copy dropped, id and error cut to at most " + FITTED_ID_CHARS + " and "
            + FITTED_ERROR_CHARS + " chars to fit max.request.size " + limit.bytes())
        .build();
    if (limit.admits(size.applyAsLong(shrunk))) {
      return carrier.withValue(shrunk);
    }
    DeadLetter bare = DeadLetter.newBuilder(shrunk)
        .setError(shrunk.getError() + "; sent without the input's key and headers")
        .build();
    return new Record<>(null, bare, carrier.timestamp());
  }

  /**
   * The letter with the most of its original that fits, {@code emptied} (none of it) known to fit.
   * Found by bisection: what a byte of the original costs depends on the format (a third more as
   * base64 in JSON, give or take padding), so it is measured.
   */
  private static DeadLetter largestCut(DeadLetter letter, DeadLetter emptied, ToLongFunction<DeadLetter> size,
      RequestSizeLimit limit) {
    DeadLetter best = emptied;
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

  /** The first {@code chars} of {@code text} at most, never ending in half a surrogate pair (null stays null). */
  private static String prefix(String text, int chars) {
    if (text == null || text.length() <= chars) {
      return text;
    }
    return text.substring(0, Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars);
  }
}
