package dev.lexstream.ops;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
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
    for (int i = 0; i < count; i++) {
      Device device = Device.gpu(i);
      String tag = "gpu" + i;
      metrics.gauge(MetricNames.GPU_MEMORY_USED, "GPU memory in use on the device", () -> used(device), "device", tag);
      metrics.gauge(MetricNames.GPU_MEMORY_TOTAL, "GPU memory of the device", () -> total(device), "device", tag);
    }
    if (count > 0) {
      log.info("GPU memory gauges for {} device(s) (CUDA {})", count, CudaUtils.getCudaVersionString());
    }
    return count;
  }

  private static double used(Device device) {
    MemoryUsage usage = usage(device);
    return usage == null ? Double.NaN : usage.getUsed();
  }

  private static double total(Device device) {
    MemoryUsage usage = usage(device);
    return usage == null ? Double.NaN : usage.getMax();
  }

  private static MemoryUsage usage(Device device) {
    try {
      return CudaUtils.getGpuMemory(device);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }
}
