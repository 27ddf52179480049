package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The executor's scheduling: merging, splitting and failure containment, on a model that records its calls. */
class InferenceExecutorTest {
  /** A model double that records each call's texts; its "embedding" of a text is its length. */
  static final class RecordingModel implements TextEmbedder {
    final List<List<String>> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch releaseSecond = new CountDownLatch(1);
    volatile boolean holdFirstCall;
    volatile boolean holdSecondCall;

    @Override
    public float[][] embed(List<String> texts) {
      calls.add(List.copyOf(texts));
      if ((holdFirstCall && calls.size() == 1) || (holdSecondCall && calls.size() == 2)) {
        try {
          (calls.size() == 1 ? release : releaseSecond).await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (texts.stream().anyMatch(t -> t.contains("BOOM"))) {
        throw new IllegalStateException("cannot embed");
      }
      return texts.stream().map(t -> new float[] {t.length()}).toArray(float[][]::new);
    }

    @Override public String modelId() { return "recording"; }
    @Override public String modelVersion() { return "1"; }
    @Override public int dimension() { return 1; }
    @Override public int maxTokens() { return 512; }
    @Override public int countTokens(String text) { return text.length(); }
    @Override public void close() { }
  }

  @Test
  void mergesRequestsThatWaitTogetherIntoOneDeviceBatch() throws Exception {
    RecordingModel model = new RecordingModel();
    model.holdFirstCall = true;
    try (InferenceExecutor executor = InferenceExecutor.start(model, 64, true)) {
      CompletableFuture<List<InferenceExecutor.Embedding>> first = CompletableFuture.supplyAsync(() -> executor.embed(List.of("x")));
      await().until(() -> model.calls.size() == 1);
      CompletableFuture<List<InferenceExecutor.Embedding>> a = CompletableFuture.supplyAsync(() -> executor.embed(List.of("aa", "aaa")));
      CompletableFuture<List<InferenceExecutor.Embedding>> b = CompletableFuture.supplyAsync(() -> executor.embed(List.of("bbbb")));
      await().until(() -> executor.queuedTexts() == 3);
      model.release.countDown();
      assertThat(a.get()).extracting(e -> e.vector()[0]).containsExactly(2f, 3f);
      assertThat(b.get()).extracting(e -> e.vector()[0]).containsExactly(4f);
      assertThat(first.get()).hasSize(1);
      assertThat(model.calls).hasSize(2);
      assertThat(model.calls.get(1)).containsExactlyInAnyOrder("aa", "aaa", "bbbb");
      assertThat(a.get()).allSatisfy(e -> assertThat(e.batchSize()).isEqualTo(3));
    }
  }

  @Test
  void withoutCoalescingEachRequestRunsAlone() throws Exception {
    RecordingModel model = new RecordingModel();
    model.holdFirstCall = true;
    try (InferenceExecutor executor = InferenceExecutor.start(model, 64, false)) {
      CompletableFuture.supplyAsync(() -> executor.embed(List.of("x")));
      await().until(() -> model.calls.size() == 1);
      var a = CompletableFuture.supplyAsync(() -> executor.embed(List.of("aa")));
      var b = CompletableFuture.supplyAsync(() -> executor.embed(List.of("bbb")));
      await().until(() -> executor.queuedTexts() == 2);
      model.release.countDown();
      a.get();
      b.get();
      assertThat(model.calls).hasSize(3).allSatisfy(call -> assertThat(call).hasSize(1));
    }
  }

  @Test
  void splitsLargeRequestsAtMaxBatchSortedByLength() {
    RecordingModel model = new RecordingModel();
    try (InferenceExecutor executor = InferenceExecutor.start(model, 2, true)) {
      var result = executor.embed(List.of("cccccc", "a", "dddddddd", "bb"));
      assertThat(result).extracting(e -> e.vector()[0]).containsExactly(6f, 1f, 8f, 2f);
      assertThat(model.calls).containsExactly(List.of("a", "bb"), List.of("cccccc", "dddddddd"));
      assertThat(result).allSatisfy(e -> assertThat(e.batchSize()).isEqualTo(2));
    }
  }

  /** Requests queued behind a held first call ({@code ["x"]}), which is then released: {@code [first, a, b]}. */
  private static List<CompletableFuture<List<InferenceExecutor.Embedding>>> queuedBehindAHeldCall(
      InferenceExecutor executor, RecordingModel model, List<String> a, List<String> b) {
    var first = CompletableFuture.supplyAsync(() -> executor.embed(List.of("x")));
    await().until(() -> model.calls.size() == 1);
    var queuedA = CompletableFuture.supplyAsync(() -> executor.embed(a));
    await().until(() -> executor.queuedTexts() == a.size());
    var queuedB = CompletableFuture.supplyAsync(() -> executor.embed(b));
    await().until(() -> executor.queuedTexts() == a.size() + b.size());
    model.release.countDown();
    return List.of(first, queuedA, queuedB);
  }

  @Test
  void fillsADeviceBatchWithTheFirstTextsOfARequestThatDoesNotFitWhole() throws Exception {
    RecordingModel model = new RecordingModel();
    model.holdFirstCall = true;
    try (InferenceExecutor executor = InferenceExecutor.start(model, 4, true)) {
      var calls = queuedBehindAHeldCall(executor, model, List.of("a", "aa", "aaa"), List.of("bbbbb", "bbbbbb", "bbbbbbb"));
      calls.get(0).get();
      assertThat(calls.get(1).get()).extracting(e -> e.vector()[0]).containsExactly(1f, 2f, 3f);
      assertThat(calls.get(2).get()).extracting(e -> e.vector()[0]).containsExactly(5f, 6f, 7f);
      assertThat(model.calls).containsExactly(List.of("x"), List.of("a", "aa", "aaa", "bbbbb"),
          List.of("bbbbbb", "bbbbbbb"));
    }
  }

  @Test
  void aTextThatFailsACoalescedBatchFailsOnlyItsOwnRequestWhichDoesNotRunItsRest() throws Exception {
    RecordingModel model = new RecordingModel();
    model.holdFirstCall = true;
    try (InferenceExecutor executor = InferenceExecutor.start(model, 4, true)) {
      var calls = queuedBehindAHeldCall(executor, model, List.of("a", "aa", "aaa"), List.of("BOOM", "b", "bb"));
      calls.get(0).get();
      assertThat(calls.get(1).get()).extracting(e -> e.vector()[0]).containsExactly(1f, 2f, 3f);
      assertThatThrownBy(calls.get(2)::get).hasCauseInstanceOf(IllegalStateException.class);
      assertThat(executor.embed(List.of("after"))).hasSize(1);
      // each caller's texts of the failed batch again on their own; the failed caller's rest never runs
      assertThat(model.calls).containsExactly(List.of("x"), List.of("a", "aa", "aaa", "BOOM"),
          List.of("a", "aa", "aaa"), List.of("BOOM"), List.of("after"));
    }
  }

  @Test
  void closingFailsTheRestOfARequestThatFilledTheLastDeviceBatch() throws Exception {
    RecordingModel model = new RecordingModel();
    model.holdFirstCall = true;
    model.holdSecondCall = true;
    InferenceExecutor executor = InferenceExecutor.start(model, 4, true);
    var calls = queuedBehindAHeldCall(executor, model, List.of("a", "aa", "aaa"), List.of("b", "bb", "bbb"));
    await().until(() -> model.calls.size() == 2); // [a, aa, aaa, b] runs; [bb, bbb] waits to lead the next batch
    assertThat(executor.queuedTexts()).isEqualTo(2);
    executor.close();
    calls.get(0).get();
    assertThat(calls.get(1).get(10, TimeUnit.SECONDS)).hasSize(3);
    assertThatThrownBy(() -> calls.get(2).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(RejectedExecutionException.class).hasMessageContaining("closed");
  }

  @Test
  void aFailingDeviceBatchFailsOnlyTheRequestsInIt() throws Exception {
    RecordingModel model = new RecordingModel();
    try (InferenceExecutor executor = InferenceExecutor.start(model, 64, true)) {
      assertThatThrownBy(() -> executor.embed(List.of("ok", "BOOM"))).isInstanceOf(IllegalStateException.class);
      assertThat(executor.embed(List.of("fine"))).hasSize(1);
    }
  }

  @Test
  void closedExecutorRefusesWork() {
    RecordingModel model = new RecordingModel();
    InferenceExecutor executor = InferenceExecutor.start(model, 64, true);
    executor.close();
    assertThatThrownBy(() -> executor.embed(List.of("x"))).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void aRequestThatRacesCloseFailsInsteadOfHanging() throws Exception {
    RecordingModel model = new RecordingModel();
    InferenceExecutor executor = InferenceExecutor.start(model, 64, true);
    CountDownLatch copying = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // the executor copies the caller's texts while it takes the request: this list holds the caller
    // there until the executor has closed, the widest gap a caller can fall into
    List<String> texts = new AbstractList<>() {
      @Override
      public String get(int index) {
        return "x";
      }

      @Override
      public int size() {
        return 1;
      }

      @Override
      public Object[] toArray() {
        copying.countDown();
        try {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.toArray();
      }
    };
    CompletableFuture<List<InferenceExecutor.Embedding>> call = CompletableFuture.supplyAsync(() -> executor.embed(texts));
    assertThat(copying.await(10, TimeUnit.SECONDS)).isTrue();
    executor.close();
    closed.countDown();
    assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RejectedExecutionException.class);
    assertThat(model.calls).isEmpty();
  }

  /** What the executor reported. */
  static final class RecordedMetrics implements dev.lexstream.ops.Metrics {
    final List<String> deviceBatches = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<Long> waits = new CopyOnWriteArrayList<>();

    @Override
    public void deviceBatch(String model, int texts, long nanos, boolean failed) {
      deviceBatches.add(model + ":" + texts + (failed ? ":failed" : ""));
    }

    @Override
    public void inferenceRequest(String model, String task, long queueWaitNanos, long inferenceNanos, boolean failed) {
      requests.add(model + ":" + task + (failed ? ":failed" : ""));
      waits.add(queueWaitNanos);
      assertThat(inferenceNanos).isPositive();
    }
  }

  @Test
  void reportsQueueWaitModelTimeAndDeviceBatchesByModelAndTask() throws Exception {
    RecordingModel model = new RecordingModel();
    model.holdFirstCall = true;
    RecordedMetrics metrics = new RecordedMetrics();
    try (InferenceExecutor executor = InferenceExecutor.start(model, 64, true, "mini", metrics)) {
      assertThat(executor.name()).isEqualTo("mini");
      assertThat(executor.workerAlive()).isTrue();
      CompletableFuture<?> first = CompletableFuture.supplyAsync(() -> executor.embed(List.of("x")));
      await().until(() -> model.calls.size() == 1);
      CompletableFuture<?> a = CompletableFuture.supplyAsync(() -> executor.embed("classify", List.of("aa", "aaa")));
      await().until(() -> executor.queuedTexts() == 2); // a before b: the reports follow the queue's order
      CompletableFuture<?> b = CompletableFuture.supplyAsync(() -> executor.embed("summarize", List.of("bbbb")));
      await().until(() -> executor.queuedTexts() == 3);
      Thread.sleep(120);
      model.release.countDown();
      first.get();
      a.get();
      b.get();
      assertThatThrownBy(() -> executor.embed("classify", List.of("BOOM"))).isInstanceOf(IllegalStateException.class);
      await().until(() -> metrics.requests.size() == 4);
      assertThat(metrics.deviceBatches).containsExactly("mini:1", "mini:3", "mini:1:failed");
      assertThat(metrics.requests).containsExactly("mini:embed", "mini:classify", "mini:summarize", "mini:classify:failed");
      // the two coalesced requests waited behind the held call
      assertThat(metrics.waits.get(1)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
      assertThat(metrics.waits.get(2)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }
}
