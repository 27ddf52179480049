package dev.lexstream.topology;

import dev.lexstream.avro.internal.BufferedHeader;
import dev.lexstream.avro.internal.BufferedText;
import dev.lexstream.batching.BatchingProcessor;
import dev.lexstream.serde.SchemaVersions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Stores a {@link PendingText} in the batch buffer as an Avro {@code BufferedText} (single-object
 * encoding). Entries written by earlier versions are read through their own schema: a buffer left
 * by a crash or a timed-out drain is restored by the upgraded version, and one unreadable entry
 * would stop the task's start on every restart.
 */
final class PendingTextCodec implements BatchingProcessor.ValueCodec<PendingText> {
  /** Every version of the BufferedText schema, oldest first; the last is the generated class's. */
  static final SchemaVersions VERSIONS = SchemaVersions.of(BufferedText.getClassSchema(), PendingTextCodec.class,
      "buffered-text-v1.avsc", "buffered-text-v2.avsc");

  private static final BinaryMessageDecoder<BufferedText> DECODER =
      BufferedText.createDecoder(SchemaVersions.store(List.of(VERSIONS)));

  /** The entry's bytes: those {@link BufferEntryCheck} encoded to size it when it carries them. */
  @Override
  public byte[] encode(PendingText value) {
    if (value.encoded() != null) {
      return value.encoded();
    }
    List<BufferedHeader> headers = new ArrayList<>();
    for (Header header : value.headers()) {
      headers.add(new BufferedHeader(header.key(), header.value() == null ? null : ByteBuffer.wrap(header.value())));
    }
    BufferedText buffered = BufferedText.newBuilder()
        .setDocument(value.document())
        .setSource(value.source())
        .setKey(value.key() == null ? null : ByteBuffer.wrap(value.key()))
        .setOriginal(ByteBuffer.wrap(value.original() == null ? new byte[0] : value.original()))
        .setHeaders(headers)
        .setSafety(value.safety())
        .build();
    try {
      ByteBuffer bytes = buffered.toByteBuffer();
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public PendingText decode(byte[] bytes) {
    BufferedText buffered;
    try {
      buffered = DECODER.decode(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable batch buffer entry", e);
    }
    RecordHeaders headers = new RecordHeaders();
    for (BufferedHeader header : buffered.getHeaders()) {
      headers.add(header.getKey(), header.getValue() == null ? null : array(header.getValue()));
    }
    return new PendingText(buffered.getDocument(), buffered.getSource(),
        buffered.getKey() == null ? null : array(buffered.getKey()), array(buffered.getOriginal()), headers,
        buffered.getSafety());
  }

  private static byte[] array(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
