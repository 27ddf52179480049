package dev.lexstream.bench;

import dev.lexstream.bench.PipelineBenchmark.Latency;
import dev.lexstream.bench.PipelineBenchmark.Report;
import dev.lexstream.bench.PipelineBenchmark.Throughput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of a pipeline benchmark: throughput against batch size, and latency percentiles. */
public final class BenchPlots {
  public static final String THROUGHPUT = "pipeline-throughput.png";
  public static final String LATENCY = "pipeline-latency.png";

  private BenchPlots() {}

  public static void write(Report report, Path dir) {
    System.setProperty("java.awt.headless", "true");
    try {
      Files.createDirectories(dir);
      BitmapEncoder.saveBitmap(throughput(report), dir.resolve(THROUGHPUT).toString(), BitmapEncoder.BitmapFormat.PNG);
      BitmapEncoder.saveBitmap(latency(report.latency()), dir.resolve(LATENCY).toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static XYChart throughput(Report report) {
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("Throughput against micro-batch size (int8 MiniLM, CPU)")
        .xAxisTitle("maxRecords (batch size)").yAxisTitle("records/s").build();
    chart.getStyler().setXAxisLogarithmic(true);
    for (String texts : List.of("short", "long")) {
      List<Throughput> rows = report.throughput().stream().filter(t -> t.texts().equals(texts)).toList();
      double[] x = rows.stream().mapToDouble(Throughput::batch).toArray();
      chart.addSeries("pipeline, " + texts + " texts", x, rows.stream().mapToDouble(Throughput::pipelinePerSecond).toArray())
          .setMarker(SeriesMarkers.CIRCLE);
      chart.addSeries("raw model, " + texts + " texts", x, rows.stream().mapToDouble(Throughput::rawPerSecond).toArray())
          .setMarker(SeriesMarkers.DIAMOND);
    }
    return chart;
  }

  private static CategoryChart latency(Latency latency) {
    CategoryChart chart = new CategoryChartBuilder().width(800).height(500)
        .title("Latency at %.0f rec/s (50%% of capacity), batch %d".formatted(latency.offeredPerSecond(), latency.batch()))
        .xAxisTitle("percentile").yAxisTitle("milliseconds").build();
    List<String> percentiles = List.of("p50", "p99");
    chart.addSeries("processing", percentiles, List.of(latency.p50Processing(), latency.p99Processing()));
    chart.addSeries("visible (read_committed)", percentiles, List.of(latency.p50Visible(), latency.p99Visible()));
    chart.addSeries("target p99, median device batch", percentiles, List.of(0.0, latency.targetFromMedianBatch()));
    chart.addSeries("target p99, full batch", percentiles, List.of(0.0, latency.targetFromFullBatch()));
    return chart;
  }
}
