package dev.lexstream.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a batch function and, when it throws, splits the batch in halves until the records that
 * make it throw stand alone: they fail, the rest succeed. A batch of n records costs at most
 * 2n - 1 calls, so a model that fails on everything cannot spin. A failure caused by shutdown
 * ({@link Shutdown#caused}) says nothing about the records: it ends the run and propagates, so
 * that no record is failed for it.
 */
public final class Bisection {
  /** Per input, in order: either its result or the exception its single-record call threw. */
  public record Outcome<R>(R result, RuntimeException failure) {
    public boolean failed() {
      return failure != null;
    }
  }

  private Bisection() {}

  /** @throws RuntimeException what the call threw because of shutdown; the batch has no outcome then */
  public static <T, R> List<Outcome<R>> run(List<T> batch, Function<List<T>, List<R>> call) {
    List<Outcome<R>> out = new ArrayList<>(batch.size());
    run(batch, call, out);
    return out;
  }

  private static <T, R> void run(List<T> batch, Function<List<T>, List<R>> call, List<Outcome<R>> out) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      List<R> results = call.apply(batch);
      if (results.size() != batch.size()) {
        throw new IllegalStateException("batch call returned " + results.size() + " results for " + batch.size());
      }
      results.forEach(r -> out.add(new Outcome<>(r, null)));
    } catch (RuntimeException e) {
      if (Shutdown.caused(e)) {
        throw e;
      }
      if (batch.size() == 1) {
        out.add(new Outcome<>(null, e));
        return;
      }
      int half = batch.size() / 2;
      run(batch.subList(0, half), call, out);
      run(batch.subList(half, batch.size()), call, out);
    }
  }
}
