package dev.lexstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.avro.internal.BufferedText;
import dev.lexstream.serde.SchemaVersionsTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class PendingTextCodecTest {
  private static final PendingTextCodec CODEC = new PendingTextCodec();

  private static PendingText pending(SafetyVerdict safety) {
    TextDocument document = TextDocument.newBuilder().setId("t-1").setText("Stocks rallied on Friday").build();
    SourceRef source = SourceRef.newBuilder().setTopic("news.raw").setPartition(2).setOffset(41)
        .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
    return new PendingText(document, source, "k".getBytes(StandardCharsets.UTF_8),
        "Stocks rallied on Friday".getBytes(StandardCharsets.UTF_8), headers, safety);
  }

  @Test
  void readsBackWhatItWrites() {
    SafetyVerdict verdict = SafetyVerdict.newBuilder().setAction("allow").setFindings(List.of()).build();
    PendingText decoded = CODEC.decode(CODEC.encode(pending(verdict)));
    assertThat(decoded.document()).isEqualTo(pending(verdict).document());
    assertThat(decoded.source()).isEqualTo(pending(verdict).source());
    assertThat(decoded.safety()).isEqualTo(verdict);
    assertThat(decoded.headers().lastHeader("trace").value()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void storesTheEntryTheBufferEntryCheckEncodedWithoutEncodingItAgain() throws Exception {
    PendingText checked = new BufferEntryCheck(CODEC, new RequestSizeLimit(1024 * 1024)).check(pending(null));

    byte[] stored = CODEC.encode(checked);

    assertThat(stored).isSameAs(checked.encoded()).isEqualTo(CODEC.encode(pending(null)));
  }

  @Test
  void restoresBufferEntriesWrittenBeforeTheSafetyFieldExisted() throws Exception {
    Schema current = BufferedText.getClassSchema();
    Schema v1 = PendingTextCodec.VERSIONS.shipped().get(0);
    // an entry as version 1 wrote it: today's entry read into version 1's shape, encoded with its schema
    byte[] today = CODEC.encode(pending(null));
    ByteBuffer body = ByteBuffer.wrap(today, 10, today.length - 10); // single-object header: 2 marker + 8 fingerprint bytes
    GenericRecord old = new GenericDatumReader<GenericRecord>(current, v1)
        .read(null, DecoderFactory.get().binaryDecoder(body.array(), body.position(), body.remaining(), null));
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old, written);

    PendingText restored = CODEC.decode(written.toByteArray());

    assertThat(restored.document()).isEqualTo(pending(null).document());
    assertThat(restored.source()).isEqualTo(pending(null).source());
    assertThat(restored.original()).isEqualTo(pending(null).original());
    assertThat(restored.safety()).isNull();
  }

  @Test
  void shipsTheSchemaOfTheBufferedTextItWrites() {
    // or the entries it writes would be unreadable to the version after the next
    SchemaVersionsTest.assertShipsTheCurrentSchema(PendingTextCodec.VERSIONS);
  }
}
