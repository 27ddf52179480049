package dev.lexstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's arithmetic: what counts as steady-state throughput, and percentiles. */
class PipelineBenchmarkTest {
  @Test
  void steadyRateLeavesOutASlowStartAndAStragglingEnd() {
    List<Long> finished = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      finished.add(1_000L);            // a fresh instance: the first tenth lands at once, after its start-up
    }
    for (int i = 1; i <= 80; i++) {
      finished.add(1_000L + 10L * i);  // steady state: one record per 10 ms
    }
    for (int i = 1; i <= 10; i++) {
      finished.add(1_800L + 500L * i); // the last tenth straggles
    }
    // from the 10th to the 90th percentile: 80 records in 800 ms
    assertThat(PipelineBenchmark.steadyRate(finished)).isCloseTo(100.0, within(1.0));
  }

  @Test
  void percentileIsTheNearestRankOfTheSortedValues() {
    List<Double> values = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      values.add((double) i);
    }
    assertThat(PipelineBenchmark.percentile(values, 50)).isEqualTo(50.0);
    assertThat(PipelineBenchmark.percentile(values, 99)).isEqualTo(99.0);
  }
}
