package dev.lexstream.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How busy the JIT compiler has been since the last {@link #reset}: its compile time as a share of
 * wall time. A benchmark measures steady state only once this is low: on two cores the JIT needs
 * well over a minute to bring Kafka's client and broker paths from profiled (tier 3) to optimized
 * (tier 4) code, and until then its threads take a third of the CPU the measured work needs.
 */
final class JitWatch {
  /** A share at or below this counts as settled: 5% of one core. */
  static final double SETTLED = 0.05;

  private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
  private long compileMillisAt;
  private long wallNanosAt;

  JitWatch() {
    reset();
  }

  void reset() {
    compileMillisAt = compileMillis();
    wallNanosAt = System.nanoTime();
  }

  /** Compile time ÷ wall time since the last reset; 0 where the JVM does not report compile time. */
  double share() {
    double wallMillis = Math.max(1, (System.nanoTime() - wallNanosAt) / 1e6);
    return (compileMillis() - compileMillisAt) / wallMillis;
  }

  private long compileMillis() {
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }
}
