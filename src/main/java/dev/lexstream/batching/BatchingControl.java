package dev.lexstream.batching;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared by every batching processor of one application: where flushed batches run, how many
 * records wait in buffers or on the models, and a drain switch that makes them flush at once
 * (graceful shutdown: flush, then close).
 */
public final class BatchingControl implements AutoCloseable {
  /**
   * How long {@link #close()} waits for interrupted batches to end. A batch waiting for a model's
   * executor ends at once; one inside a native call (a generation step, an embedding) ends when the
   * call returns, which an interrupt cannot shorten.
   */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(BatchingControl.class);

  private final ExecutorService runner; // null: on the calling stream thread
  private final AtomicInteger buffered = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();

  private BatchingControl(ExecutorService runner) {
    this.runner = runner;
  }

  /**
   * Flushed batches run on a pool of their own, so that a stream thread keeps reading and
   * flushing its other tasks while a batch is on the model: flushes of all tasks meet in the
   * model's executor and share device batches, and the stream thread's own work (decoding,
   * encoding, commits) overlaps inference. The pool grows with the number of batches in flight
   * (at most {@code inFlight} per task); its threads mostly wait for a model.
   */
  public static BatchingControl concurrent() {
    AtomicInteger n = new AtomicInteger();
    return new BatchingControl(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "lexstream-batch-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }));
  }

  /** Flushed batches run on the stream thread that flushed them, before the flush returns (unit tests). */
  public static BatchingControl inline() {
    return new BatchingControl(null);
  }

  /** Records currently buffered or in flight in the tasks this instance runs. */
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

  <T> CompletableFuture<T> run(Supplier<T> work) {
    if (runner != null) {
      return CompletableFuture.supplyAsync(work, runner);
    }
    try {
      return CompletableFuture.completedFuture(work.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Stops the pool: batches still running are interrupted and abandoned (their records stay in the
   * buffers' changelogs), and their threads are waited for, up to {@link #STOP_TIMEOUT}, so that
   * the models they use can be closed after this returns.
   */
  @Override
  public void close() {
    if (runner == null) {
      return;
    }
    runner.shutdownNow();
    try {
      if (!runner.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("batch threads still running {} s after they were interrupted; closing anyway", STOP_TIMEOUT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
