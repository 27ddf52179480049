package dev.lexstream.batching;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared by every batching processor of one application: how many records wait in buffers, and
 * a drain switch that makes them flush at once (graceful shutdown: flush, then close).
 */
public final class BatchingControl {
  private final AtomicInteger buffered = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();

  /** Records currently buffered in the tasks this instance runs. */
  public int buffered() {
    return buffered.get();
  }

  /** From now on, every punctuation flushes whatever is buffered, without waiting for maxWait. */
  public void drain() {
    draining.set(true);
  }

  boolean draining() {
    return draining.get();
  }

  void add(int delta) {
    buffered.addAndGet(delta);
  }
}
