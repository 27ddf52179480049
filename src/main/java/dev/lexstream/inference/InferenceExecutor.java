package dev.lexstream.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.lexstream.ops.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's calls (embeddings, or predictions of a text-classification model), run on a single worker thread shared by every stream thread of the
 * JVM. Requests that are waiting when the worker becomes free are merged into one device batch
 * (dynamic batching, as Triton does), up to {@code maxBatch} texts; when the next waiting request
 * does not fit whole, its first texts fill the batch and the rest lead the next one, so that under
 * load every device batch is full whatever sizes the callers flush. A request larger than
 * {@code maxBatch} on its own is split sorted by length, so its batches carry little padding.
 * Each caller gets its own results back.
 *
 * <p>A failing device batch fails only the requests that had texts in it; callers isolate the bad
 * text themselves (see {@code batching.Bisection}). Once the executor is closed, every request that
 * has not completed, and every new one, fails with {@link RejectedExecutionException}: the service
 * is going down, which says nothing about the texts.
 *
 * <p>Each request carries a task label (e.g. {@code classify}); the executor reports to {@link Metrics}
 * how long each request waited for the worker and how long its device calls took, by model and task,
 * and the size of every device batch.
 */
public final class InferenceExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InferenceExecutor.class);

  /**
   * One text's model output and the device batch it was computed in: the embedding of a text-embedding
   * model ({@code prediction} null), or the prediction of a text-classification model ({@code vector} null).
   */
  public record Embedding(float[] vector, ZeroShotClassifier.Prediction prediction, int batchSize,
      double inferenceMillis) {
    public Embedding(float[] vector, int batchSize, double inferenceMillis) {
      this(vector, null, batchSize, inferenceMillis);
    }
  }

  /**
   * How long {@link #close()} waits for the worker to finish the device call it is in (an interrupt
   * does not stop native code); the requests still queued then fail without it.
   */
  public static final Duration WORKER_STOP_TIMEOUT = Duration.ofSeconds(10);

  /** Task label of {@link #embed(List)}. */
  public static final String DEFAULT_TASK = "embed";

  private static final class Request {
    final String task;
    final List<String> texts;
    final CompletableFuture<List<Embedding>> result = new CompletableFuture<>();
    final long submittedAt = System.nanoTime();
    final Embedding[] done;
    int remaining;
    boolean started;
    long startedAt;
    long inferenceNanos;
    boolean failed;

    Request(String task, List<String> texts) {
      this.task = task;
      this.texts = texts;
      this.done = new Embedding[texts.size()];
      this.remaining = texts.size();
    }

    List<String> texts() {
      return texts;
    }

    CompletableFuture<List<Embedding>> result() {
      return result;
    }
  }

  private record Item(Request request, int index, String text) {}

  /** Texts of one request not run yet: all of it, or what was left when its first texts filled a device batch. */
  private record Part(Request request, List<Item> items) {
    static Part whole(Request request) {
      List<Item> items = new ArrayList<>(request.texts().size());
      for (int i = 0; i < request.texts().size(); i++) {
        items.add(new Item(request, i, request.texts().get(i)));
      }
      return new Part(request, items);
    }
  }

  private final LoadedModel model;
  private final int maxBatch;
  private final boolean coalesce;
  private final String name;
  private final Metrics metrics;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Held while a request is enqueued and while the executor closes: a request is queued before the close, or refused. */
  private final Object admission = new Object();
  private final Thread worker;
  /** The rest of a request whose first texts filled the last device batch; it leads the next one. Worker-owned. */
  private volatile Part carried;

  private InferenceExecutor(LoadedModel model, int maxBatch, boolean coalesce, String name, Metrics metrics) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    this.model = model;
    this.maxBatch = maxBatch;
    this.coalesce = coalesce;
    this.name = name;
    this.metrics = metrics;
    this.worker = new Thread(this::work, "lexstream-inference-" + model.modelId());
    this.worker.setDaemon(true);
  }

  /** Starts the worker thread for a loaded model. The executor does not own (close) the model. */
  public static InferenceExecutor start(LoadedModel model, int maxBatch, boolean coalesce) {
    return start(model, maxBatch, coalesce, model.modelId(), Metrics.NOOP);
  }

  /**
   * Starts the worker thread for a loaded model, reporting to {@code metrics} under the model's
   * config {@code name}. The executor does not own (close) the model.
   */
  public static InferenceExecutor start(LoadedModel model, int maxBatch, boolean coalesce, String name,
      Metrics metrics) {
    InferenceExecutor executor = new InferenceExecutor(model, maxBatch, coalesce, name, metrics);
    executor.worker.start();
    return executor;
  }

  public LoadedModel model() {
    return model;
  }

  /** The model's config name (the {@code model} tag of its metrics). */
  public String name() {
    return name;
  }

  /** Whether the worker thread runs (liveness): false once it died or was closed. */
  public boolean workerAlive() {
    return worker.isAlive();
  }

  /** Texts waiting for the worker, all requests together (with the rest of one that filled the last device batch). */
  public int queuedTexts() {
    Part rest = carried;
    return (rest == null ? 0 : rest.items().size()) + queue.stream().mapToInt(r -> r.texts().size()).sum();
  }

  /**
   * Embeds the texts, blocking until done.
   *
   * @throws RuntimeException what the model threw for a device batch holding one of these texts
   * @throws RejectedExecutionException when the executor is (or gets) closed before the texts are done
   */
  public List<Embedding> embed(List<String> texts) {
    return embed(DEFAULT_TASK, texts);
  }

  /**
   * Embeds the texts for a task (the {@code task} tag of the metrics), blocking until done.
   *
   * @throws RuntimeException what the model threw for a device batch holding one of these texts
   * @throws RejectedExecutionException when the executor is (or gets) closed before the texts are done
   */
  public List<Embedding> embed(String task, List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    Request request = new Request(task, List.copyOf(texts));
    // checked and enqueued under the lock close() takes: a request queued after the close had
    // drained the queue would never be completed, and its caller would wait forever
    synchronized (admission) {
      if (closed.get()) {
        throw closedNow();
      }
      queue.add(request);
    }
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
      Part first;
      try {
        first = carried != null ? carried : Part.whole(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      carried = null;
      if (first.request().result().isDone()) {
        continue; // it failed in the batch that ran its first texts
      }
      if (first.items().size() >= maxBatch) {
        List<Item> items = new ArrayList<>(first.items());
        items.sort(Comparator.comparingInt(item -> item.text().length()));
        for (int from = 0; from < items.size() && !first.request().result().isDone(); from += maxBatch) {
          run(items.subList(from, Math.min(items.size(), from + maxBatch)));
        }
        continue;
      }
      List<Item> chunk = new ArrayList<>(first.items());
      while (coalesce && chunk.size() < maxBatch) {
        Request next = queue.poll();
        if (next == null) {
          break;
        }
        Part part = Part.whole(next);
        int room = maxBatch - chunk.size();
        if (part.items().size() <= room) {
          chunk.addAll(part.items());
        } else {
          chunk.addAll(part.items().subList(0, room));
          carried = new Part(next, List.copyOf(part.items().subList(room, part.items().size())));
        }
      }
      run(chunk);
    }
    Part rest = carried;
    if (rest != null) {
      rest.request().result().completeExceptionally(closedNow()); // out of the queue: failPending would not see it
    }
    failPending();
  }

  private RejectedExecutionException closedNow() {
    return new RejectedExecutionException("inference executor for " + model.modelId() + " is closed");
  }

  /** One device call; completes every request whose last texts were in it, or fails those that had texts in it. */
  private void run(List<Item> chunk) {
    long start = System.nanoTime();
    for (Item item : chunk) {
      if (!item.request().started) {
        item.request().started = true;
        item.request().startedAt = start;
      }
    }
    try {
      ModelOutput output = ModelOutput.run(model, chunk.stream().map(Item::text).toList());
      long nanos = System.nanoTime() - start;
      double millis = nanos / 1e6;
      account(chunk, nanos, false, false);
      for (int i = 0; i < chunk.size(); i++) {
        Item item = chunk.get(i);
        Request request = item.request();
        if (request.result().isDone()) {
          continue;
        }
        request.done[item.index()] = output.embeddings() != null
            ? new Embedding(output.embeddings()[i], chunk.size(), millis)
            : new Embedding(null, output.prediction(i, null), chunk.size(), millis);
        if (--request.remaining == 0) {
          report(request);
          request.result().complete(List.of(request.done));
        }
      }
    } catch (Throwable e) {
      long nanos = System.nanoTime() - start;
      Map<Request, List<Item>> byRequest = byRequest(chunk);
      if (byRequest.size() > 1 && !(e instanceof Error)) {
        // one caller's bad text must not fail the others' (each caller bisects only its own batch,
        // and its halves would meet the bad text again here): each caller's texts run on their own
        account(chunk, nanos, true, false);
        byRequest.values().forEach(this::run);
        return;
      }
      // whatever the model throws must reach the callers: a dead worker would hang every stream thread
      for (Request request : account(chunk, nanos, true, true)) {
        report(request);
        request.result().completeExceptionally(e);
      }
      if (e instanceof Error) {
        log.error("model {} failed with {}", model.modelId(), e.getClass().getName());
      }
    }
  }

  /** The chunk's items by request, in the order of each request's first item. */
  private static Map<Request, List<Item>> byRequest(List<Item> chunk) {
    Map<Request, List<Item>> byRequest = new LinkedHashMap<>(); // Request keeps Object's identity equality
    for (Item item : chunk) {
      byRequest.computeIfAbsent(item.request(), r -> new ArrayList<>()).add(item);
    }
    return byRequest;
  }

  /**
   * Adds a device call's time to each request that had texts in it, and reports the device batch.
   *
   * @param failed         whether the device call threw
   * @param requestsFailed whether that fails the requests (not when they run again on their own)
   * @return those requests, each once, in the order of their first text in the chunk
   */
  private Set<Request> account(List<Item> chunk, long nanos, boolean failed, boolean requestsFailed) {
    // a request's items may be spread over the chunk (sorted by length): count each call once per request
    Set<Request> requests = byRequest(chunk).keySet();
    for (Request request : requests) {
      request.inferenceNanos += nanos;
      request.failed |= requestsFailed;
    }
    safely(() -> metrics.deviceBatch(name, chunk.size(), nanos, failed));
    return requests;
  }

  private void report(Request request) {
    long wait = Math.max(0, request.startedAt - request.submittedAt);
    safely(() -> metrics.inferenceRequest(name, request.task, wait, request.inferenceNanos, request.failed));
  }

  private static void safely(Runnable report) {
    try {
      report.run();
    } catch (RuntimeException e) {
      log.warn("metrics failed: {}", e.toString());
    }
  }

  private void failPending() {
    Request pending;
    while ((pending = queue.poll()) != null) {
      pending.result().completeExceptionally(closedNow());
    }
  }

  /** Stops the worker; waiting callers fail with {@link RejectedExecutionException}. */
  @Override
  public void close() {
    synchronized (admission) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
    }
    worker.interrupt();
    try {
      worker.join(WORKER_STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending();
  }
}
