package dev.lexstream.bench;

import dev.lexstream.app.Lexstream;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.config.BatchingSettings;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.inference.DeviceSpec;
import dev.lexstream.inference.DjlTextEmbedder;
import dev.lexstream.inference.ModelSource;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.kafka.EmbeddedKafka;
import dev.lexstream.kafka.TopicAdmin;
import dev.lexstream.ops.MetricNames;
import dev.lexstream.serde.AvroCodec;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Measures the micro-batched pipeline against itself at batch 1 and against the raw model at the
 * same batch size, side by side in one run on one embedded broker, and its latency at half of
 * its measured capacity. Everything is a ratio of numbers taken minutes apart on the same machine.
 */
public final class PipelineBenchmark {
  private static final int PARTITIONS = 4;
  private static final Duration MAX_WAIT = Duration.ofMillis(50);
  /** The latency run's warm-up checks the JIT over windows this long. */
  private static final Duration JIT_WINDOW = Duration.ofSeconds(5);

  /**
   * What to run.
   *
   * @param latencyWarmup    the least offered load before the measured part of the latency run (records created
   *                         then are not counted); it goes on until the JIT has settled, up to {@code warmupLimit}
   * @param warmupLimit      the longest each warm-up (backlog passes before the throughput runs, offered load before
   *                         the latency run) waits for the JIT to settle ({@link JitWatch#SETTLED})
   * @param kafkaProperties  added to the pipeline's {@code kafka.properties} (after {@code num.stream.threads})
   */
  /**
   * Short texts per warm-up pass, whatever the measured runs' size: the JIT's share of a pass is
   * what ends the warm-up, and a longer pass would dilute it.
   */
  static final int WARMUP_TEXTS = 1500;

  public record Options(String model, int shortRecords, int longRecords, List<Integer> batchSizes, int latencyBatch,
      Duration latencyDuration, Duration latencyWarmup, Duration warmupLimit, int streamThreads,
      Map<String, String> kafkaProperties, Path workDir) {
    public Options {
      kafkaProperties = Map.copyOf(kafkaProperties);
    }
  }

  /** Throughput of one configuration. */
  public record Throughput(String texts, int batch, double rawPerSecond, double pipelinePerSecond) {}

  /**
   * Latency percentiles at a fixed offered load.
   *
   * @param medianBatchInferenceMillis the median device call of the records measured (with flushWhenIdle, small
   *                                   batches at this load)
   * @param fullBatchInferenceMillis   one full batch ({@code batch} texts) at the raw model's rate measured at that
   *                                   batch size earlier in the run
   * @param warmupSeconds              offered load before the measured part
   * @param jitShare                   the JIT's compile time as a share of wall time during the measured part
   */
  public record Latency(int batch, double offeredPerSecond, int records, double p50Processing, double p99Processing,
      double p50Visible, double p99Visible, double medianBatchInferenceMillis, double fullBatchInferenceMillis,
      double warmupSeconds, double jitShare) {
    /** maxWait + 2 x the median device call of the run: a record waits at most maxWait, then for one batch and its own. */
    public double targetFromMedianBatch() {
      return MAX_WAIT.toMillis() + 2 * medianBatchInferenceMillis;
    }

    /** maxWait + 2 x the inference time of one full batch of {@code batch} texts. */
    public double targetFromFullBatch() {
      return MAX_WAIT.toMillis() + 2 * fullBatchInferenceMillis;
    }
  }

  /**
   * The unmeasured backlog passes before the throughput runs.
   *
   * @param jitShare the JIT's compile time as a share of wall time during the last pass, and during the measured runs
   */
  public record Warmup(int passes, double seconds, double jitShare, double measuredJitShare) {}

  /** The whole run. */
  public record Report(Warmup warmup, List<Throughput> throughput, Latency latency) {
    public Throughput get(String texts, int batch) {
      return throughput.stream().filter(t -> t.texts().equals(texts) && t.batch() == batch).findFirst().orElseThrow();
    }
  }

  private final Options options;
  private final PrintWriter progress;
  private int runs;

  public PipelineBenchmark(Options options, PrintWriter progress) {
    this.options = options;
    this.progress = progress;
  }

  public Report run() {
    // every run starts a new broker: Kafka Streams state left by an earlier run would not match its
    // (empty) changelogs, and restoring it would be counted as pipeline time
    try {
      Utils.delete(options.workDir().resolve("state").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the state of an earlier run", e);
    }
    List<Throughput> throughput = new ArrayList<>();
    try (EmbeddedKafka broker = EmbeddedKafka.start(null, 0);
        TextEmbedder raw = DjlTextEmbedder.load(ModelSource.parse(options.model()), DeviceSpec.cpu(), options.workDir())) {
      // unmeasured passes first, until the JIT has compiled the pipeline's code paths (decode, buffer,
      // executor, encode, transactions, and Kafka's clients and broker); the raw model warms up per call
      int top = options.batchSizes().stream().mapToInt(Integer::intValue).max().orElse(1);
      JitWatch jit = new JitWatch();
      long warmupStart = System.nanoTime();
      List<String> warmupTexts = BenchTexts.make(WARMUP_TEXTS, false, 3);
      int passes = 0;
      double share;
      do {
        jit.reset();
        pipelineThroughput(broker.bootstrap(), warmupTexts, top);
        share = jit.share();
        progress.printf("  warm-up pass %d: the JIT compiled %.0f%% of the time%n", ++passes, 100 * share);
        progress.flush();
      } while (share > JitWatch.SETTLED && System.nanoTime() - warmupStart < options.warmupLimit().toNanos());
      double warmupSeconds = (System.nanoTime() - warmupStart) / 1e9;
      jit.reset();
      for (boolean longTexts : List.of(false, true)) {
        String kind = longTexts ? "long" : "short";
        List<String> texts = BenchTexts.make(longTexts ? options.longRecords() : options.shortRecords(), longTexts, 7);
        for (int batch : options.batchSizes()) {
          // the raw model right before and right after the pipeline, averaged: a neighbour's burst during
          // one of the three runs then moves the ratio less
          double rawBefore = rawThroughput(raw, texts, batch);
          double pipelineRate = pipelineThroughput(broker.bootstrap(), texts, batch);
          double rawAfter = rawThroughput(raw, texts, batch);
          double rawRate = (rawBefore + rawAfter) / 2;
          progress.printf("  %-5s batch %3d: raw %7.1f rec/s (%.1f before, %.1f after), pipeline %7.1f rec/s%n", kind,
              batch, rawRate, rawBefore, rawAfter, pipelineRate);
          progress.flush();
          throughput.add(new Throughput(kind, batch, rawRate, pipelineRate));
        }
      }
      Warmup warmup = new Warmup(passes, warmupSeconds, share, jit.share());
      Throughput atLatencyBatch = throughput.stream()
          .filter(t -> t.texts().equals("short") && t.batch() == options.latencyBatch())
          .findFirst()
          .orElseGet(() -> {
            List<String> shortTexts = BenchTexts.make(options.shortRecords(), false, 7);
            return new Throughput("short", options.latencyBatch(), rawThroughput(raw, shortTexts, options.latencyBatch()),
                pipelineThroughput(broker.bootstrap(), shortTexts, options.latencyBatch()));
          });
      double fullBatchMillis = 1000.0 * options.latencyBatch() / atLatencyBatch.rawPerSecond();
      Latency latency = latency(broker.bootstrap(), options.latencyBatch(), atLatencyBatch.pipelinePerSecond() / 2,
          fullBatchMillis);
      return new Report(warmup, throughput, latency);
    }
  }

  /** The model alone: tokenization, forward pass and pooling, in batches of {@code batch}. */
  static double rawThroughput(TextEmbedder model, List<String> texts, int batch) {
    model.embed(texts.subList(0, Math.min(batch, texts.size()))); // warm
    long start = System.nanoTime();
    for (int from = 0; from < texts.size(); from += batch) {
      model.embed(texts.subList(from, Math.min(texts.size(), from + batch)));
    }
    return texts.size() / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * The model's {@code maxBatch} is the batch size too, so that a device batch never holds more
   * texts than the raw model's batches it is compared with; at batch 1 one batch per task is in
   * flight, so the per-record pipeline really runs the model one record at a time.
   */
  private String config(String pipeline, String bootstrap, int batch) {
    return """
        kafka:
          bootstrap: "%s"
          applicationId: %s-app
          partitions: %d
          properties: {%s}
        models:
          minilm: {source: "%s", device: cpu, maxBatch: %d}
        pipelines:
          - name: %s
            input: %s.raw
            batching: {maxRecords: %d, maxTokens: 100000000, maxWait: %dms, inFlight: %d}
            classify:
              - name: topic
                model: minilm
                labels: %s
        """.formatted(bootstrap, pipeline, PARTITIONS, properties(), options.model(), batch, pipeline, pipeline, batch,
        MAX_WAIT.toMillis(), batch == 1 ? 1 : BatchingSettings.DEFAULT_IN_FLIGHT, BenchTexts.newsLabelsYaml());
  }

  private String properties() {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("num.stream.threads", Integer.toString(options.streamThreads()));
    all.putAll(new TreeMap<>(options.kafkaProperties()));
    StringBuilder yaml = new StringBuilder();
    all.forEach((k, v) -> yaml.append(yaml.isEmpty() ? "" : ", ").append('"').append(k).append("\": \"").append(v)
        .append('"'));
    return yaml.toString();
  }

  /**
   * Records/s of the whole pipeline draining a backlog, in steady state: the rate at which records
   * finished ({@code processedAt}) between the moments a tenth and nine tenths of them had finished.
   * That leaves out the start of a fresh instance (task assignment, first fetches, the producer's
   * transactions; Kafka Streams also reports RUNNING up to a second after its tasks start
   * processing, so RUNNING is no start line) and the last, partly filled batches. Nothing reads the
   * outputs while the pipeline runs (a consumer decoding them would take CPU from it): the bench
   * watches the pipeline's own output counter and reads them afterwards.
   */
  private double pipelineThroughput(String bootstrap, List<String> texts, int batch) {
    String pipeline = "bench" + (++runs);
    produceBacklog(bootstrap, pipeline + ".raw", texts);
    LexstreamConfig config = ConfigLoader.parse(config(pipeline, bootstrap, batch), pipeline + ".yaml", Map.of());
    List<Long> processedAt = new ArrayList<>(texts.size());
    try (Lexstream app = Lexstream.start(config, options.workDir())) {
      if (!app.awaitRunning(Duration.ofMinutes(2))) {
        throw new IllegalStateException("pipeline " + pipeline + " did not start");
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (handedOut(app, pipeline) < texts.size() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      try (KafkaConsumer<byte[], byte[]> consumer = outputs(bootstrap, pipeline)) {
        while (processedAt.size() < texts.size() && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            processedAt.add(enriched(record).getProcessedAt().toEpochMilli());
          }
        }
      }
      if (processedAt.size() < texts.size()) {
        throw new IllegalStateException("pipeline " + pipeline + " produced only " + processedAt.size() + " of "
            + texts.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return steadyRate(processedAt);
  }

  /** Records finished between the 10th and the 90th percentile of the finishing times, per second between them. */
  static double steadyRate(List<Long> finishedAt) {
    List<Long> sorted = new ArrayList<>(finishedAt);
    Collections.sort(sorted);
    int from = sorted.size() / 10;
    int to = sorted.size() - 1 - sorted.size() / 10;
    return (to - from) / Math.max(0.001, (sorted.get(to) - sorted.get(from)) / 1000.0);
  }

  /** Records the pipeline has handed to its producer, every topic together. */
  private static double handedOut(Lexstream app, String pipeline) {
    return app.metrics().registry().find(MetricNames.RECORDS).tag("pipeline", pipeline).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  /**
   * End-to-end latency at a fixed offered load, produced at an even pace while the pipeline runs.
   * Records created during the warm-up are not counted; it lasts at least {@code latencyWarmup} and
   * until the JIT has settled on this load (5 s windows), at most {@code warmupLimit}.
   */
  private Latency latency(String bootstrap, int batch, double rate, double fullBatchInferenceMillis) {
    String pipeline = "bench" + (++runs);
    String input = pipeline + ".raw";
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(new TopicAdmin.TopicSpec(input, PARTITIONS, (short) 1)),
        Duration.ofSeconds(30));
    LexstreamConfig config = ConfigLoader.parse(config(pipeline, bootstrap, batch), pipeline + ".yaml", Map.of());
    List<Double> processing = new ArrayList<>();
    List<Double> visible = new ArrayList<>();
    List<Double> inference = new ArrayList<>();
    AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE); // wall clock: records created from then on count
    AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
    AtomicInteger produced = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    double warmupSeconds;
    double jitShare;
    try (Lexstream app = Lexstream.start(config, options.workDir());
        KafkaConsumer<byte[], byte[]> consumer = outputs(bootstrap, pipeline)) {
      if (!app.awaitRunning(Duration.ofMinutes(2))) {
        throw new IllegalStateException("pipeline " + pipeline + " did not start");
      }
      consumer.poll(Duration.ofMillis(100));
      Thread producer = new Thread(() -> {
        Random random = new Random(11);
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
          long start = System.nanoTime();
          for (int i = 0; System.currentTimeMillis() < stopAt.get(); i++) {
            long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            p.send(new ProducerRecord<>(input, null, System.currentTimeMillis(), key(i),
                json(i, BenchTexts.sentence(random, i))));
            produced.incrementAndGet();
          }
        } catch (InterruptedException e) {
          failed.set(true);
        }
      }, "bench-producer");
      producer.start();
      long started = System.nanoTime();
      long deadline = started + options.warmupLimit().toNanos() + options.latencyDuration().toNanos()
          + Duration.ofMinutes(2).toNanos();
      JitWatch jit = new JitWatch();
      long window = System.nanoTime();
      long measuring = 0; // System.nanoTime() when the measured part began
      int seen = 0;
      while ((producer.isAlive() || seen < produced.get()) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          long received = System.currentTimeMillis();
          EnrichedText e = enriched(record);
          seen++;
          long created = e.getSource().getTimestamp().toEpochMilli();
          if (created >= measureFrom.get()) {
            processing.add((double) (e.getProcessedAt().toEpochMilli() - created));
            visible.add((double) (received - created));
            inference.add(e.getRuns().get(0).getInferenceMillis());
          }
        }
        long now = System.nanoTime();
        if (measureFrom.get() == Long.MAX_VALUE && now - window >= JIT_WINDOW.toNanos()) {
          boolean settled = jit.share() <= JitWatch.SETTLED && now - started >= options.latencyWarmup().toNanos();
          if (settled || now - started >= options.warmupLimit().toNanos()) {
            long wall = System.currentTimeMillis();
            measureFrom.set(wall);
            stopAt.set(wall + options.latencyDuration().toMillis());
            measuring = now;
          }
          jit.reset();
          window = now;
        }
      }
      warmupSeconds = measuring == 0 ? Double.NaN : (measuring - started) / 1e9;
      jitShare = jit.share();
      stopAt.set(0);
      producer.join();
      if (failed.get() || seen < produced.get() || processing.isEmpty()) {
        throw new IllegalStateException("latency run: " + seen + " of " + produced.get() + " records came back, "
            + processing.size() + " measured");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Latency(batch, rate, processing.size(), percentile(processing, 50), percentile(processing, 99),
        percentile(visible, 50), percentile(visible, 99), percentile(inference, 50), fullBatchInferenceMillis,
        warmupSeconds, jitShare);
  }

  static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static void produceBacklog(String bootstrap, String topic, List<String> texts) {
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(new TopicAdmin.TopicSpec(topic, PARTITIONS, (short) 1)),
        Duration.ofSeconds(30));
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      for (int i = 0; i < texts.size(); i++) {
        producer.send(new ProducerRecord<>(topic, key(i), json(i, texts.get(i))));
      }
      producer.flush();
    }
  }

  private static byte[] key(int i) {
    return ("r" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] json(int i, String text) {
    return ("{\"id\": \"r" + i + "\", \"text\": \"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // one request in flight: a retry right after topic creation (NOT_LEADER) cannot be overtaken by a later batch
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> outputs(String bootstrap, String pipeline) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition(pipeline + ".enriched", p));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static EnrichedText enriched(ConsumerRecord<byte[], byte[]> record) {
    try {
      return AvroCodec.decodeSingleObject(record.value(), EnrichedText.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
