package dev.lexstream.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
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
  private final BatchingControl control = new BatchingControl();
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

  private BatchingProcessor<String> processor(int maxRecords, int maxTokens, Duration maxWait) {
    BatchingProcessor<String> processor = new BatchingProcessor<>(STORE, new BatchPolicy(maxRecords, maxTokens, maxWait),
        CODEC, String::length, batch -> {
          batches.add(List.copyOf(batch));
          return batch.stream()
              .map(v -> new BatchingProcessor.Forward("sink", new Record<byte[], Object>(null, "out:" + v, 0L)))
              .toList();
        }, control);
    processor.init(context);
    return processor;
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
    send(processor, "d");
    send(processor, "e"); // [ccccc, d, e] = 3 x 5 = 15 > 12: flush [ccccc, d] first
    assertThat(batches).containsExactly(List.of("aa", "bbb"), List.of("ccccc", "d"));
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
  void punctuatesAtAQuarterOfMaxWait() {
    assertThat(BatchingProcessor.tick(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(12));
    assertThat(BatchingProcessor.tick(Duration.ofMillis(2))).isEqualTo(Duration.ofMillis(1));
    assertThat(BatchingProcessor.tick(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(1));
  }
}
