package dev.lexstream.cli;

import dev.lexstream.app.Lexstream;
import dev.lexstream.bench.BenchPlots;
import dev.lexstream.bench.PipelineBenchmark;
import dev.lexstream.bench.PipelineBenchmark.Latency;
import dev.lexstream.bench.PipelineBenchmark.Report;
import dev.lexstream.bench.PipelineBenchmark.Warmup;
import dev.lexstream.bench.PipelineBenchmark.Throughput;
import dev.lexstream.inference.ModelSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bench pipeline}: micro-batching gain, streaming overhead and latency, measured in one run. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Micro-batched pipeline vs batch 1 and vs the raw model (int8 MiniLM, CPU), short (~20 tokens) and "
        + "long (~120 tokens) texts, on an embedded broker; then p50/p99 latency at 50%% of measured capacity.")
final class BenchPipelineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", defaultValue = "builtin:all-minilm-l6-v2-q",
      description = "Model source of the pipeline and the raw model: a builtin or a model directory "
          + "(default ${DEFAULT-VALUE}).")
  String model;

  // ~15 s per run on two cores: with 3,000 and 600 (3-5 s runs) pipeline / raw at batch 32 moved
  // between 0.81 and 0.95 from one run to the next
  @Option(names = "--short-records", defaultValue = "12000", description = "Short texts per run (default ${DEFAULT-VALUE}).")
  int shortRecords;

  @Option(names = "--long-records", defaultValue = "2000", description = "Long texts per run (default ${DEFAULT-VALUE}).")
  int longRecords;

  @Option(names = "--batches", defaultValue = "1,8,32,64", split = ",",
      description = "maxRecords values to measure; must include 1 (default ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--latency-batch", defaultValue = "32", description = "maxRecords of the latency run (default ${DEFAULT-VALUE}).")
  int latencyBatch;

  @Option(names = "--latency-seconds", defaultValue = "15", description = "Length of the latency run (default ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-warmup", defaultValue = "5",
      description = "Least seconds of the same offered load before the latency run starts counting; it goes on until "
          + "the JIT has settled, up to --warmup-limit: JIT compilation and the first commits of a fresh instance are "
          + "not what the run measures (default ${DEFAULT-VALUE}).")
  int latencyWarmup;

  @Option(names = "--warmup-limit", defaultValue = "240",
      description = "Most seconds each warm-up (backlog passes before the throughput runs; offered load before the "
          + "latency run) waits for the JIT to settle, i.e. to compile under 5%% of the time (default ${DEFAULT-VALUE}).")
  int warmupLimit;

  @Option(names = "--property", paramLabel = "KEY=VALUE",
      description = "Kafka Streams/client property for the pipelines (kafka.properties), e.g. commit.interval.ms=200; "
          + "repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--stream-threads", defaultValue = "1",
      description = "Kafka Streams threads of the pipeline; with more than one, concurrent flushes share device batches "
          + "(default ${DEFAULT-VALUE}).")
  int streamThreads;

  @Option(names = "--plots", description = "Directory for PNG plots (default: none).")
  Path plots;

  @Override
  public Integer call() throws Exception {
    if (!batches.contains(1) || batches.stream().anyMatch(b -> b < 1)) {
      throw new ParameterException(spec.commandLine(), "--batches: positive sizes including 1, got " + batches);
    }
    if (latencyWarmup < 0) {
      throw new ParameterException(spec.commandLine(), "--latency-warmup: must be >= 0, got " + latencyWarmup);
    }
    if (warmupLimit < 0) {
      throw new ParameterException(spec.commandLine(), "--warmup-limit: must be >= 0, got " + warmupLimit);
    }
    if (streamThreads < 1) {
      throw new ParameterException(spec.commandLine(), "--stream-threads: must be >= 1, got " + streamThreads);
    }
    try {
      ModelSource.parse(model);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--model: " + e.getMessage());
    }
    if (shortRecords < 100 || longRecords < 50) {
      throw new ParameterException(spec.commandLine(), "--short-records >= 100 and --long-records >= 50");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Report report = new PipelineBenchmark(new PipelineBenchmark.Options(model, shortRecords, longRecords, batches,
        latencyBatch, Duration.ofSeconds(latencySeconds), Duration.ofSeconds(latencyWarmup), Duration.ofSeconds(warmupLimit), streamThreads,
        properties,
        Lexstream.defaultWorkDir().resolve("bench")),
        err).run();
    print(report, out);
    if (plots != null) {
      BenchPlots.write(report, plots);
      out.println("plots: " + plots.resolve(BenchPlots.THROUGHPUT) + ", " + plots.resolve(BenchPlots.LATENCY));
    }
    return 0;
  }

  private void print(Report report, PrintWriter out) {
    int top = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
    Warmup w = report.warmup();
    out.printf("model: %s%n", model);
    out.printf("warm-up: %d backlog passes in %.0f s; the JIT compiled %.0f%% of the time in the last pass, %.0f%% "
        + "during the measured runs%n%n", w.passes(), w.seconds(), 100 * w.jitShare(), 100 * w.measuredJitShare());
    out.println("texts  batch   raw rec/s  pipeline rec/s  pipeline/raw  pipeline/pipeline@1");
    for (Throughput t : report.throughput()) {
      double base = report.get(t.texts(), 1).pipelinePerSecond();
      out.printf("%-6s %5d %11.1f %15.1f %13.2f %20.2f%n", t.texts(), t.batch(), t.rawPerSecond(),
          t.pipelinePerSecond(), t.pipelinePerSecond() / t.rawPerSecond(), t.pipelinePerSecond() / base);
    }
    int gainBatch = batches.contains(32) ? 32 : top;
    out.printf("%nbatching gain, short texts (batch %d / batch 1): %.2fx   (target >= 1.8x; the raw model's own: %.2fx)%n",
        gainBatch, report.get("short", gainBatch).pipelinePerSecond() / report.get("short", 1).pipelinePerSecond(),
        report.get("short", gainBatch).rawPerSecond() / report.get("short", 1).rawPerSecond());
    out.printf("batching gain, long texts  (batch %d / batch 1): %.2fx%n", gainBatch,
        report.get("long", gainBatch).pipelinePerSecond() / report.get("long", 1).pipelinePerSecond());
    out.printf("pipeline / raw model, short texts, batch %d: %.2f   (target >= 0.85)%n", gainBatch,
        report.get("short", gainBatch).pipelinePerSecond() / report.get("short", gainBatch).rawPerSecond());
    Latency l = report.latency();
    out.printf("%nlatency, short texts, batch %d, offered %.0f rec/s (50%% of capacity), %d records after %.0f s of "
        + "warm-up (JIT compiling %.0f%% of the time while measured):%n", l.batch(), l.offeredPerSecond(), l.records(),
        l.warmupSeconds(), 100 * l.jitShare());
    out.printf("  processing (input timestamp -> enriched record built): p50 %.0f ms, p99 %.0f ms%n",
        l.p50Processing(), l.p99Processing());
    out.printf("  visible to a read_committed consumer:                 p50 %.0f ms, p99 %.0f ms%n",
        l.p50Visible(), l.p99Visible());
    out.printf("  target p99 processing <= maxWait + 2 x batch inference:%n");
    out.printf("    one full batch of %d (raw model, this run) %.1f ms: target %.0f ms%n", l.batch(),
        l.fullBatchInferenceMillis(), l.targetFromFullBatch());
    out.printf("    median device batch of the records measured %.1f ms: target %.0f ms%n",
        l.medianBatchInferenceMillis(), l.targetFromMedianBatch());
    out.flush();
  }
}
