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
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  private static final int LIMIT = 100_000;
  private static final SourceRef SOURCE = SourceRef.newBuilder()
      .setTopic("in").setPartition(0).setOffset(7).setTimestamp(Instant.EPOCH).build();
  private static final byte[] KEY = "key".getBytes(StandardCharsets.UTF_8);

  /** The producer's default max.request.size. */
  private static final int DEFAULT_LIMIT = 1024 * 1024;

  private static SinkSizes sizes(Format format) {
    return sizes(format, LIMIT);
  }

  private static SinkSizes sizes(Format format, int limit) {
    AvroCodec codec = new AvroCodec(format);
    return new SinkSizes(new RequestSizeLimit(limit), new KeySerializer(codec), new RecordSerializer(codec),
        Map.of("dead-letters", "p.dlq"));
  }

  private static byte[] random(int bytes) {
    byte[] out = new byte[bytes];
    new Random(bytes).nextBytes(out);
    return out;
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

      Record<byte[], Object> forwarded = DeadLetters.fit(record, letter, sizes, "dead-letters");

      DeadLetter fitted = (DeadLetter) forwarded.value();
      long size = sizes.size("dead-letters", forwarded);
      assertThat(size).as(format.name()).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 16);
      byte[] kept = new byte[fitted.getOriginal().remaining()];
      fitted.getOriginal().duplicate().get(kept);
      assertThat(kept).isEqualTo(Arrays.copyOf(original, kept.length));
      assertThat(fitted.getOriginalSize()).isEqualTo(original.length);
      assertThat(fitted.getError()).isEqualTo("empty text; original cut to " + kept.length + " of 200000 bytes to fit "
          + "max.request.size " + LIMIT);
      assertThat(forwarded.key()).isEqualTo(KEY);
      assertThat(fitted.getKey()).isNotNull();
      assertThat(forwarded.headers().lastHeader("trace")).as("headers pass through").isNotNull();
    }
  }

  @Test
  void dropsTheKeyCopyOfAnInputWhoseKeyTravelsTwiceOverTheDefaultLimitInEveryFormat() {
    byte[] key = random(520 * 1024); // as the record key and again in the dead letter (base64 in JSON)
    for (Format format : List.of(Format.SINGLE_OBJECT, Format.JSON)) {
      SinkSizes sizes = sizes(format, DEFAULT_LIMIT);
      Record<byte[], Object> record = new Record<>(key, null, 0L, new RecordHeaders().add("trace", new byte[10]));
      DeadLetter letter = DeadLetters.of("p", "id", "validate", "empty text", null, SOURCE, key, new byte[0]);

      Record<byte[], Object> forwarded = DeadLetters.fit(record, letter, sizes, "dead-letters");

      DeadLetter fitted = (DeadLetter) forwarded.value();
      assertThat(sizes.size("dead-letters", forwarded)).as(format.name()).isLessThanOrEqualTo(DEFAULT_LIMIT);
      assertThat(fitted.getKey()).isNull();
      assertThat(forwarded.key()).as("the record key still carries it").isEqualTo(key);
      assertThat(forwarded.headers().lastHeader("trace")).as("headers pass through").isNotNull();
      assertThat(fitted.getId()).isEqualTo("id");
      assertThat(fitted.getError()).isEqualTo("empty text; original cut to 0 of 0 bytes; key copy dropped, id and "
          + "error cut to at most 256 and 1024 chars to fit max.request.size " + DEFAULT_LIMIT);
    }
  }

  @Test
  void cutsAnIdThatEscapesBeyondTheLimitInJson() {
    SinkSizes sizes = sizes(Format.JSON, DEFAULT_LIMIT);
    String id = "\u0001".repeat(200_000); // \\u0001 in JSON: six times its size
    Record<byte[], Object> record = new Record<>(KEY, null, 0L, new RecordHeaders());
    DeadLetter letter = DeadLetters.of("p", id, "validate", "empty text", null, SOURCE, KEY, new byte[100]);

    Record<byte[], Object> forwarded = DeadLetters.fit(record, letter, sizes, "dead-letters");

    assertThat(sizes.size("dead-letters", forwarded)).isLessThanOrEqualTo(DEFAULT_LIMIT);
    assertThat(((DeadLetter) forwarded.value()).getId()).isEqualTo(id.substring(0, DeadLetters.FITTED_ID_CHARS));
    assertThat(((DeadLetter) forwarded.value()).getOriginalSize()).isEqualTo(100);
  }

  @Test
  void sendsTheDeadLetterWithoutKeyAndHeadersWhenTheyAloneExceedTheLimitAndKeepsItsPartition() {
    SourceRef source = SourceRef.newBuilder(SOURCE).setPartition(3).build();
    for (Format format : List.of(Format.SINGLE_OBJECT, Format.JSON)) {
      SinkSizes sizes = sizes(format, DEFAULT_LIMIT);
      Record<byte[], Object> record = new Record<>(random(600 * 1024), null, 42L,
          new RecordHeaders().add("trace", random(600 * 1024)));
      DeadLetter letter = DeadLetters.of("p", "id", "decode", "invalid UTF-8 at byte 3", null, source,
          record.key(), random(1000));

      Record<byte[], Object> forwarded = DeadLetters.fit(record, letter, sizes, "dead-letters");

      DeadLetter fitted = (DeadLetter) forwarded.value();
      assertThat(sizes.size("dead-letters", forwarded)).as(format.name()).isLessThanOrEqualTo(DEFAULT_LIMIT);
      assertThat(forwarded.key()).isNull();
      assertThat(forwarded.headers().toArray().length).as("headers").isZero();
      assertThat(forwarded.timestamp()).isEqualTo(42L);
      assertThat(fitted.getKey()).isNull();
      assertThat(fitted.getOriginalSize()).isEqualTo(1000);
      assertThat(fitted.getError()).startsWith("invalid UTF-8 at byte 3; original cut to 0 of 1000 bytes; key copy "
          + "dropped").endsWith("; sent without the input's key and headers");
      assertThat(new SourcePartitioner().partitions("p.dlq", forwarded.key(), fitted, 8))
          .as("the partition of its input, whatever the key").contains(Set.of(3));
    }
  }

  @Test
  void leavesADeadLetterThatFitsAsItIs() {
    SinkSizes sizes = sizes(Format.JSON);
    Record<byte[], Object> record = carrying(new byte[10]);
    DeadLetter letter = DeadLetters.of("p", "id", "decode", "invalid UTF-8 at byte 3", null, SOURCE, KEY,
        new byte[50_000]);

    Record<byte[], Object> forwarded = DeadLetters.fit(record, letter, sizes, "dead-letters");

    assertThat(forwarded.value()).isSameAs(letter);
    assertThat(forwarded.key()).isEqualTo(KEY);
    assertThat(forwarded.headers().lastHeader("trace")).as("headers pass through").isNotNull();
  }
}
