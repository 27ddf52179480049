package dev.lexstream.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's embedding calls, run on a single worker thread shared by every stream thread of the
 * JVM. Requests that are waiting when the worker becomes free are merged into one device batch
 * (dynamic batching, as Triton does), up to {@code maxBatch} texts, sorted by length so that
 * batches split at {@code maxBatch} carry little padding. Each caller gets its own results back.
 *
 * <p>A failing device batch fails only the requests that had texts in it; callers isolate the bad
 * text themselves (see {@code batching.Bisection}).
 */
public final class InferenceExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InferenceExecutor.class);

  /** One text's embedding and the device batch it was computed in. */
  public record Embedding(float[] vector, int batchSize, double inferenceMillis) {}

  private record Request(List<String> texts, CompletableFuture<List<Embedding>> result) {}

  private record Item(Request request, int index, String text) {}

  private final TextEmbedder model;
  private final int maxBatch;
  private final boolean coalesce;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread worker;

  private InferenceExecutor(TextEmbedder model, int maxBatch, boolean coalesce) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    this.model = model;
    this.maxBatch = maxBatch;
    this.coalesce = coalesce;
    this.worker = new Thread(this::work, "lexstream-inference-" + model.modelId());
    this.worker.setDaemon(true);
  }

  /** Starts the worker thread for a loaded model. The executor does not own (close) the model. */
  public static InferenceExecutor start(TextEmbedder model, int maxBatch, boolean coalesce) {
    InferenceExecutor executor = new InferenceExecutor(model, maxBatch, coalesce);
    executor.worker.start();
    return executor;
  }

  public TextEmbedder model() {
    return model;
  }

  /** Texts waiting for the worker, all requests together. */
  public int queuedTexts() {
    return queue.stream().mapToInt(r -> r.texts().size()).sum();
  }

  /**
   * Embeds the texts, blocking until done.
   *
   * @throws RuntimeException what the model threw for a device batch holding one of these texts
   */
  public List<Embedding> embed(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    if (closed.get()) {
      throw new IllegalStateException("inference executor for " + model.modelId() + " is closed");
    }
    Request request = new Request(List.copyOf(texts), new CompletableFuture<>());
    queue.add(request);
    try {
      return request.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InferenceException("interrupted while waiting for " + model.modelId(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new InferenceException("model " + model.modelId() + " failed", e.getCause());
    }
  }

  private void work() {
    while (!closed.get()) {
      Request first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        break;
      }
      List<Request> group = new ArrayList<>();
      group.add(first);
      int total = first.texts().size();
      while (coalesce) {
        Request next = queue.peek();
        if (next == null || total + next.texts().size() > maxBatch) {
          break;
        }
        group.add(queue.poll());
        total += next.texts().size();
      }
      run(group, total);
    }
    failPending(new IllegalStateException("inference executor for " + model.modelId() + " closed"));
  }

  private void run(List<Request> group, int total) {
    List<Item> items = new ArrayList<>(total);
    for (Request request : group) {
      for (int i = 0; i < request.texts().size(); i++) {
        items.add(new Item(request, i, request.texts().get(i)));
      }
    }
    if (items.size() > maxBatch) {
      items.sort(Comparator.comparingInt(item -> item.text().length()));
    }
    Map<Request, Embedding[]> results = new IdentityHashMap<>();
    group.forEach(r -> results.put(r, new Embedding[r.texts().size()]));
    for (int from = 0; from < items.size(); from += maxBatch) {
      List<Item> chunk = items.subList(from, Math.min(items.size(), from + maxBatch));
      try {
        long start = System.nanoTime();
        float[][] vectors = model.embed(chunk.stream().map(Item::text).toList());
        double millis = (System.nanoTime() - start) / 1e6;
        for (int i = 0; i < chunk.size(); i++) {
          Item item = chunk.get(i);
          results.get(item.request())[item.index()] = new Embedding(vectors[i], chunk.size(), millis);
        }
      } catch (Throwable e) {
        // whatever the model throws must reach the callers: a dead worker would hang every stream thread
        chunk.forEach(item -> item.request().result().completeExceptionally(e));
        if (e instanceof Error) {
          log.error("model {} failed with {}", model.modelId(), e.getClass().getName());
        }
      }
    }
    for (Request request : group) {
      if (!request.result().isDone()) {
        request.result().complete(List.of(results.get(request)));
      }
    }
  }

  private void failPending(RuntimeException reason) {
    Request pending;
    while ((pending = queue.poll()) != null) {
      pending.result().completeExceptionally(reason);
    }
  }

  /** Stops the worker; waiting callers fail. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      worker.interrupt();
      try {
        worker.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      failPending(new IllegalStateException("inference executor for " + model.modelId() + " closed"));
    }
  }
}
