package dev.lexstream.ops;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.lang.management.MemoryUsage;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPU memory gauges through DJL's {@link CudaUtils} ({@code cudaMemGetInfo} on each visible device):
 * {@code lexstream_gpu_memory_used_bytes} and {@code lexstream_gpu_memory_total_bytes} by
 * {@code device} ({@code gpu0}, ...). Nothing is registered where no CUDA runtime sees a GPU. The
 * numbers are the whole device's, not this process's share (CUDA does not tell per process).
 */
public final class GpuMemory {
  private static final Logger log = LoggerFactory.getLogger(GpuMemory.class);

  private GpuMemory() {}

  /** Registers the gauges; returns the number of GPUs found (0 on a CPU-only machine). */
  public static int register(MicrometerMetrics metrics) {
    int count;
    try {
      count = CudaUtils.hasCuda() ? CudaUtils.getGpuCount() : 0;
    } catch (RuntimeException | LinkageError e) {
      log.debug("no CUDA runtime: {}", e.toString());
      return 0;
    }
    register(metrics, count, GpuMemory::usage);
    if (count > 0) {
      log.info("GPU memory gauges for {} device(s) (CUDA {})", count, CudaUtils.getCudaVersionString());
    }
    return count;
  }

  /**
   * Registers the gauges of devices {@code 0..count-1}.
   *
   * @param reading a device's memory by its index, read at each scrape; null when it cannot be read
   */
  static void register(MicrometerMetrics metrics, int count, IntFunction<MemoryUsage> reading) {
    for (int i = 0; i < count; i++) {
      int index = i;
      String tag = "gpu" + i;
      // without a base unit Prometheus would show lexstream_gpu_memory_used, and drop "_total" from the other
      metrics.gauge(MetricNames.GPU_MEMORY_USED, "GPU memory in use on the device", BaseUnits.BYTES,
          () -> used(reading.apply(index)), "device", tag);
      metrics.gauge(MetricNames.GPU_MEMORY_TOTAL, "GPU memory of the device", BaseUnits.BYTES,
          () -> total(reading.apply(index)), "device", tag);
    }
  }

  private static double used(MemoryUsage usage) {
    return usage == null ? Double.NaN : usage.getUsed();
  }

  private static double total(MemoryUsage usage) {
    return usage == null ? Double.NaN : usage.getMax();
  }

  private static MemoryUsage usage(int index) {
    try {
      return CudaUtils.getGpuMemory(Device.gpu(index));
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }
}
