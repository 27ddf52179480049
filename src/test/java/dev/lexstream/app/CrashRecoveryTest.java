package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.bench.BenchTexts;
import dev.lexstream.kafka.EmbeddedKafka;
import dev.lexstream.kafka.TopicAdmin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery guarantees with real process kills: the app runs in a separate JVM against a real
 * broker, is killed with SIGKILL mid-stream and restarted; with read_committed every input id
 * must come out exactly once across the enriched and dead-letter topics.
 */
class CrashRecoveryTest {
  static final int PARTITIONS = 4;

  @TempDir Path dir;
  private EmbeddedKafka broker;

  @BeforeEach
  void startBroker() {
    broker = EmbeddedKafka.start(null, 0);
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  /** A pipeline config for a child JVM: MiniLM int8, micro-batches of 32, fast fail-over. */
  static Path config(Path dir, String bootstrap, String pipeline, int streamThreads) throws Exception {
    Path file = dir.resolve(pipeline + ".yaml");
    Files.writeString(file, """
        kafka:
          bootstrap: "%s"
          applicationId: %s-app
          partitions: %d
          properties:
            num.stream.threads: %d
            session.timeout.ms: 6000
            heartbeat.interval.ms: 1000
            # Kafka Streams' own 10 s, not Lexstream's ~6 min default: a killed instance's open
            # transaction holds back read_committed readers until it times out (batches here take < 1 s)
            producer.transaction.timeout.ms: 10000
        models:
          minilm: {source: "builtin:all-minilm-l6-v2-q"}
        pipelines:
          - name: %s
            input: %s.raw
            batching: {maxRecords: 32, maxTokens: 4096, maxWait: 50ms}
            classify:
              - name: topic
                model: minilm
                labels: %s
        """.formatted(bootstrap, pipeline, PARTITIONS, streamThreads, pipeline, pipeline, BenchTexts.newsLabelsYaml()));
    return file;
  }

  /** Produces n records with ids {@code <prefix>-N} to {@code <pipeline>.raw}; every 1000th is an empty text (a dead letter). */
  static void produce(String bootstrap, String topic, String prefix, int n) throws Exception {
    // the outputs too, so the collector can subscribe before the app has created them
    String pipeline = topic.substring(0, topic.length() - ".raw".length());
    TopicAdmin.ensureTopics(bootstrap, Map.of(), java.util.stream.Stream.of(".raw", ".enriched", ".dlq", ".quarantine")
        .map(suffix -> new TopicAdmin.TopicSpec(pipeline + suffix, PARTITIONS, (short) 1)).toList(),
        Duration.ofSeconds(30));
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    String[] subjects = {"the election results", "the cup final", "quarterly earnings", "a new chip design"};
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        String id = prefix + "-" + i;
        String text = i % 1000 == 999 ? " " : "Update " + i + " on " + subjects[i % 4] + " from our correspondents.";
        String json = "{\"id\": \"" + id + "\", \"text\": \"" + text + "\"}";
        producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  static void awaitOutputs(OutputCollector outputs, long atLeast, Duration timeout, LexstreamProcess... processes) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outputs.poll() < atLeast) {
      if (System.nanoTime() > deadline) {
        StringBuilder logs = new StringBuilder();
        for (LexstreamProcess p : processes) {
          logs.append("\n--- child JVM (alive=").append(p.alive()).append(")\n").append(p.logTail());
        }
        throw new AssertionError("only " + outputs.outputs() + " of " + atLeast + " outputs after " + timeout + logs);
      }
    }
  }

  static void assertExactlyOnce(OutputCollector outputs, String prefix, int n) {
    // a duplicate would arrive after the last expected record: keep reading a little longer
    long quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < quietUntil) {
      outputs.poll();
    }
    Map<String, Integer> seen = outputs.seen();
    List<String> duplicated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
    assertThat(duplicated).as("ids that came out more than once").isEmpty();
    List<String> lost = java.util.stream.IntStream.range(0, n).mapToObj(i -> prefix + "-" + i)
        .filter(id -> !seen.containsKey(id)).limit(20).collect(Collectors.toList());
    assertThat(lost).as("ids that never came out (first 20)").isEmpty();
    assertThat(seen).hasSize(n);
    assertThat(outputs.outputs()).isEqualTo(n);
  }

  @Test
  void losesNothingAndDuplicatesNothingAcrossTwoKillNines() throws Exception {
    int n = 20_000;
    Path config = config(dir, broker.bootstrap(), "crash", 2);
    Path work = dir.resolve("work");
    produce(broker.bootstrap(), "crash.raw", "c", n);
    try (OutputCollector outputs = new OutputCollector(broker.bootstrap(), "crash", PARTITIONS)) {
      LexstreamProcess first = LexstreamProcess.start(config, work, "run-1");
      awaitOutputs(outputs, 3_000, Duration.ofMinutes(3), first);
      first.kill();

      LexstreamProcess second = LexstreamProcess.start(config, work, "run-2");
      awaitOutputs(outputs, 9_000, Duration.ofMinutes(3), second);
      second.kill();

      try (LexstreamProcess third = LexstreamProcess.start(config, work, "run-3")) {
        awaitOutputs(outputs, n, Duration.ofMinutes(5), third);
        assertExactlyOnce(outputs, "c", n);
      }
    }
  }
}
