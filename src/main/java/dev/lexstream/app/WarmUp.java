package dev.lexstream.app;

import dev.lexstream.ops.MetricNames;
import dev.lexstream.ops.MicrometerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a model once on a single text and once on a small batch before the instance may become
 * ready, so the first real batch does not pay for lazy initialization (native code, memory
 * arenas; on a GPU, kernels and cuDNN algorithm choice). No user text ever goes through a model
 * before readiness: the texts are this class's own.
 */
final class WarmUp {
  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
  private static final String TEXT = "Lexstream warms its models up before it reports ready. ";
  /** Most texts in the warm-up batch (fewer when the model's maxBatch is smaller). */
  private static final int BATCH = 8;

  private WarmUp() {}

  /** Warms the model up through {@code run}, and reports the time as {@link MetricNames#MODEL_WARMUP}. */
  static void run(String name, int maxBatch, MicrometerMetrics metrics, Consumer<List<String>> run) {
    long start = System.nanoTime();
    run.accept(List.of(TEXT));
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < Math.min(maxBatch, BATCH); i++) {
      texts.add(TEXT.repeat(1 + i % 3));
    }
    run.accept(texts);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    metrics.timeGauge(MetricNames.MODEL_WARMUP, "time to warm the model up before readiness", took, "model", name);
    log.info("model {} warmed up in {} ms", name, took.toMillis());
  }
}
