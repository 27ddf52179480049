package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.kafka.EmbeddedKafka;
import dev.lexstream.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole slice against a real in-process broker: 200 valid texts and 20 poison records in,
 * exactly 200 enriched records and 20 dead letters out, every id accounted for, order kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIntegrationTest {
  private static final int VALID = 200;
  private static final String[] TOPICS = {"World", "Sports", "Business", "Sci/Tech"};

  private EmbeddedKafka broker;
  private Lexstream app;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Level previousLevel;

  /** What was sent, by its coordinates in the input topic. */
  private final Map<String, Sent> sent = new HashMap<>();
  private final List<ConsumerRecord<byte[], byte[]>> enriched = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();

  record Sent(String id, String text, String expectedStage) {}

  @BeforeAll
  void runPipeline(@TempDir Path work) throws Exception {
    Logger lexstream = (Logger) LoggerFactory.getLogger("dev.lexstream");
    previousLevel = lexstream.getLevel();
    lexstream.setLevel(Level.DEBUG); // so the no-text-in-logs check sees every line we could write
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);

    broker = EmbeddedKafka.start(null, 0);
    LexstreamConfig config = ConfigLoader.parse("""
        kafka: {bootstrap: "%s", applicationId: it-app, partitions: 4}
        models:
          minilm: {source: "builtin:all-minilm-l6-v2-q"}
        pipelines:
          - name: it
            input: it.raw
            maxTextBytes: 2000
            classify:
              - name: topic
                model: minilm
                labels:
                  World: world news, politics, international affairs
                  Sports: sports, games, athletes, matches
                  Business: business, companies, markets, economy
                  Sci/Tech: science, technology, computers, the internet
        """.formatted(broker.bootstrap()), "it.yaml", Map.of());
    app = Lexstream.start(config, work);
    assertThat(app.awaitRunning(Duration.ofMinutes(2))).isTrue();

    produceInputs();
    consumeOutputs();
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
    if (broker != null) {
      broker.close();
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    ((Logger) LoggerFactory.getLogger("dev.lexstream")).setLevel(previousLevel);
  }

  private void produceInputs() throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<Sent> meaning = new ArrayList<>();
    for (int i = 0; i < VALID; i++) {
      String id = "v-%03d".formatted(i);
      String text = "Report %d: the %s desk covers item number %d today.".formatted(i, TOPICS[i % 4], i * 7);
      records.add(record(id, "{\"id\": \"%s\", \"text\": \"%s\"}".formatted(id, text).getBytes(StandardCharsets.UTF_8)));
      meaning.add(new Sent(id, text, null));
    }
    AvroCodec avro = new AvroCodec(Format.SINGLE_OBJECT);
    for (int i = 0; i < 4; i++) {
      byte[] doc = avro.encode(TextDocument.newBuilder().setId("p-avro-" + i).setText("will be cut").build());
      addPoison(records, meaning, "p-utf8-" + i, new byte[] {'x', (byte) 0xC3, (byte) 0x28, (byte) (0xF0 + i)}, "decode");
      addPoison(records, meaning, "p-empty-" + i, ("{\"id\": \"p-empty-" + i + "\", \"text\": \" \"}").getBytes(StandardCharsets.UTF_8), "validate");
      addPoison(records, meaning, "p-big-" + i, "y".repeat(2001 + i).getBytes(StandardCharsets.UTF_8), "validate");
      addPoison(records, meaning, "p-json-" + i, ("{\"id\": \"p-json-" + i + "\", \"text\": ").getBytes(StandardCharsets.UTF_8), "decode");
      addPoison(records, meaning, "p-avro-" + i, Arrays.copyOf(doc, doc.length - 3), "decode");
    }
    // interleave poison with valid records, deterministically
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(42));
    var props = new HashMap<String, Object>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i : order) {
        RecordMetadata meta = producer.send(records.get(i)).get();
        sent.put(meta.partition() + "@" + meta.offset(), meaning.get(i));
      }
    }
  }

  private static ProducerRecord<byte[], byte[]> record(String key, byte[] value) {
    return new ProducerRecord<>("it.raw", key.getBytes(StandardCharsets.UTF_8), value);
  }

  private static void addPoison(List<ProducerRecord<byte[], byte[]>> records, List<Sent> meaning, String key,
      byte[] value, String stage) {
    records.add(record(key, value));
    meaning.add(new Sent(key, null, stage));
  }

  private void consumeOutputs() {
    var props = new HashMap<String, Object>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of("it.enriched", "it.dlq", "it.quarantine")) {
        for (int p = 0; p < 4; p++) {
          partitions.add(new TopicPartition(topic, p));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ZERO).until(() -> {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          switch (r.topic()) {
            case "it.enriched" -> enriched.add(r);
            case "it.dlq" -> deadLetters.add(r);
            default -> throw new AssertionError("unexpected record on " + r.topic());
          }
        }
        return enriched.size() + deadLetters.size() >= sent.size();
      });
      // anything beyond the expected count would be a duplicate: give it a moment to show up
      for (int i = 0; i < 5; i++) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          (r.topic().equals("it.enriched") ? enriched : deadLetters).add(r);
        }
      }
    }
  }

  @Test
  void everyValidTextIsEnrichedAndEveryPoisonRecordIsDeadLettered() throws Exception {
    assertThat(enriched).hasSize(VALID);
    assertThat(deadLetters).hasSize(20);
    Map<String, Integer> outcomes = new HashMap<>();
    for (var r : enriched) {
      EnrichedText e = AvroCodec.decodeSingleObject(r.value(), EnrichedText.class);
      Sent input = sent.get(e.getSource().getPartition() + "@" + e.getSource().getOffset());
      assertThat(input.expectedStage()).isNull();
      assertThat(e.getId()).isEqualTo(input.id());
      assertThat(e.getText()).isEqualTo(input.text());
      assertThat(e.getClassifications()).singleElement().satisfies(c -> {
        assertThat(c.getName()).isEqualTo("topic");
        assertThat(c.getScores().keySet()).containsExactlyInAnyOrder(TOPICS);
      });
      assertThat(e.getRuns()).singleElement().satisfies(run -> {
        assertThat(run.getModelId()).isEqualTo("builtin:all-minilm-l6-v2-q");
        assertThat(run.getBatchSize()).isPositive();
      });
      outcomes.merge(input.id(), 1, Integer::sum);
    }
    for (var r : deadLetters) {
      DeadLetter d = AvroCodec.decodeSingleObject(r.value(), DeadLetter.class);
      Sent input = sent.get(d.getSource().getPartition() + "@" + d.getSource().getOffset());
      assertThat(d.getStage()).as("stage of %s", input.id()).isEqualTo(input.expectedStage());
      assertThat(d.getError()).isNotBlank();
      assertThat(new String(d.getKey().array(), StandardCharsets.UTF_8)).isEqualTo(input.id());
      assertThat(d.getOriginalSize()).isEqualTo(d.getOriginal().remaining());
      outcomes.merge(input.id(), 1, Integer::sum);
    }
    assertThat(outcomes).hasSize(sent.size()).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
  }

  @Test
  void keepsOrderWithinPartition() throws Exception {
    for (var outputs : List.of(enriched, deadLetters)) {
      Map<Integer, Long> lastOffset = new HashMap<>();
      for (var r : outputs) {
        var source = r.topic().equals("it.enriched")
            ? AvroCodec.decodeSingleObject(r.value(), EnrichedText.class).getSource()
            : AvroCodec.decodeSingleObject(r.value(), DeadLetter.class).getSource();
        assertThat(r.partition()).as("output partition = input partition").isEqualTo(source.getPartition());
        long previous = lastOffset.getOrDefault(source.getPartition(), -1L);
        assertThat(source.getOffset()).isGreaterThan(previous);
        lastOffset.put(source.getPartition(), source.getOffset());
      }
    }
  }

  @Test
  void neverWritesRawTextToLogs() {
    assertThat(logs.list).isNotEmpty();
    List<String> texts = sent.values().stream().map(Sent::text).filter(t -> t != null).toList();
    for (ILoggingEvent event : logs.list) {
      String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
      for (String text : texts) {
        assertThat(line).doesNotContain(text);
      }
      assertThat(line).doesNotContain("will be cut").doesNotContain("yyyyyyyyyy");
    }
  }
}
