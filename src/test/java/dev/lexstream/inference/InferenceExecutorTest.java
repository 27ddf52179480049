package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The executor's scheduling: merging, splitting and failure containment, on a model that records its calls. */
class InferenceExecutorTest {
  /** A model double that records each call's texts; its "embedding" of a text is its length. */
  static final class RecordingModel implements TextEmbedder {
    final List<List<String>> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean holdFirstCall;

    @Override
    public float[][] embed(List<String> texts) {
      calls.add(List.copyOf(texts));
      if (holdFirstCall && calls.size() == 1) {
        try {
          release.await(10, TimeUnit.SECONDS);
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
    assertThatThrownBy(() -> executor.embed(List.of("x"))).isInstanceOf(IllegalStateException.class);
  }
}
