package dev.lexstream.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@link Metrics} on a Micrometer {@link PrometheusMeterRegistry}, plus the gauges the app
 * registers (queue depth, buffered records, model load and warm-up times, GPU memory, health) and
 * the JVM and Kafka Streams binders. Meters are created on first use and cached by their tags, so
 * the per-record cost is a map lookup and an atomic add.
 */
public final class MicrometerMetrics implements Metrics, AutoCloseable {
  /** Histogram buckets of the latency timers: p50/p95/p99 come from {@code histogram_quantile} over these. */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
  private static final double[] TOKEN_BUCKETS = {16, 64, 256, 1024, 2048, 4096, 8192, 16384, 65536};

  private final PrometheusMeterRegistry registry;
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
  private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
  private final Map<List<String>, DistributionSummary> summaries = new ConcurrentHashMap<>();
  private KafkaStreamsMetrics kafkaStreams;
  private JvmGcMetrics gc;

  public MicrometerMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  // ---- Metrics ----

  @Override
  public void pipelineBuilt(String pipeline, List<String> deadLetterStages) {
    for (String outcome : List.of(Metrics.ENRICHED, Metrics.QUARANTINE, Metrics.DLQ)) {
      records(pipeline, outcome);
    }
    deadLetterStages.forEach(stage -> deadLetters(pipeline, stage));
  }

  @Override
  public void recordOut(String pipeline, String outcome) {
    records(pipeline, outcome).increment();
  }

  @Override
  public void deadLetter(String pipeline, String stage) {
    deadLetters(pipeline, stage).increment();
  }

  private Counter records(String pipeline, String outcome) {
    return counter(MetricNames.RECORDS, "records handed to the producer, by outcome", "pipeline", pipeline,
        "outcome", outcome);
  }

  private Counter deadLetters(String pipeline, String stage) {
    return counter(MetricNames.DEAD_LETTERS, "dead letters by the stage that rejected the record", "pipeline",
        pipeline, "stage", stage);
  }

  @Override
  public void safetyFinding(String pipeline, String category, String action) {
    counter(MetricNames.SAFETY_FINDINGS, "safety findings on output records", "pipeline", pipeline,
        "category", category, "action", action).increment();
  }

  @Override
  public void batchFlushed(String pipeline, String trigger, int records, int tokens) {
    summary(MetricNames.BATCH_RECORDS, "records per flushed micro-batch", BATCH_BUCKETS,
        "pipeline", pipeline, "trigger", trigger).record(records);
    summary(MetricNames.BATCH_TOKENS, "tokens per flushed micro-batch (sum over its records)", TOKEN_BUCKETS,
        "pipeline", pipeline).record(tokens);
  }

  @Override
  public void taskRun(String pipeline, String task, String model, int batchSize, double millis) {
    timer(MetricNames.TASK, "model time of a task run on a batch (EnrichedText.runs)", "pipeline", pipeline,
        "task", task, "model", model).record((long) (millis * 1e6), TimeUnit.NANOSECONDS);
  }

  @Override
  public void deviceBatch(String model, int texts, long nanos, boolean failed) {
    summary(MetricNames.DEVICE_BATCH, "texts per device call, after coalescing", BATCH_BUCKETS, "model", model)
        .record(texts);
  }

  @Override
  public void inferenceRequest(String model, String task, long queueWaitNanos, long inferenceNanos, boolean failed) {
    timer(MetricNames.INFERENCE_QUEUE_WAIT, "time a request waited for its model's worker", "model", model,
        "task", task).record(queueWaitNanos, TimeUnit.NANOSECONDS);
    timer(MetricNames.INFERENCE, "model time of a request (its device calls)", "model", model, "task", task)
        .record(inferenceNanos, TimeUnit.NANOSECONDS);
    // created with the first request, so that rate() sees the first failure
    Counter errors = counter(MetricNames.INFERENCE_ERRORS, "failed model requests", "model", model, "task", task);
    if (failed) {
      errors.increment();
    }
  }

  // ---- gauges and binders the app registers ----

  /** A gauge read at scrape time. */
  public void gauge(String name, String description, Supplier<Number> value, String... tags) {
    Gauge.builder(name, value).description(description).tags(tags).register(registry);
  }

  /**
   * A gauge read at scrape time, in {@code baseUnit} (e.g. {@link BaseUnits#BYTES}): Prometheus appends
   * the unit to its name, {@code lexstream.gpu.memory.used} becoming {@code lexstream_gpu_memory_used_bytes}.
   */
  public void gauge(String name, String description, String baseUnit, Supplier<Number> value, String... tags) {
    Gauge.builder(name, value).description(description).baseUnit(baseUnit).tags(tags).register(registry);
  }

  /** A fixed value measured once (model load and warm-up times). */
  public void timeGauge(String name, String description, Duration value, String... tags) {
    double seconds = value.toNanos() / 1e9;
    Gauge.builder(name, () -> seconds).description(description).baseUnit("seconds").tags(tags).register(registry);
  }

  /** Binds Kafka Streams' own metrics (threads, tasks, consumer lag, producer, state stores). */
  public synchronized void bindKafkaStreams(KafkaStreams streams) {
    kafkaStreams = new KafkaStreamsMetrics(streams);
    kafkaStreams.bindTo(registry);
  }

  @Override
  public synchronized void close() {
    if (kafkaStreams != null) {
      kafkaStreams.close();
      kafkaStreams = null;
    }
    if (gc != null) {
      gc.close();
      gc = null;
    }
    registry.close();
  }

  // ---- cached meters ----

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(key(name, tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private Timer timer(String name, String description, String... tags) {
    return timers.computeIfAbsent(key(name, tags), k -> Timer.builder(name).description(description).tags(tags)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry));
  }

  private DistributionSummary summary(String name, String description, double[] buckets, String... tags) {
    return summaries.computeIfAbsent(key(name, tags), k -> DistributionSummary.builder(name)
        .description(description).tags(tags)
        .serviceLevelObjectives(buckets)
        .register(registry));
  }

  private static List<String> key(String name, String... tags) {
    String[] key = new String[tags.length + 1];
    key[0] = name;
    for (int i = 0; i < tags.length; i++) {
      // a null tag value would make Micrometer throw on a stream thread; name it instead
      key[i + 1] = tags[i] == null ? "none" : tags[i];
    }
    for (int i = 0; i < tags.length; i++) {
      tags[i] = key[i + 1];
    }
    return List.of(key);
  }
}
