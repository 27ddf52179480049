package dev.lexstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.KeySerializer;
import dev.lexstream.serde.RecordSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  private static final int LIMIT = 100_000;
  private static final SourceRef SOURCE = SourceRef.newBuilder()
      .setTopic("in").setPartition(0).setOffset(7).setTimestamp(Instant.EPOCH).build();
  private static final byte[] KEY = "key".getBytes(StandardCharsets.UTF_8);

  private static SinkSizes sizes(Format format) {
    AvroCodec codec = new AvroCodec(format);
    return new SinkSizes(new RequestSizeLimit(LIMIT), new KeySerializer(codec), new RecordSerializer(codec),
        Map.of("dead-letters", "p.dlq"));
  }

  private static Record<byte[], Object> carrying(byte[] header) {
    return new Record<>(KEY, null, 0L, new RecordHeaders().add("trace", header));
  }

  @Test
  void cutsTheOriginalJustEnoughForTheRecordToFitInEveryFormat() {
    byte[] original = new byte[200_000];
    new Random(7).nextBytes(original); // base64 in JSON: a third larger than in Avro
    for (Format format : List.of(Format.SINGLE_OBJECT, Format.JSON)) {
      SinkSizes sizes = sizes(format);
      Record<byte[], Object> record = carrying(new byte[30_000]);
      DeadLetter letter = DeadLetters.of("p", "id", "validate", "empty text", null, SOURCE, KEY, original);

      DeadLetter fitted = DeadLetters.fit(letter, l -> sizes.size("dead-letters", record.withValue(l)),
          sizes.limit());

      long size = sizes.size("dead-letters", record.withValue(fitted));
      assertThat(size).as(format.name()).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 16);
      byte[] kept = new byte[fitted.getOriginal().remaining()];
      fitted.getOriginal().duplicate().get(kept);
      assertThat(kept).isEqualTo(Arrays.copyOf(original, kept.length));
      assertThat(fitted.getOriginalSize()).isEqualTo(original.length);
      assertThat(fitted.getError()).isEqualTo("empty text; original cut to " + kept.length + " of 200000 bytes to fit "
          + "max.request.size " + LIMIT);
    }
  }

  @Test
  void leavesADeadLetterThatFitsAsItIs() {
    SinkSizes sizes = sizes(Format.JSON);
    Record<byte[], Object> record = carrying(new byte[10]);
    DeadLetter letter = DeadLetters.of("p", "id", "decode", "invalid UTF-8 at byte 3", null, SOURCE, KEY,
        new byte[50_000]);

    assertThat(DeadLetters.fit(letter, l -> sizes.size("dead-letters", record.withValue(l)), sizes.limit()))
        .isSameAs(letter);
  }
}
