package dev.lexstream.topology;

import dev.lexstream.batching.BatchingProcessor;
import dev.lexstream.serde.RejectedRecordException;
import java.util.List;

/**
 * Refuses, at stage {@code validate}, a record whose batch buffer entry the producer would not
 * take. The entry holds the document, the original bytes and the headers (about twice the input),
 * and goes to the buffer's changelog: a changelog record over max.request.size stops the task, and
 * the record comes back on every restart. Sized by encoding the entry as the buffer will, and
 * the encoding is handed on to the buffer rather than done twice. A cheap upper bound that would
 * skip the encoding for small entries is not used: the entry holds the whole document (its
 * metadata, tasks and every field a later schema adds), so a bound would have to track the schema
 * to stay sound.
 */
final class BufferEntryCheck {
  private final BatchingProcessor.ValueCodec<PendingText> codec;
  private final RequestSizeLimit limit;

  /** @param codec how the batch buffer encodes its entries */
  BufferEntryCheck(BatchingProcessor.ValueCodec<PendingText> codec, RequestSizeLimit limit) {
    this.codec = codec;
    this.limit = limit;
  }

  /**
   * @return {@code pending} carrying its encoded entry, for the buffer to store without encoding it again
   * @throws RejectedRecordException naming the entry's size (its changelog record, framing included) and the limit
   */
  PendingText check(PendingText pending) throws RejectedRecordException {
    byte[] encoded = codec.encode(pending);
    int stored = BatchingProcessor.storedBytes(encoded.length);
    long size = RequestSizeLimit.recordSize(BatchingProcessor.KEY_BYTES, stored, List.of());
    if (!limit.admits(size)) {
      throw new RejectedRecordException(TextValidator.STAGE,
          "buffer entry of " + size + " bytes exceeds max.request.size " + limit.bytes());
    }
    return new PendingText(pending.document(), pending.source(), pending.key(), pending.original(),
        pending.headers(), pending.safety(), encoded);
  }
}
