package dev.lexstream.config;

import java.time.Duration;

/**
 * {@code batching:} of a pipeline: a micro-batch is flushed when it holds {@code maxRecords}
 * records or {@code maxTokens} tokens, or when its oldest record has waited {@code maxWait}.
 */
public record BatchingSettings(int maxRecords, int maxTokens, Duration maxWait) {

    public static final int DEFAULT_MAX_RECORDS = 32;
    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(50);

    public BatchingSettings {
        maxWait = maxWait == null ? DEFAULT_MAX_WAIT : maxWait;
    }

    /** The settings used when a pipeline has no {@code batching:} section. */
    public static BatchingSettings defaults() {
        return new BatchingSettings(DEFAULT_MAX_RECORDS, DEFAULT_MAX_TOKENS, DEFAULT_MAX_WAIT);
    }
}
