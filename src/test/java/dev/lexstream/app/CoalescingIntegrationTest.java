package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.TaskRun;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.kafka.TestKafka;
import dev.lexstream.kafka.TopicAdmin;
import dev.lexstream.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's one inference executor serves every stream thread of a running instance (real broker,
 * Lexstream in this JVM): with a backlog of short texts waiting on 4 partitions when 2 stream threads
 * start, device batches hold the flushes of several tasks, of both threads. A task's micro-batches are
 * tiny here ({@code maxRecords: 2}, {@code inFlight: 1}), far below the model's {@code maxBatch}, so a
 * larger device batch can only be coalesced from requests of different tasks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoalescingIntegrationTest {
  private static final String PIPELINE = "coal";
  private static final int PARTITIONS = 4;
  private static final int RECORDS = 800;
  private static final int MAX_RECORDS = 2;
  private static final int IN_FLIGHT = 1;
  /**
   * Most texts one task can have at the executor at once: its {@code inFlight} batches, plus the one it
   * has just flushed while its stream thread waits for the oldest ({@code BatchingProcessor.submit}).
   */
  private static final int ONE_TASK_AT_MOST = (IN_FLIGHT + 1) * MAX_RECORDS;

  private String bootstrap;
  private Lexstream app;
  private Map<String, Double> metrics;
  private final List<EnrichedText> outputs = new ArrayList<>();

  @BeforeAll
  void runBacklog(@TempDir Path work) throws Exception {
    bootstrap = TestKafka.bootstrap();
    // the backlog is in place before the instance starts, so every task has work from its first poll
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicAdmin.TopicSpec.of(PIPELINE + ".raw", PARTITIONS)),
        Duration.ofSeconds(30));
    produceBacklog();
    LexstreamConfig config = ConfigLoader.parse("""
        kafka:
          bootstrap: "%s"
          applicationId: coal-it
          partitions: %d
          properties: {num.stream.threads: 2}
        models:
          # the CPU wherever the test runs; coalesce is the default, spelled out as it is what is tested
          minilm: {source: "builtin:all-minilm-l6-v2-q", device: cpu, maxBatch: 32, coalesce: true}
        pipelines:
          - name: %s
            input: %s.raw
            batching: {maxRecords: %d, inFlight: %d}
            classify:
              - name: topic
                model: minilm
                labels:
                  World: world news, politics, international affairs
                  Sports: sports, games, athletes, matches
        """.formatted(bootstrap, PARTITIONS, PIPELINE, PIPELINE, MAX_RECORDS, IN_FLIGHT), "coal.yaml", Map.of());
    app = Lexstream.start(config, work);
    consumeOutputs();
    metrics = OpsIntegrationTest.parse(app.metrics().scrape());
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private void produceBacklog() throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    String[] subjects = {"the election results", "the cup final", "quarterly earnings", "a new chip design"};
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        String id = "c-" + i;
        String json = "{\"id\": \"%s\", \"text\": \"Update %d on %s.\"}".formatted(id, i, subjects[i % 4]);
        producer.send(new ProducerRecord<>(PIPELINE + ".raw", i % PARTITIONS, id.getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  private void consumeOutputs() throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(PIPELINE + ".enriched", PIPELINE + ".quarantine", PIPELINE + ".dlq")) {
        for (int p = 0; p < PARTITIONS; p++) {
          partitions.add(new TopicPartition(topic, p));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ZERO).until(() -> {
        read(consumer);
        return outputs.size() >= RECORDS;
      });
      // a duplicate would come after the last expected record: read on a little
      for (int i = 0; i < 5; i++) {
        read(consumer);
      }
    }
  }

  private void read(KafkaConsumer<byte[], byte[]> consumer) throws Exception {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      assertThat(r.topic()).as("only enriched records expected").isEqualTo(PIPELINE + ".enriched");
      outputs.add(AvroCodec.decodeSingleObject(r.value(), EnrichedText.class));
    }
  }

  @Test
  void coalescesFlushesOfDifferentPartitionsIntoOneDeviceBatch() {
    assertThat(deviceCallsLargerThan(ONE_TASK_AT_MOST))
        .as("device calls with more texts than one task can have at the executor, in %s", deviceBatchHistogram())
        .isPositive();
  }

  /**
   * A task has more than {@code maxRecords} texts at the executor (two requests) only while its stream
   * thread waits in that task's flush for the oldest batch, and a thread waits in one flush at a time:
   * a device batch holding more than {@code maxRecords} texts of each of two partitions holds requests
   * that two stream threads were waiting on together, whichever thread owns which partition.
   */
  @Test
  void coalescesFlushesOfBothStreamThreadsIntoOneDeviceBatch() {
    assertThat(deviceBatchesByPartition()).as("device batches, as texts per input partition")
        .anySatisfy(textsByPartition -> assertThat(textsByPartition.values())
            .as("partitions with more than one flush in the batch").filteredOn(texts -> texts > MAX_RECORDS)
            .hasSizeGreaterThanOrEqualTo(2));
  }

  /**
   * The device batches the enriched records were computed in, each as texts per input partition: the
   * records of one device call carry its size and its wall time ({@code runs}), which no other call of
   * that size shares but by a nanosecond coincidence; a group larger than its size is such a
   * coincidence, and is left out.
   */
  private List<Map<Integer, Integer>> deviceBatchesByPartition() {
    Map<List<Object>, List<EnrichedText>> byCall = new HashMap<>();
    for (EnrichedText e : outputs) {
      TaskRun run = e.getRuns().get(0);
      byCall.computeIfAbsent(List.of(run.getBatchSize(), run.getInferenceMillis()), k -> new ArrayList<>()).add(e);
    }
    List<Map<Integer, Integer>> batches = new ArrayList<>();
    byCall.forEach((call, records) -> {
      if (records.size() == (int) call.get(0)) {
        Map<Integer, Integer> texts = new TreeMap<>();
        records.forEach(r -> texts.merge(r.getSource().getPartition(), 1, Integer::sum));
        batches.add(texts);
      }
    });
    return batches;
  }

  @Test
  void makesFewerModelCallsThanTheTasksFlushedBatches() {
    double flushes = sum("lexstream_batch_records_count{pipeline=" + PIPELINE + ",");
    double deviceCalls = metrics.get("lexstream_inference_device_batch_count{model=minilm}");
    // without coalescing, every flush (at most maxBatch texts) is a device call of its own
    assertThat(metrics.get("lexstream_inference_seconds_count{model=minilm,task=classify}"))
        .as("one model request per flush").isEqualTo(flushes);
    assertThat(deviceCalls).as("device calls for %s flushes", flushes).isLessThan(flushes);
    assertThat(metrics.get("lexstream_inference_device_batch_sum{model=minilm}"))
        .as("texts in device calls").isEqualTo(RECORDS);
  }

  @Test
  void everyRecordIsEnrichedExactlyOnce() {
    assertThat(metrics).containsEntry("lexstream_records_total{outcome=enriched,pipeline=" + PIPELINE + "}",
        (double) RECORDS);
    Map<String, Integer> seen = new HashMap<>();
    outputs.forEach(e -> seen.merge(e.getId(), 1, Integer::sum));
    assertThat(seen).containsOnlyKeys(IntStream.range(0, RECORDS).mapToObj(i -> "c-" + i).toList())
        .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
  }

  /** Device calls of more than {@code texts} texts, from the cumulative Prometheus histogram. */
  private double deviceCallsLargerThan(int texts) {
    Double atMost = metrics.get("lexstream_inference_device_batch_bucket{le=" + texts + ".0,model=minilm}");
    assertThat(atMost).as("a histogram bucket at %d texts in %s", texts, deviceBatchHistogram()).isNotNull();
    return metrics.get("lexstream_inference_device_batch_count{model=minilm}") - atMost;
  }

  private Map<String, Double> deviceBatchHistogram() {
    Map<String, Double> histogram = new TreeMap<>();
    metrics.forEach((k, v) -> {
      if (k.startsWith("lexstream_inference_device_batch")) {
        histogram.put(k, v);
      }
    });
    return histogram;
  }

  private double sum(String prefix) {
    return metrics.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
  }
}
