package dev.lexstream.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BisectionTest {
  @Test
  void isolatesThePoisonRecordAndKeepsTheRestOfTheBatch() {
    List<String> batch = List.of("a", "b", "POISON", "d", "e", "f", "g");
    var outcomes = Bisection.run(batch, items -> {
      if (items.contains("POISON")) {
        throw new IllegalArgumentException("bad");
      }
      return items.stream().map(String::toUpperCase).toList();
    });
    assertThat(outcomes).extracting(Bisection.Outcome::result).containsExactly("A", "B", null, "D", "E", "F", "G");
    assertThat(outcomes.get(2).failure()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aModelThatAlwaysFailsCostsAtMostTwoNMinusOneCalls() {
    AtomicInteger calls = new AtomicInteger();
    var outcomes = Bisection.run(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), items -> {
      calls.incrementAndGet();
      throw new IllegalStateException("down");
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failed()).isTrue());
    assertThat(calls.get()).isLessThanOrEqualTo(2 * 10 - 1);
  }

  @Test
  void aHealthyBatchIsOneCall() {
    AtomicInteger calls = new AtomicInteger();
    var outcomes = Bisection.run(List.of(1, 2, 3), items -> {
      calls.incrementAndGet();
      return items;
    });
    assertThat(outcomes).extracting(Bisection.Outcome::result).containsExactly(1, 2, 3);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aFailureCausedByShutdownEndsTheRunWithoutFailingAnyRecord() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> Bisection.run(List.of(1, 2, 3, 4), items -> {
      calls.incrementAndGet();
      throw new IllegalStateException("waiting for the model", new InterruptedException());
    })).hasRootCauseInstanceOf(InterruptedException.class);
    assertThatThrownBy(() -> Bisection.run(List.of(1, 2, 3, 4), items -> {
      calls.incrementAndGet();
      throw new RejectedExecutionException("executor closed");
    })).isInstanceOf(RejectedExecutionException.class);
    assertThat(calls.get()).as("no bisection").isEqualTo(2);
  }

  @Test
  void whateverFailsWhileTheThreadIsInterruptedIsShutdownNotABadRecord() {
    AtomicInteger calls = new AtomicInteger();
    try {
      assertThatThrownBy(() -> Bisection.run(List.of(1, 2, 3, 4), items -> {
        calls.incrementAndGet();
        Thread.currentThread().interrupt(); // as BatchingControl.close() does to a running batch
        throw new IllegalStateException("native call failed");
      })).isInstanceOf(IllegalStateException.class);
    } finally {
      Thread.interrupted();
    }
    assertThat(calls.get()).isEqualTo(1);
  }
}
