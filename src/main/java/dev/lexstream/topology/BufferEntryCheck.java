package dev.lexstream.topology;

import dev.lexstream.batching.BatchingProcessor;
import dev.lexstream.serde.RejectedRecordException;
import java.util.List;

/**
 * Refuses, at stage {@code validate}, a record whose batch buffer entry the producer would not
 * take. The entry holds the document, the original bytes and the headers (about twice the input),
 * and goes to the buffer's changelog: a changelog record over max.request.size stops the task, and
 * the record comes back on every restart. Sized by encoding the entry as the buffer will.
 */
final class BufferEntryCheck {
  private final BatchingProcessor.ValueCodec<PendingText> codec;
  private final RequestSizeLimit limit;

  /** @param codec how the batch buffer encodes its entries */
  BufferEntryCheck(BatchingProcessor.ValueCodec<PendingText> codec, RequestSizeLimit limit) {
    this.codec = codec;
    this.limit = limit;
  }

  /** @throws RejectedRecordException naming the entry's size (its changelog record, framing included) and the limit */
  void check(PendingText pending) throws RejectedRecordException {
    int stored = BatchingProcessor.storedBytes(codec.encode(pending).length);
    long size = RequestSizeLimit.recordSize(BatchingProcessor.KEY_BYTES, stored, List.of());
    if (!limit.admits(size)) {
      throw new RejectedRecordException(TextValidator.STAGE,
          "buffer entry of " + size + " bytes exceeds max.request.size " + limit.bytes());
    }
  }
}
