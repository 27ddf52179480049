package dev.lexstream.ops;

import java.util.List;

/**
 * What the pipeline reports to operations, at a few choke points: records leaving for a sink
 * ({@code topology}), micro-batch flushes ({@code batching}) and model calls ({@code inference}).
 * Every method has a no-op default, so a component built without metrics takes {@link #NOOP}.
 * Implementations must be thread-safe and cheap: they run on stream and inference threads.
 */
public interface Metrics {
  /** Reports nothing. */
  Metrics NOOP = new Metrics() {};

  /** Outcome of a record: {@value}, {@link #QUARANTINE} or {@link #DLQ}. */
  String ENRICHED = "enriched";
  String QUARANTINE = "quarantine";
  String DLQ = "dlq";

  /**
   * A pipeline's topology was built: its outcome and dead-letter counters can exist at 0 from now on, so
   * that a dashboard's {@code rate()} counts their first event (a series that appears at 1 shows no rise).
   */
  default void pipelineBuilt(String pipeline, List<String> deadLetterStages) {}

  /** A record was handed to the producer for one of a pipeline's output topics. */
  default void recordOut(String pipeline, String outcome) {}

  /** A dead letter was handed to the producer; {@code stage} is the stage that rejected the record. */
  default void deadLetter(String pipeline, String stage) {}

  /** A safety finding on a record that was handed to the producer. */
  default void safetyFinding(String pipeline, String category, String action) {}

  /**
   * A micro-batch was flushed.
   *
   * @param trigger {@code records}, {@code tokens}, {@code wait}, {@code idle} or {@code drain}
   * @param tokens  the sum of the records' token counts
   */
  default void batchFlushed(String pipeline, String trigger, int records, int tokens) {}

  /**
   * One model task's run on a batch, as recorded in {@code EnrichedText.runs} (classify, summarize,
   * translate; {@code model} is the run's model id), once per device call.
   */
  default void taskRun(String pipeline, String task, String model, int batchSize, double millis) {}

  /** One device call of a model (texts of possibly several coalesced requests). */
  default void deviceBatch(String model, int texts, long nanos, boolean failed) {}

  /**
   * One caller's request to a model was answered.
   *
   * @param queueWaitNanos from submission until its first device call started
   * @param inferenceNanos wall time of the device calls that served it
   */
  default void inferenceRequest(String model, String task, long queueWaitNanos, long inferenceNanos, boolean failed) {}
}
