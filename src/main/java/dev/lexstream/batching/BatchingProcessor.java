package dev.lexstream.batching;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Micro-batches a task's records durably: each record is put in a changelogged key-value store
 * keyed by (partition, offset) before anything else happens to it, and the batch is handed to a
 * {@link BatchHandler} in offset order when the {@link BatchPolicy} says it is full or its oldest
 * record has waited {@code maxWait} (wall clock). What the handler returns is forwarded in order,
 * then the entries are deleted, all in the same Kafka Streams commit. After a crash the store is
 * restored from its changelog and the restored records are flushed first.
 */
public final class BatchingProcessor<V> implements Processor<byte[], V, byte[], Object> {
  /** Runs a batch and says what to forward; per-record failures must become records, not exceptions. */
  public interface BatchHandler<V> {
    List<Forward> handle(List<V> batch);
  }

  /** Reads and writes buffered values. */
  public interface ValueCodec<V> {
    byte[] encode(V value);

    V decode(byte[] bytes);
  }

  /** A record to forward to a named child (a sink). */
  public record Forward(String child, Record<byte[], Object> record) {}

  private record Entry<V>(Bytes key, V value, int tokens, long bufferedAt) {}

  private static final int HEADER_BYTES = Long.BYTES + Integer.BYTES;

  private final String storeName;
  private final BatchPolicy policy;
  private final ValueCodec<V> codec;
  private final ToIntFunction<V> tokenCounter;
  private final BatchHandler<V> handler;
  private final BatchingControl control;
  private final List<Entry<V>> batch = new ArrayList<>();
  private int longest;
  private ProcessorContext<byte[], Object> context;
  private KeyValueStore<Bytes, byte[]> store;

  public BatchingProcessor(String storeName, BatchPolicy policy, ValueCodec<V> codec, ToIntFunction<V> tokenCounter,
      BatchHandler<V> handler, BatchingControl control) {
    this.storeName = storeName;
    this.policy = policy;
    this.codec = codec;
    this.tokenCounter = tokenCounter;
    this.handler = handler;
    this.control = control;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    try (KeyValueIterator<Bytes, byte[]> restored = store.all()) {
      // keys sort by (partition, offset): the restored batch is in offset order
      restored.forEachRemaining(kv -> remember(kv.key, kv.value));
    }
    control.add(batch.size());
    context.schedule(tick(policy.maxWait()), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  /** Punctuate often enough that a batch leaves at most a quarter of maxWait late. */
  static Duration tick(Duration maxWait) {
    long millis = Math.max(1, Math.min(1000, maxWait.toMillis() / 4));
    return Duration.ofMillis(millis);
  }

  @Override
  public void process(Record<byte[], V> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    int tokens = tokenCounter.applyAsInt(record.value());
    if (!policy.admits(batch.size(), longest, tokens)) {
      flush();
    }
    Bytes key = key(meta.partition(), meta.offset());
    long now = context.currentSystemTimeMs();
    store.put(key, envelope(now, tokens, codec.encode(record.value())));
    add(new Entry<>(key, record.value(), tokens, now));
    control.add(1);
    if (policy.full(batch.size(), longest)) {
      flush();
    }
  }

  private void punctuate(long now) {
    if (batch.isEmpty()) {
      return;
    }
    if (control.draining() || now - batch.get(0).bufferedAt() >= policy.maxWait().toMillis()) {
      flush();
    }
  }

  private void flush() {
    if (batch.isEmpty()) {
      return;
    }
    List<V> values = batch.stream().map(Entry::value).toList();
    for (Forward forward : handler.handle(values)) {
      context.forward(forward.record(), forward.child());
    }
    for (Entry<V> entry : batch) {
      store.delete(entry.key());
    }
    control.add(-batch.size());
    batch.clear();
    longest = 0;
  }

  private void remember(Bytes key, byte[] envelope) {
    ByteBuffer buffer = ByteBuffer.wrap(envelope);
    long bufferedAt = buffer.getLong();
    int tokens = buffer.getInt();
    byte[] payload = new byte[buffer.remaining()];
    buffer.get(payload);
    add(new Entry<>(key, codec.decode(payload), tokens, bufferedAt));
  }

  private void add(Entry<V> entry) {
    batch.add(entry);
    longest = Math.max(longest, entry.tokens());
  }

  @Override
  public void close() {
    // the buffered records stay in the store; whoever gets this task next restores them
    control.add(-batch.size());
    batch.clear();
  }

  static Bytes key(int partition, long offset) {
    return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + Long.BYTES).putInt(partition).putLong(offset).array());
  }

  private static byte[] envelope(long bufferedAt, int tokens, byte[] payload) {
    return ByteBuffer.allocate(HEADER_BYTES + payload.length).putLong(bufferedAt).putInt(tokens).put(payload).array();
  }

  /** Number of records in the in-memory view of the buffer (tests). */
  int size() {
    return batch.size();
  }
}
