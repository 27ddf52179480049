package dev.lexstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The GPU memory gauges, on readings given by the test (a CPU-only machine registers none of its own). */
class GpuMemoryTest {
  private static final long GIB = 1L << 30;

  @Test
  void gaugesAreExportedUnderTheDocumentedPrometheusNamesInBytes() {
    try (MicrometerMetrics metrics = new MicrometerMetrics()) {
      GpuMemory.register(metrics, 2, device -> new MemoryUsage(0, (device + 1) * GIB, 80 * GIB, 80 * GIB));
      String scrape = metrics.scrape();

      assertThat(scrape).contains("lexstream_gpu_memory_used_bytes{device=\"gpu0\"} " + (double) GIB)
          .contains("lexstream_gpu_memory_used_bytes{device=\"gpu1\"} " + (double) (2 * GIB))
          .contains("lexstream_gpu_memory_total_bytes{device=\"gpu1\"} " + (double) (80 * GIB));
      Matcher names = Pattern.compile("(?m)^(lexstream_gpu_[a-z_]+)\\{").matcher(scrape);
      List<String> exported = names.results().map(m -> m.group(1)).distinct().toList();
      assertThat(exported).containsExactlyInAnyOrder("lexstream_gpu_memory_used_bytes",
          "lexstream_gpu_memory_total_bytes");
      assertThat(MetricNames.PROMETHEUS).containsAll(exported);
    }
  }

  @Test
  void anUnreadableDeviceReadsNaN() {
    try (MicrometerMetrics metrics = new MicrometerMetrics()) {
      GpuMemory.register(metrics, 1, device -> null);
      assertThat(metrics.scrape()).contains("lexstream_gpu_memory_used_bytes{device=\"gpu0\"} NaN");
    }
  }
}
