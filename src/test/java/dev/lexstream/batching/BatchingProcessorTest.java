package dev.lexstream.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batching processor alone, on a mock context: when it flushes, what it forwards, what it keeps. */
class BatchingProcessorTest {
  private static final String STORE = "buffer";

  /** Values are strings; a value's token count is its length, so tests can shape the token budget. */
  private static final BatchingProcessor.ValueCodec<String> CODEC = new BatchingProcessor.ValueCodec<>() {
    @Override
    public byte[] encode(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  private final List<List<String>> batches = new ArrayList<>();
  private final List<String> flushes = new ArrayList<>();
  private BatchingControl control = BatchingControl.inline();
  private MockProcessorContext<byte[], Object> context;
  private KeyValueStore<Bytes, byte[]> store;
  private long offset;

  @BeforeEach
  void setUp() {
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000_000);
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), org.apache.kafka.common.serialization.Serdes.Bytes(),
        org.apache.kafka.common.serialization.Serdes.ByteArray()).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  /** Without flushWhenIdle: only size, tokens, time and drain flush (with it, every inline flush leaves the task idle). */
  private BatchingProcessor<String> processor(int maxRecords, int maxTokens, Duration maxWait) {
    return processor(maxRecords, maxTokens, maxWait, batch -> { });
  }

  private BatchingProcessor<String> processor(int maxRecords, int maxTokens, Duration maxWait,
      java.util.function.Consumer<List<String>> before) {
    return processor(new BatchPolicy(maxRecords, maxTokens, maxWait, 2, false), before);
  }

  /** @param before runs first in the handler (on the control's runner thread): to hold or fail a batch */
  private BatchingProcessor<String> processor(BatchPolicy policy, java.util.function.Consumer<List<String>> before) {
    BatchingProcessor<String> processor = new BatchingProcessor<>(STORE, policy,
        CODEC, String::length, batch -> {
          before.accept(batch);
          synchronized (batches) {
            batches.add(List.copyOf(batch));
          }
          return batch.stream()
              .map(v -> new BatchingProcessor.Forward("sink", new Record<byte[], Object>(null, "out:" + v, 0L)))
              .toList();
        }, control, (trigger, records, tokens) -> flushes.add(trigger + ":" + records + ":" + tokens));
    processor.init(context);
    return processor;
  }

  @AfterEach
  void closeControl() {
    control.close();
  }

  private void send(BatchingProcessor<String> processor, String value) {
    context.setRecordMetadata("in", 3, offset++);
    processor.process(new Record<>(null, value, 0L));
  }

  private void tick(long advanceMillis) {
    context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + advanceMillis);
    context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(context.currentSystemTimeMs()));
  }

  private List<Object> forwarded() {
    return context.forwarded().stream().map(f -> (Object) f.record().value()).toList();
  }

  /** Empties the store, as a restore does that finds none of the entries committed. */
  private void clearStore() {
    List<Bytes> keys = new ArrayList<>();
    try (var all = store.all()) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(store::delete);
  }

  private int stored() {
    int n = 0;
    try (var all = store.all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void aRecordTheTokenizerFailsOnRunsInABatchOfItsOwnInsteadOfStoppingTheTask() {
    BatchingProcessor<String> processor = new BatchingProcessor<>(STORE, new BatchPolicy(3, 10, Duration.ofSeconds(10), 2,
        false), CODEC, v -> {
          if (v.equals("bad")) {
            throw new IllegalStateException("tokenizer failed");
          }
          return v.length();
        }, batch -> {
          batches.add(List.copyOf(batch));
          return List.of();
        }, control);
    processor.init(context);
    send(processor, "a");
    send(processor, "bad");
    send(processor, "c");
    assertThat(batches).containsExactly(List.of("a"), List.of("bad"));
    assertThat(stored()).isEqualTo(1);
  }

  @Test
  void flushesWhenMaxRecordsIsReached() {
    BatchingProcessor<String> processor = processor(3, 1000, Duration.ofSeconds(10));
    send(processor, "a");
    send(processor, "b");
    assertThat(batches).isEmpty();
    assertThat(stored()).isEqualTo(2);
    send(processor, "c");
    assertThat(batches).containsExactly(List.of("a", "b", "c"));
    assertThat(forwarded()).containsExactly("out:a", "out:b", "out:c");
    assertThat(context.forwarded()).allSatisfy(f -> assertThat(f.childName()).contains("sink"));
    assertThat(stored()).isZero();
    assertThat(control.buffered()).isZero();
  }

  @Test
  void flushesBeforeTheTokenBudgetWouldBeExceededCountingPadding() {
    // budget 12 tokens: [aa, bbb] costs 2 x 3 = 6; adding a 5-token text would cost 3 x 5 = 15
    BatchingProcessor<String> processor = processor(100, 12, Duration.ofSeconds(10));
    send(processor, "aa");
    send(processor, "bbb");
    send(processor, "ccccc");
    assertThat(batches).containsExactly(List.of("aa", "bbb"));
    send(processor, "d"); // [ccccc, d] = 2 x 5 = 10; a third record would cost at least 3 x 5 = 15 > 12
    assertThat(batches).containsExactly(List.of("aa", "bbb"), List.of("ccccc", "d"));
  }

  @Test
  void aBatchThatNoRecordCouldJoinLeavesWithoutWaitingForMaxWait() {
    // budget 10: [aaaaaa] costs 6, but any second record pads to 6 tokens: 2 x 6 = 12 > 10
    BatchingProcessor<String> processor = processor(100, 10, Duration.ofSeconds(10));
    send(processor, "aaaaaa");
    assertThat(batches).containsExactly(List.of("aaaaaa"));
    assertThat(flushes).containsExactly("tokens:1:6");
    // [bbb, cc] costs 6 and could take a third record (3 x 3 = 9); with it, a fourth would cost 12
    send(processor, "bbb");
    send(processor, "cc");
    assertThat(batches).hasSize(1);
    send(processor, "d");
    assertThat(batches).containsExactly(List.of("aaaaaa"), List.of("bbb", "cc", "d"));
    assertThat(stored()).isZero();
  }

  @Test
  void aSingleRecordOverTheBudgetGoesAlone() {
    BatchingProcessor<String> processor = processor(100, 4, Duration.ofSeconds(10));
    send(processor, "toolong");
    assertThat(batches).containsExactly(List.of("toolong"));
    send(processor, "ab");
    assertThat(batches).hasSize(1);
  }

  @Test
  void flushesWhenTheOldestRecordHasWaitedMaxWait() {
    BatchingProcessor<String> processor = processor(100, 1000, Duration.ofMillis(50));
    send(processor, "a");
    tick(20);
    send(processor, "b");
    tick(20);
    assertThat(batches).isEmpty();
    tick(10);
    assertThat(batches).containsExactly(List.of("a", "b"));
    assertThat(stored()).isZero();
  }

  @Test
  void drainFlushesWithoutWaiting() {
    BatchingProcessor<String> processor = processor(100, 1000, Duration.ofMinutes(5));
    send(processor, "a");
    tick(1);
    assertThat(batches).isEmpty();
    control.drain();
    tick(1);
    assertThat(batches).containsExactly(List.of("a"));
  }

  @Test
  void keepsOffsetOrderAcrossFlushes() {
    BatchingProcessor<String> processor = processor(4, 1000, Duration.ofMillis(50));
    for (int i = 0; i < 10; i++) {
      send(processor, "r" + i);
    }
    tick(60);
    assertThat(forwarded()).containsExactly("out:r0", "out:r1", "out:r2", "out:r3", "out:r4", "out:r5", "out:r6",
        "out:r7", "out:r8", "out:r9");
  }

  @Test
  void restoresANonEmptyStoreAndFlushesItFirst() {
    BatchingProcessor<String> first = processor(100, 1000, Duration.ofMillis(50));
    send(first, "x1");
    send(first, "x2");
    first.close(); // e.g. the task moved away or the process died: entries stay in the store
    assertThat(control.buffered()).isZero();
    assertThat(stored()).isEqualTo(2);

    BatchingProcessor<String> second = processor(100, 1000, Duration.ofMillis(50));
    assertThat(second.size()).isEqualTo(2);
    assertThat(control.buffered()).isEqualTo(2);
    send(second, "x3");
    tick(60);
    assertThat(batches).containsExactly(List.of("x1", "x2", "x3"));
    assertThat(stored()).isZero();
  }

  @Test
  void aRestoredBufferLeavesInBatchesThePolicyAdmits() {
    BatchingProcessor<String> first = processor(100, 1000, Duration.ofMillis(50));
    for (String v : List.of("x1", "x2", "x3", "x4", "x5")) {
      send(first, v);
    }
    first.close();

    processor(2, 1000, Duration.ofMillis(50)); // e.g. restarted with a smaller maxRecords, or inFlight batches restored
    tick(60);
    assertThat(batches).containsExactly(List.of("x1", "x2"), List.of("x3", "x4"), List.of("x5"));
    assertThat(forwarded()).containsExactly("out:x1", "out:x2", "out:x3", "out:x4", "out:x5");
    assertThat(stored()).isZero();
  }

  @Test
  void aProcessorInitializedAgainAfterCloseForgetsTheBatchItHeld() {
    // Kafka Streams closes and initializes the same processor instance again when it revives a
    // corrupted task: with exactly-once its transaction is aborted, the store is restored without
    // the transaction's writes, and the input since the last commit is processed again
    BatchingProcessor<String> processor = processor(3, 12, Duration.ofSeconds(10));
    List<String> input = List.of("a", "b", "c", "ddddd");
    input.forEach(v -> send(processor, v)); // [a, b, c] leaves on maxRecords; [ddddd] stays
    processor.close();
    clearStore();
    context.resetForwards();
    batches.clear();
    flushes.clear();
    offset = 0;

    processor.init(context);
    input.forEach(v -> send(processor, v));
    assertThat(batches).as("the budget counts the batch the processor holds now").containsExactly(List.of("a", "b", "c"));
    assertThat(flushes).containsExactly("records:3:3");
    assertThat(processor.size()).isEqualTo(1);
  }

  @Test
  void punctuatesAtATenthOfMaxWait() {
    assertThat(BatchingProcessor.tick(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(5));
    assertThat(BatchingProcessor.tick(Duration.ofMillis(2))).isEqualTo(Duration.ofMillis(1));
    assertThat(BatchingProcessor.tick(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void tellsTheListenerWhatTriggeredEachFlushAndHowLargeItWas() {
    BatchingProcessor<String> processor = processor(3, 12, Duration.ofMillis(100));
    send(processor, "a");
    send(processor, "bb");
    send(processor, "c");            // 3 records: full
    send(processor, "dddd");
    send(processor, "eeeeeee");      // 2 x 7 = 14 > 12: [dddd] leaves on the token budget, and so does
                                     // [eeeeeee], which no record could join
    send(processor, "f");
    tick(150);                       // [f] has waited maxWait
    send(processor, "g");
    control.drain();
    tick(1);                         // drained at once
    assertThat(flushes).containsExactly("records:3:4", "tokens:1:4", "tokens:1:7", "wait:1:1", "drain:1:1");
  }

  @Test
  void forwardsInFlushOrderWhenALaterBatchFinishesFirst() throws Exception {
    control = BatchingControl.concurrent();
    CountDownLatch release = new CountDownLatch(1);
    BatchingProcessor<String> processor = processor(2, 1000, Duration.ofSeconds(10), batch -> {
      if (batch.contains("a")) {
        await(release);
      }
    });
    send(processor, "a");
    send(processor, "b");            // batch [a, b] runs and is held
    send(processor, "c");
    send(processor, "d");            // batch [c, d] runs and finishes
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      synchronized (batches) {
        return batches.contains(List.of("c", "d"));
      }
    });
    tick(1);
    assertThat(forwarded()).as("nothing may overtake the held batch").isEmpty();
    assertThat(stored()).isEqualTo(4);
    assertThat(control.buffered()).isEqualTo(4);
    release.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      tick(1);
      assertThat(forwarded()).containsExactly("out:a", "out:b", "out:c", "out:d");
    });
    assertThat(stored()).isZero();
    assertThat(control.buffered()).isZero();
  }

  @Test
  void waitsForTheOldestBatchWhenMoreThanInFlightAreRunning() {
    control = BatchingControl.concurrent();
    BatchingProcessor<String> processor = processor(1, 1000, Duration.ofSeconds(10), batch -> {
      if (batch.contains("a")) {
        sleep(200);
      }
    });
    send(processor, "a");
    send(processor, "b");            // two in flight: the policy's limit
    assertThat(processor.inFlight()).isBetween(0, 2);
    send(processor, "c");            // a third: the task waits until [a] is done and forwards it
    assertThat(forwarded()).startsWith("out:a");
    assertThat(processor.inFlight()).isLessThanOrEqualTo(2);
  }

  @Test
  void closeLeavesRecordsOfRunningBatchesInTheStore() {
    control = BatchingControl.concurrent();
    CountDownLatch release = new CountDownLatch(1);
    BatchingProcessor<String> processor = processor(2, 1000, Duration.ofSeconds(10), batch -> await(release));
    send(processor, "a");
    send(processor, "b");
    send(processor, "c");
    processor.close();
    release.countDown();
    assertThat(forwarded()).isEmpty();
    assertThat(stored()).isEqualTo(3);
    assertThat(control.buffered()).isZero();
  }

  @Test
  void rethrowsAFailedBatchOnTheStreamThreadAndKeepsItsRecords() {
    control = BatchingControl.concurrent();
    CountDownLatch sent = new CountDownLatch(1);
    BatchingProcessor<String> processor = processor(2, 1000, Duration.ofSeconds(10), batch -> {
      await(sent); // fail only after the flush returned: the failure must surface on a later call
      throw new IllegalStateException("device lost");
    });
    send(processor, "a");
    send(processor, "b");
    sent.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> tick(1)).isInstanceOf(IllegalStateException.class).hasMessage("device lost"));
    assertThat(forwarded()).isEmpty();
    assertThat(stored()).isEqualTo(2);
  }

  @Test
  void flushesAtOnceWhenNoneOfTheTasksBatchesIsOnTheModel() {
    BatchingProcessor<String> processor = processor(new BatchPolicy(100, 1000, Duration.ofSeconds(10), 2, true),
        batch -> { });
    send(processor, "a");
    send(processor, "b");
    assertThat(batches).containsExactly(List.of("a"), List.of("b"));
    assertThat(flushes).containsExactly("idle:1:1", "idle:1:1");
    assertThat(forwarded()).containsExactly("out:a", "out:b");
    assertThat(stored()).isZero();
  }

  @Test
  void gathersRecordsWhileABatchIsOnTheModelAndFlushesThemWhenItReturns() {
    control = BatchingControl.concurrent();
    CountDownLatch release = new CountDownLatch(1);
    BatchingProcessor<String> processor = processor(new BatchPolicy(100, 1000, Duration.ofSeconds(10), 2, true),
        batch -> {
          if (batch.contains("a")) {
            await(release);
          }
        });
    send(processor, "a");            // nothing on the model: [a] leaves at once and is held there
    send(processor, "b");
    send(processor, "c");
    tick(1);
    assertThat(processor.size()).as("b and c wait for [a], not for maxWait").isEqualTo(2);
    release.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      tick(1);                       // forwards [a]; the task is idle again and sends [b, c]
      assertThat(forwarded()).containsExactly("out:a", "out:b", "out:c");
    });
    assertThat(batches).containsExactly(List.of("a"), List.of("b", "c"));
    assertThat(flushes).containsExactly("idle:1:1", "idle:2:2");
    assertThat(stored()).isZero();
  }

  @Test
  void restoredRecordsLeaveAtTheFirstPunctuationWhenIdle() {
    BatchingProcessor<String> first = processor(100, 1000, Duration.ofSeconds(10));
    send(first, "x1");
    send(first, "x2");
    first.close();
    processor(new BatchPolicy(100, 1000, Duration.ofSeconds(10), 2, true), batch -> { });
    tick(1);
    assertThat(batches).containsExactly(List.of("x1", "x2"));
    assertThat(stored()).isZero();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
