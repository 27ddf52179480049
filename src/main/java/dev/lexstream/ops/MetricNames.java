package dev.lexstream.ops;

import java.util.List;

/**
 * Lexstream's meter names (Micrometer, dotted) and what Prometheus shows for them. Counters get
 * {@code _total}; timers are in seconds and, like distribution summaries, are Prometheus histograms
 * ({@code _bucket}, {@code _count}, {@code _sum}, plus a {@code _max} gauge): p50/p95/p99 are
 * {@code histogram_quantile(0.99, sum by (le, model, task) (rate(lexstream_inference_seconds_bucket[5m])))}.
 */
public final class MetricNames {
  private MetricNames() {}

  /** Records handed to the producer, by {@code pipeline} and {@code outcome} (enriched, quarantine, dlq). */
  public static final String RECORDS = "lexstream.records";
  /** Dead letters by {@code pipeline} and {@code stage} (decode, validate, inference, safety stages). */
  public static final String DEAD_LETTERS = "lexstream.dead.letters";
  /** Safety findings on output records, by {@code pipeline}, {@code category} and {@code action}. */
  public static final String SAFETY_FINDINGS = "lexstream.safety.findings";
  /** Records per flushed micro-batch, by {@code pipeline} and {@code trigger} (records, tokens, wait, idle, drain). */
  public static final String BATCH_RECORDS = "lexstream.batch.records";
  /** Tokens per flushed micro-batch (sum over its records), by {@code pipeline}. */
  public static final String BATCH_TOKENS = "lexstream.batch.tokens";
  /** Records waiting in this instance's micro-batch buffers. */
  public static final String BATCH_BUFFERED = "lexstream.batch.buffered";
  /** Time a request waited for its model's worker, by {@code model} and {@code task}. */
  public static final String INFERENCE_QUEUE_WAIT = "lexstream.inference.queue.wait";
  /** Model time of a request (the device calls that served it), by {@code model} and {@code task}. */
  public static final String INFERENCE = "lexstream.inference";
  /** Model time of each task run on a batch, by {@code pipeline}, {@code task} and {@code model} (the model id). */
  public static final String TASK = "lexstream.task";
  /** Failed model requests, by {@code model} and {@code task}. */
  public static final String INFERENCE_ERRORS = "lexstream.inference.errors";
  /** Texts per device call (after coalescing), by {@code model}. */
  public static final String DEVICE_BATCH = "lexstream.inference.device.batch";
  /** Texts waiting for a model's worker, by {@code model}. */
  public static final String QUEUE_DEPTH = "lexstream.inference.queue.depth";
  /** Time to load a model, by {@code model} and {@code device}. */
  public static final String MODEL_LOAD = "lexstream.model.load";
  /** Time to warm a model up before readiness, by {@code model}. */
  public static final String MODEL_WARMUP = "lexstream.model.warmup";
  /** GPU memory in use, by {@code device} (only where a GPU is present). */
  public static final String GPU_MEMORY_USED = "lexstream.gpu.memory.used";
  /** GPU memory in total, by {@code device} (only where a GPU is present). */
  public static final String GPU_MEMORY_TOTAL = "lexstream.gpu.memory.total";
  /** 1 when the instance is ready (models warmed up, Kafka Streams RUNNING), else 0. */
  public static final String READY = "lexstream.ready";
  /** 1 when the instance is live (stream threads and model workers alive), else 0. */
  public static final String LIVE = "lexstream.live";

  /** Every name as Prometheus exposes it (without the _bucket/_count/_sum/_max series suffixes). */
  public static final List<String> PROMETHEUS = List.of(
      "lexstream_records_total",
      "lexstream_dead_letters_total",
      "lexstream_safety_findings_total",
      "lexstream_batch_records",
      "lexstream_batch_tokens",
      "lexstream_batch_buffered",
      "lexstream_inference_queue_wait_seconds",
      "lexstream_inference_seconds",
      "lexstream_inference_errors_total",
      "lexstream_task_seconds",
      "lexstream_inference_device_batch",
      "lexstream_inference_queue_depth",
      "lexstream_model_load_seconds",
      "lexstream_model_warmup_seconds",
      "lexstream_gpu_memory_used_bytes",
      "lexstream_gpu_memory_total_bytes",
      "lexstream_ready",
      "lexstream_live");
}
