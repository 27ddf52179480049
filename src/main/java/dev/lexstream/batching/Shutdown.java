package dev.lexstream.batching;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Tells a failure caused by the service shutting down from a failure caused by the records of a
 * batch. A batch cut short by shutdown must not be bisected and dead-lettered: its records are
 * still in the task's changelogged buffer and its input offsets are not past them, so the next
 * owner of the task restores and runs them again; only the flush is abandoned.
 */
public final class Shutdown {
  /** Cause chains are short; the bound only guards against a cycle of causes. */
  private static final int MAX_CAUSES = 32;

  private Shutdown() {}

  /**
   * True when {@code failure} comes from shutdown: the current thread has been interrupted (batch
   * threads are interrupted only by {@link BatchingControl#close()}, and whatever failed while the
   * interrupt was pending may be its doing), or an interruption or a refusal of a closed executor
   * ({@link RejectedExecutionException}) is among its causes.
   */
  public static boolean caused(Throwable failure) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    Throwable t = failure;
    for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof InterruptedIOException
          || t instanceof ClosedByInterruptException || t instanceof RejectedExecutionException) {
        return true;
      }
    }
    return false;
  }
}
