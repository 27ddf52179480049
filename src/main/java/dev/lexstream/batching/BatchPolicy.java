package dev.lexstream.batching;

import java.time.Duration;

/**
 * When a micro-batch is full: {@code maxRecords} records, or a padding-aware token budget (a model
 * pads every text of a batch to the longest, so a batch costs records × longest tokens), or its
 * oldest record has waited {@code maxWait}; and how many flushed batches of one task may run at
 * once ({@code inFlight}) before the task waits for the oldest.
 */
public record BatchPolicy(int maxRecords, int maxTokens, Duration maxWait, int inFlight) {
  public BatchPolicy {
    if (maxRecords < 1 || maxTokens < 1 || inFlight < 1 || maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("batch policy needs maxRecords, maxTokens, inFlight >= 1 and maxWait > 0");
    }
  }

  /**
   * Whether a record of {@code tokens} tokens may join a batch of {@code count} records whose
   * longest has {@code longest} tokens. An empty batch takes any record, however long.
   */
  public boolean admits(int count, int longest, int tokens) {
    if (count == 0) {
      return true;
    }
    return count + 1 <= maxRecords && (long) (count + 1) * Math.max(longest, tokens) <= maxTokens;
  }

  /** Whether a batch of {@code count} records is already as large as it may get. */
  public boolean full(int count, int longest) {
    return count >= maxRecords || (long) count * longest >= maxTokens;
  }
}
