package dev.lexstream.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Where batches run and how their threads stop. */
class BatchingControlTest {
  /** A model call that an interrupt does not cut short (native code): it ends when it ends. */
  private static final long NATIVE_CALL_MILLIS = 300;

  @Test
  void closeWaitsForBatchThreadsBeforeClosingModels() throws Exception {
    BatchingControl control = BatchingControl.concurrent();
    CountDownLatch onModel = new CountDownLatch(1);
    AtomicBoolean inModel = new AtomicBoolean();
    control.run(() -> {
      inModel.set(true);
      onModel.countDown();
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NATIVE_CALL_MILLIS);
      while (System.nanoTime() < end) {
        Thread.onSpinWait(); // deaf to the interrupt, as a native call is
      }
      inModel.set(false);
      return List.of();
    });
    assertThat(onModel.await(10, TimeUnit.SECONDS)).isTrue();
    control.close();
    assertThat(inModel.get()).as("the caller closes the models next: no batch may still be in one").isFalse();
  }
}
