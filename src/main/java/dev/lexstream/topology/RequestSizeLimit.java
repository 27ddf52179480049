package dev.lexstream.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * The producer's max.request.size, applied to one record the way the producer applies it: send
 * fails a record whose key, value and headers, with their framing, come to more (a
 * RecordTooLargeException that stops the stream task, and stops it again on the same record
 * after every restart). Records that would not fit are routed elsewhere before they are written.
 */
final class RequestSizeLimit {
  /**
   * Bytes the producer adds to a record's key, value and headers when it checks the size: a record
   * batch header (61 bytes), the record's own framing (at most 21) and the varint lengths of the
   * key, the value and the header count (at most 5 each): 97 in Kafka 4. Rounded up to 128 so that
   * a slightly larger batch header in a later version still fits.
   */
  static final int FRAMING_BYTES = 128;

  /** Per header, the producer also counts the varint lengths of its key and value (at most 5 each). */
  static final int HEADER_FRAMING_BYTES = 10;

  private final int maxRequestSize;

  /** @param maxRequestSize the producer's max.request.size in bytes */
  RequestSizeLimit(int maxRequestSize) {
    this.maxRequestSize = maxRequestSize;
  }

  int bytes() {
    return maxRequestSize;
  }

  boolean admits(long recordSize) {
    return recordSize <= maxRequestSize;
  }

  /** A bound of what the producer counts for a record: never less than its own estimate. */
  static long recordSize(int keyBytes, int valueBytes, Iterable<Header> headers) {
    long size = FRAMING_BYTES + (long) keyBytes + valueBytes;
    for (Header header : headers) {
      size += HEADER_FRAMING_BYTES + header.key().getBytes(StandardCharsets.UTF_8).length
          + (header.value() == null ? 0 : header.value().length);
    }
    return size;
  }
}
