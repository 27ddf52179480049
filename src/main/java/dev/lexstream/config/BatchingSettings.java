package dev.lexstream.config;

import java.time.Duration;

/**
 * {@code batching:} of a pipeline: a micro-batch is flushed when it holds {@code maxRecords}
 * records or {@code maxTokens} tokens, or when its oldest record has waited {@code maxWait};
 * up to {@code inFlight} flushed batches per task run at the same time, off the stream thread;
 * with {@code flushWhenIdle} a task with no batch on the model flushes at once.
 */
public record BatchingSettings(int maxRecords, int maxTokens, Duration maxWait, int inFlight, boolean flushWhenIdle) {

    public static final int DEFAULT_MAX_RECORDS = 32;
    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(50);
    /**
     * Two: while one batch is on the model the task fills the next, so the model never waits for
     * the stream thread; more only adds latency (results are forwarded in offset order).
     */
    public static final int DEFAULT_IN_FLIGHT = 2;
    public static final int MAX_IN_FLIGHT = 16;
    /**
     * On: a record that arrives while its task has nothing on the model is not held back for
     * {@code maxWait} (see {@code batching.BatchPolicy}). Off: batches leave only full or on time,
     * the larger batches a device billed per call may prefer at low load.
     */
    public static final boolean DEFAULT_FLUSH_WHEN_IDLE = true;

    public BatchingSettings {
        maxWait = maxWait == null ? DEFAULT_MAX_WAIT : maxWait;
    }

    /** The settings used when a pipeline has no {@code batching:} section. */
    public static BatchingSettings defaults() {
        return new BatchingSettings(DEFAULT_MAX_RECORDS, DEFAULT_MAX_TOKENS, DEFAULT_MAX_WAIT, DEFAULT_IN_FLIGHT,
                DEFAULT_FLUSH_WHEN_IDLE);
    }
}
