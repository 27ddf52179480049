package dev.lexstream.batching;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * record has waited {@code maxWait} (wall clock), or, with {@code flushWhenIdle}, as soon as none
 * of the task's batches is on the model. After a crash the store is restored from its changelog
 * and the restored records are flushed first.
 *
 * <p>The handler runs where {@link BatchingControl} says, normally off the stream thread, with up
 * to {@code inFlight} batches of the task running at once; the task waits for its oldest batch
 * only beyond that. What a batch's handler returns is forwarded by the stream thread (in
 * process or punctuate: Kafka Streams allows forwarding nowhere else), batch after batch in
 * flush order, so in offset order; only then are the batch's entries deleted, in the same
 * transaction as the forwarded records. A batch still running when a commit happens is safe:
 * its records are still in the store, whose changelog the commit flushes, and its output is not
 * yet written; whoever owns the task after a crash runs it again.
 */
public final class BatchingProcessor<V> implements Processor<byte[], V, byte[], Object> {
  /**
   * Runs a batch and says what to forward; per-record failures must become records, not exceptions.
   * A batch cut short by shutdown ({@link Shutdown#caused}) throws: nothing of it is forwarded and
   * its records stay in the store.
   */
  public interface BatchHandler<V> {
    List<Forward> handle(List<V> batch);
  }

  /** Reads and writes buffered values. */
  public interface ValueCodec<V> {
    byte[] encode(V value);

    V decode(byte[] bytes);
  }

  /**
   * Told of every flush (metrics).
   *
   * @param trigger {@value #RECORDS}, {@value #TOKENS}, {@value #WAIT}, {@value #IDLE} or {@value #DRAIN}
   * @param tokens  the sum of the records' token counts
   */
  public interface FlushListener {
    String RECORDS = "records";
    String TOKENS = "tokens";
    String WAIT = "wait";
    String IDLE = "idle";
    String DRAIN = "drain";

    void flushed(String trigger, int records, int tokens);
  }

  /** A record to forward to a named child (a sink). */
  public record Forward(String child, Record<byte[], Object> record) {}

  private record Entry<V>(Bytes key, V value, int tokens, long bufferedAt) {}

  private record InFlight<V>(List<Entry<V>> entries, CompletableFuture<List<Forward>> result) {}

  private static final int HEADER_BYTES = Long.BYTES + Integer.BYTES;

  /** Bytes of an entry's key in the store and in its changelog: the record's partition and offset. */
  public static final int KEY_BYTES = Integer.BYTES + Long.BYTES;

  private final String storeName;
  private final BatchPolicy policy;
  private final ValueCodec<V> codec;
  private final ToIntFunction<V> tokenCounter;
  private final BatchHandler<V> handler;
  private final BatchingControl control;
  private final FlushListener listener;
  private final List<Entry<V>> batch = new ArrayList<>();
  private final ArrayDeque<InFlight<V>> inFlight = new ArrayDeque<>();
  private int longest;
  private ProcessorContext<byte[], Object> context;
  private KeyValueStore<Bytes, byte[]> store;

  public BatchingProcessor(String storeName, BatchPolicy policy, ValueCodec<V> codec, ToIntFunction<V> tokenCounter,
      BatchHandler<V> handler, BatchingControl control) {
    this(storeName, policy, codec, tokenCounter, handler, control, (trigger, records, tokens) -> { });
  }

  public BatchingProcessor(String storeName, BatchPolicy policy, ValueCodec<V> codec, ToIntFunction<V> tokenCounter,
      BatchHandler<V> handler, BatchingControl control, FlushListener listener) {
    this.listener = listener;
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
    // Kafka Streams initializes the same instance again when it revives a corrupted task (closed, then
    // restored without its aborted writes): the batch is what the store holds, nothing of the last life
    batch.clear();
    longest = 0;
    try (KeyValueIterator<Bytes, byte[]> restored = store.all()) {
      // keys sort by (partition, offset): the restored batch is in offset order
      restored.forEachRemaining(kv -> remember(kv.key, kv.value));
    }
    control.add(batch.size());
    context.schedule(tick(policy.maxWait()), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  /**
   * Punctuate often enough that a batch leaves at most a tenth of maxWait late, and a finished
   * batch is forwarded within as long (only the stream thread may forward).
   */
  public static Duration tick(Duration maxWait) {
    long millis = Math.max(1, Math.min(1000, maxWait.toMillis() / 10));
    return Duration.ofMillis(millis);
  }

  @Override
  public void process(Record<byte[], V> record) {
    forwardFinished();
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    int tokens = count(record.value());
    if (!policy.admits(batch.size(), longest, tokens)) {
      flush(batch.size() + 1 > policy.maxRecords() ? FlushListener.RECORDS : FlushListener.TOKENS);
    }
    Bytes key = key(meta.partition(), meta.offset());
    long now = context.currentSystemTimeMs();
    store.put(key, envelope(now, tokens, codec.encode(record.value())));
    add(new Entry<>(key, record.value(), tokens, now));
    control.add(1);
    if (policy.full(batch.size(), longest)) {
      flush(batch.size() >= policy.maxRecords() ? FlushListener.RECORDS : FlushListener.TOKENS);
    } else if (idle()) {
      flush(FlushListener.IDLE);
    }
  }

  /**
   * The record's tokens, or the whole budget when the tokenizer fails on it: thrown here, on the stream
   * thread, it would stop the task and, on every restart, again at the same record; budgeted whole, the
   * record runs in a batch of its own, where the model's failure on it is isolated and dead-lettered with
   * its reason like any other.
   */
  private int count(V value) {
    try {
      return tokenCounter.applyAsInt(value);
    } catch (RuntimeException e) {
      if (Shutdown.caused(e)) {
        throw e;
      }
      return policy.maxTokens();
    }
  }

  /** Whether the task could flush now without making anyone wait: flushWhenIdle, and none of its batches out. */
  private boolean idle() {
    return policy.flushWhenIdle() && inFlight.isEmpty();
  }

  private void punctuate(long now) {
    forwardFinished();
    if (!batch.isEmpty()) {
      if (now - batch.get(0).bufferedAt() >= policy.maxWait().toMillis()) {
        flush(FlushListener.WAIT);
      } else if (idle()) {
        flush(FlushListener.IDLE);
      } else if (control.draining()) {
        flush(FlushListener.DRAIN);
      }
    }
    if (control.draining()) {
      while (!inFlight.isEmpty()) {
        forward(inFlight.poll());
      }
    }
  }

  private void flush(String trigger) {
    if (batch.isEmpty()) {
      return;
    }
    List<Entry<V>> all = List.copyOf(batch);
    batch.clear();
    longest = 0;
    // only a restored buffer can hold more than the policy admits (up to inFlight + 1 batches of a
    // task that crashed): it leaves as policy-sized batches, in order, not as one oversize batch
    List<Entry<V>> part = new ArrayList<>();
    int partLongest = 0;
    for (Entry<V> entry : all) {
      if (!part.isEmpty() && !policy.admits(part.size(), partLongest, entry.tokens())) {
        submit(part, trigger);
        part = new ArrayList<>();
        partLongest = 0;
      }
      part.add(entry);
      partLongest = Math.max(partLongest, entry.tokens());
    }
    submit(part, trigger);
  }

  private void submit(List<Entry<V>> entries, String trigger) {
    List<V> values = entries.stream().map(Entry::value).toList();
    int tokens = 0;
    for (Entry<V> entry : entries) {
      tokens += entry.tokens();
    }
    listener.flushed(trigger, entries.size(), tokens);
    inFlight.add(new InFlight<>(entries, control.run(() -> handler.handle(values))));
    while (inFlight.size() > policy.inFlight()) {
      forward(inFlight.poll()); // waits for the oldest: the task's back-pressure
    }
    forwardFinished();
  }

  /** Forwards the batches at the head of the queue that have finished; a later one waits for those before it. */
  private void forwardFinished() {
    while (!inFlight.isEmpty() && inFlight.peek().result().isDone()) {
      forward(inFlight.poll());
    }
  }

  private void forward(InFlight<V> done) {
    List<Forward> forwards;
    try {
      forwards = done.result().join();
    } catch (CompletionException e) {
      // the handler turns per-record failures into records; anything else (shutdown cutting the batch short
      // among them) stops the task, as it would inline: the batch's records stay in the store and, with
      // exactly-once, the transaction aborts, so none of the task's later batches can overtake them
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
    for (Forward forward : forwards) {
      context.forward(forward.record(), forward.child());
    }
    for (Entry<V> entry : done.entries()) {
      store.delete(entry.key());
    }
    control.add(-done.entries().size());
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
    // buffered and in-flight records stay in the store; whoever gets this task next restores and runs them
    int left = batch.size();
    for (InFlight<V> running : inFlight) {
      left += running.entries().size();
      running.result().cancel(false);
    }
    control.add(-left);
    batch.clear();
    inFlight.clear();
  }

  static Bytes key(int partition, long offset) {
    return Bytes.wrap(ByteBuffer.allocate(KEY_BYTES).putInt(partition).putLong(offset).array());
  }

  /**
   * Bytes of the stored value of a record its codec encodes in {@code encodedBytes}: what the
   * changelog record carries (with a {@link #KEY_BYTES} key and no headers), so callers can tell
   * whether the producer will take it.
   */
  public static int storedBytes(int encodedBytes) {
    return HEADER_BYTES + encodedBytes;
  }

  private static byte[] envelope(long bufferedAt, int tokens, byte[] payload) {
    return ByteBuffer.allocate(HEADER_BYTES + payload.length).putLong(bufferedAt).putInt(tokens).put(payload).array();
  }

  /** Number of records buffered and not yet flushed (tests). */
  int size() {
    return batch.size();
  }

  /** Number of flushed batches whose output is not forwarded yet (tests). */
  int inFlight() {
    return inFlight.size();
  }
}
