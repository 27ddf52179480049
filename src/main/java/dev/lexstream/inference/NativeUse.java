package dev.lexstream.inference;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Guards what a model holds outside the Java heap (native memory: tokenizer, sessions; external
 * processes: Apertium) against use after close: calls run under a shared lock, and closing takes it
 * exclusively, so it waits for the calls in progress before it frees anything. A thread that outlived
 * the shutdown wait would otherwise run on freed memory and crash the JVM, or start a process nobody
 * stops. Calls after close are refused with {@link RejectedExecutionException}: shutdown, which says
 * nothing about the inputs (callers do not dead-letter for it, see batching.Shutdown).
 */
public final class NativeUse {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String what;
    private volatile boolean closed;

    /** @param what names the resource in the refusal, e.g. "model minilm" */
    public NativeUse(String what) {
        this.what = what;
    }

    public <T> T call(Supplier<T> call) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new RejectedExecutionException(what + " is closed");
            }
            return call.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Refuses new calls at once, waits for those in progress, then runs {@code release}, once. */
    public void close(Runnable release) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        lock.writeLock().lock();
        try {
            release.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
