package dev.lexstream.batching;

import java.time.Duration;

/**
 * When a micro-batch is full: {@code maxRecords} records, or a padding-aware token budget (a model
 * pads every text of a batch to the longest, so a batch costs records × longest tokens), or its
 * oldest record has waited {@code maxWait}; and how many flushed batches of one task may run at
 * once ({@code inFlight}) before the task waits for the oldest.
 *
 * <p>With {@code flushWhenIdle}, a task that has nothing on the model flushes what it holds at once
 * instead of waiting for {@code maxWait}: under light load a record then waits for one device
 * batch at most, not for the clock, and under heavy load the task always has a batch on the model,
 * so batches still fill to {@code maxRecords}. Batch size follows the load (continuous batching);
 * {@code maxWait} stays the bound.
 */
public record BatchPolicy(int maxRecords, int maxTokens, Duration maxWait, int inFlight, boolean flushWhenIdle) {
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

  /**
   * Whether a batch of {@code count} records is already as large as it may get: it holds
   * {@code maxRecords}, or no record could join it within the token budget (a record that joins
   * pads to at least {@code longest}, so one more costs at least (count + 1) × longest), and
   * waiting for {@code maxWait} could only delay it.
   */
  public boolean full(int count, int longest) {
    return count >= maxRecords || (long) (count + 1) * longest > maxTokens;
  }
}
