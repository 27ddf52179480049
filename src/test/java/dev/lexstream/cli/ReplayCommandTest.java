package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.kafka.TestKafka;
import dev.lexstream.kafka.TopicAdmin;
import dev.lexstream.ops.DeadLetterReplay;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.AvroJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code replay} through the real (embedded) broker: a dead-letter topic written the way the
 * pipeline writes it (transactionally, single-object Avro, the input's headers on each record),
 * replayed to the input topic with filters; the replayed records are byte-for-byte the originals.
 */
class ReplayCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroCodec AVRO = new AvroCodec(Format.SINGLE_OBJECT);
  private static final byte[] UNDECODABLE = {'x', (byte) 0xC3, (byte) 0x28};
  private static final byte[] TICKET = "{\"id\": \"a2\", \"text\": \"The app crashes on start.\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] REVIEW = "Great service, thank you!".getBytes(StandardCharsets.UTF_8);

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String bootstrap;
  private String name;
  private Path config;

  @BeforeEach
  void deadLetters(@TempDir Path dir) throws Exception {
    bootstrap = TestKafka.bootstrap();
    name = "rp" + UUID.randomUUID().toString().substring(0, 8);
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicAdmin.TopicSpec.of(name + ".raw", 2),
        TopicAdmin.TopicSpec.of(name + ".dlq", 2)), Duration.ofSeconds(30));
    config = dir.resolve("replay.yaml");
    Files.writeString(config, """
        kafka: {bootstrap: "%s"}
        pipelines:
          - name: %s
            input: %s.raw
        """.formatted(bootstrap, name, name));

    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name + "-writer");
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      // dlq partition 0: offsets 0..3
      send(producer, 0, AVRO.encode(letter(null, "decode", 1, "k1", UNDECODABLE, UNDECODABLE.length)), "h1", "v1");
      RecordHeaders again = new RecordHeaders();
      again.add("trace", "t2".getBytes(StandardCharsets.UTF_8));
      again.add(DeadLetterReplay.REPLAYED_FROM_HEADER, "old".getBytes(StandardCharsets.UTF_8));
      producer.send(new ProducerRecord<>(name + ".dlq", 0, null, "k2".getBytes(StandardCharsets.UTF_8),
          AVRO.encode(letter("a2", "inference", 0, "k2", TICKET, TICKET.length)), again));
      send(producer, 0, AVRO.encode(letter("a3", "validate", 1, "k3", Arrays.copyOf(REVIEW, 10), 600_000)), null, null);
      send(producer, 0, "not a dead letter".getBytes(StandardCharsets.UTF_8), null, null);
      // dlq partition 1: offset 0, written in the json format
      send(producer, 1, AvroJson.toJson(letter("a4", "inference", 1, null, REVIEW, REVIEW.length)).toString()
          .getBytes(StandardCharsets.UTF_8), null, null);
      producer.commitTransaction();
      // an aborted dead letter is never replayed (read_committed)
      producer.beginTransaction();
      send(producer, 1, AVRO.encode(letter("aborted", "inference", 1, "k9", REVIEW, REVIEW.length)), null, null);
      producer.flush();
      producer.abortTransaction();
    }
  }

  private void send(KafkaProducer<byte[], byte[]> producer, int partition, byte[] value, String header, String headerValue) {
    RecordHeaders headers = new RecordHeaders();
    if (header != null) {
      headers.add(header, headerValue.getBytes(StandardCharsets.UTF_8));
    }
    producer.send(new ProducerRecord<>(name + ".dlq", partition, null, null, value, headers));
  }

  private DeadLetter letter(String id, String stage, int sourcePartition, String key, byte[] original, int size) {
    return DeadLetter.newBuilder().setId(id).setPipeline(name).setStage(stage).setError("failed at " + stage)
        .setErrorType(stage.equals("inference") ? "ai.djl.engine.EngineException" : null)
        .setSource(SourceRef.newBuilder().setTopic(name + ".raw").setPartition(sourcePartition).setOffset(7)
            .setTimestamp(Instant.ofEpochMilli(1_000)).build())
        .setKey(key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
        .setOriginal(ByteBuffer.wrap(original)).setOriginalSize(size).setFailedAt(Instant.now()).build();
  }

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  private List<ConsumerRecord<byte[], byte[]>> input() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = List.of(new TopicPartition(name + ".raw", 0), new TopicPartition(name + ".raw", 1));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  @Test
  void dryRunListsWhatWouldBeReplayedAndWritesNothing() throws Exception {
    assertThat(run("replay", "--config", config.toString(), "--dry-run")).isZero();
    List<JsonNode> lines = lines();
    JsonNode summary = lines.remove(lines.size() - 1);
    assertThat(summary.path("summary").asText()).isEqualTo("dry-run");
    assertThat(lines).extracting(l -> l.path("action").asText()).containsExactlyInAnyOrder(
        "would-replay", "would-replay", "skipped: original cut at 10 of 600000 bytes",
        "unreadable: not a dead letter (neither Avro nor JSON)", "would-replay");
    assertThat(lines).filteredOn(l -> l.path("id").asText().equals("a2")).singleElement()
        .satisfies(l -> assertThat(l.path("stage").asText()).isEqualTo("inference"));
    assertThat(summary.path("read").asLong()).isEqualTo(5);
    assertThat(summary.path("wouldReplay").asLong()).isEqualTo(3);
    assertThat(summary.path("truncated").asLong()).isEqualTo(1);
    assertThat(summary.path("unreadable").asLong()).isEqualTo(1);
    assertThat(out.toString()).doesNotContain("crashes").doesNotContain("Great service");
    assertThat(err.toString()).contains("replay: reading up to ").contains(" offset(s) of " + name + ".dlq; dry run");
    assertThat(input()).isEmpty();
  }

  @Test
  void replaysOriginalBytesKeysAndHeadersToTheSourcePartition() throws Exception {
    assertThat(run("replay", "--config", config.toString(), "--bootstrap", bootstrap)).isZero();
    assertThat(lines().get(lines().size() - 1).path("replayed").asLong()).isEqualTo(3);
    Map<String, ConsumerRecord<byte[], byte[]>> byFrom = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : input()) {
      byFrom.put(new String(r.headers().lastHeader(DeadLetterReplay.REPLAYED_FROM_HEADER).value(), StandardCharsets.UTF_8), r);
    }
    assertThat(byFrom).containsOnlyKeys(name + ".dlq-0@0", name + ".dlq-0@1", name + ".dlq-1@0");

    ConsumerRecord<byte[], byte[]> undecodable = byFrom.get(name + ".dlq-0@0");
    assertThat(undecodable.value()).isEqualTo(UNDECODABLE);
    assertThat(undecodable.key()).isEqualTo("k1".getBytes(StandardCharsets.UTF_8));
    assertThat(undecodable.partition()).isEqualTo(1);
    assertThat(undecodable.headers().lastHeader("h1").value()).isEqualTo("v1".getBytes(StandardCharsets.UTF_8));

    ConsumerRecord<byte[], byte[]> ticket = byFrom.get(name + ".dlq-0@1");
    assertThat(ticket.value()).isEqualTo(TICKET);
    assertThat(ticket.partition()).isZero();
    assertThat(ticket.headers().lastHeader("trace").value()).isEqualTo("t2".getBytes(StandardCharsets.UTF_8));
    assertThat(ticket.headers().headers(DeadLetterReplay.REPLAYED_FROM_HEADER)).hasSize(1);
    assertThat(ticket.headers().lastHeader(DeadLetterReplay.REPLAYED_ID_HEADER).value())
        .isEqualTo("a2".getBytes(StandardCharsets.UTF_8));
    // failed before its id was read: the id its source coordinates gave it
    assertThat(undecodable.headers().lastHeader(DeadLetterReplay.REPLAYED_ID_HEADER).value())
        .isEqualTo((name + ".raw-1-7").getBytes(StandardCharsets.UTF_8));

    ConsumerRecord<byte[], byte[]> review = byFrom.get(name + ".dlq-1@0");
    assertThat(review.value()).isEqualTo(REVIEW);
    assertThat(review.key()).isNull();
    assertThat(review.partition()).isEqualTo(1);
  }

  @Test
  void filtersByStageIdAndOffsetRange() throws Exception {
    assertThat(run("replay", "--config", config.toString(), "--stage", "inference", "--id", "a4")).isZero();
    assertThat(input()).extracting(ConsumerRecord::value).containsExactly(REVIEW);

    assertThat(run("replay", "--config", config.toString(), "--partition", "0", "--from-offset", "1",
        "--to-offset", "2")).isZero();
    List<ConsumerRecord<byte[], byte[]>> all = input();
    assertThat(all).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(REVIEW, TICKET);
    JsonNode summary = lines().get(lines().size() - 1);
    assertThat(summary.path("read").asLong()).isEqualTo(2);
    assertThat(summary.path("replayed").asLong()).isEqualTo(1);
    assertThat(summary.path("lastOffsets").path("0").asLong()).isEqualTo(2);
  }

  @Test
  void fromAnOffsetRetentionDeletedStartsAtTheFirstOneLeftAndSaysSo() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.deleteRecords(Map.of(new TopicPartition(name + ".dlq", 0), RecordsToDelete.beforeOffset(2))).all().get();
    }
    assertThat(run("replay", "--config", config.toString(), "--partition", "0", "--from-offset", "0", "--dry-run"))
        .isZero();
    JsonNode summary = lines().get(lines().size() - 1);
    assertThat(summary.path("read").asLong()).isEqualTo(2);
    assertThat(summary.path("lastOffsets").path("0").asLong()).isEqualTo(3);
    assertThat(err.toString()).contains("replay: offset 0 of " + name + ".dlq-0 no longer exists; starting at 2");
  }

  @Test
  void fromAnOffsetPastAPartitionsEndReadsNothingOfThatPartition() throws Exception {
    // partition 0 gets to offset 7 while partition 1 ends at 4 (a record, a commit, an aborted record, an abort)
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 3; i++) {
        send(producer, 0, AVRO.encode(letter("late" + i, "inference", 0, null, REVIEW, REVIEW.length)), null, null);
      }
      producer.flush();
    }
    assertThat(run("replay", "--config", config.toString(), "--from-offset", "6", "--dry-run")).isZero();
    List<JsonNode> lines = lines();
    JsonNode summary = lines.remove(lines.size() - 1);
    assertThat(lines).extracting(l -> l.path("id").asText()).containsExactly("late1", "late2");
    assertThat(summary.path("lastOffsets").has("1")).isFalse();
  }

  @Test
  void usageErrorsNameTheOption(@TempDir Path dir) throws Exception {
    assertThat(run("replay", "--config", config.toString(), "--pipeline", "nope")).isEqualTo(2);
    assertThat(err.toString()).contains("--pipeline: no pipeline 'nope'");
    assertThat(run("replay", "--config", config.toString(), "--partition", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("has no partition 5");
    assertThat(run("replay", "--config", config.toString(), "--from-offset", "5", "--to-offset", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("--to-offset");
    assertThat(run("replay", "--config", config.toString(), "--stage", "validate,infrence", "--dry-run")).isEqualTo(2);
    assertThat(err.toString()).contains("--stage: no stage 'infrence'; allowed: decode, validate, inference, safety, output");
    Path embedded = dir.resolve("embedded.yaml");
    Files.writeString(embedded, "kafka: {bootstrap: embedded}\npipelines: [{name: p, input: p.raw}]\n");
    assertThat(run("replay", "--config", embedded.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--bootstrap");
  }
}
