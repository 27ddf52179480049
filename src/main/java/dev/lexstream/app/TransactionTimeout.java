package dev.lexstream.app;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The transaction timeout of Kafka Streams' producers under exactly-once, when the config sets none.
 *
 * <p>Kafka Streams lowers {@code transaction.timeout.ms} to 10 s under {@code exactly_once_v2}. A
 * stream thread's transaction is open from its first write after a commit (buffering a record
 * writes the changelog) to the next commit, and in between the thread may wait for micro-batches:
 * {@code BatchingProcessor} waits for a task's oldest batch when {@code inFlight} of them are out
 * (back-pressure) and for all of them when draining. No setting bounds that wait: a batch takes
 * its turn on the model executor that every task shares, then its model time; seconds for
 * classification on a busy CPU, more for seq2seq generation. A transaction that outlives its
 * timeout is aborted by the broker and its producer fenced: the task migrates and its batch starts
 * over, and with a model that slow, again and again.
 *
 * <p>Kafka does bound the wait: a thread that does not poll within {@code max.poll.interval.ms}
 * leaves the group and loses its tasks anyway. So the default lets a transaction live that long:
 * the poll interval, plus the commit interval (a transaction can start right after a commit), plus
 * {@link #HEADROOM} for the commit itself; at most the broker's default {@code
 * transaction.max.timeout.ms} ({@link #BROKER_DEFAULT_MAX}), above which the broker refuses the
 * producer. About 6 minutes with Kafka's defaults.
 *
 * <p>The price is paid after a crash: a transaction the dead instance left open holds back
 * read_committed readers of its partitions (downstream consumers, and the instance taking its tasks
 * over) until it times out, unless the instance restarts with its state directory first and fences
 * it. Where fast fail-over matters more than long batches, set {@code
 * producer.transaction.timeout.ms} (docs/operations.md).
 */
final class TransactionTimeout {
  /** For the commit that ends the transaction: flushing what the producer holds, the offsets, EndTxn. */
  static final Duration HEADROOM = Duration.ofMinutes(1);

  /** The broker's default {@code transaction.max.timeout.ms}: the longest timeout a producer may ask for. */
  static final Duration BROKER_DEFAULT_MAX = Duration.ofMinutes(15);

  /** The consumer's default {@code max.poll.interval.ms}, which Kafka Streams keeps. */
  static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);

  /** Kafka Streams' {@code commit.interval.ms} under exactly-once, unless set. */
  static final Duration EXACTLY_ONCE_COMMIT_INTERVAL = Duration.ofMillis(100);

  private static final String PRODUCER_TIMEOUT = StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);

  private TransactionTimeout() {}

  /**
   * Sets {@code producer.transaction.timeout.ms} in complete Kafka Streams properties (the user's
   * pass-through included) when they ask for exactly-once and set no transaction timeout, prefixed
   * or not.
   */
  static void applyDefault(Properties props) {
    boolean exactlyOnce = StreamsConfig.EXACTLY_ONCE_V2.equals(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    if (!exactlyOnce || props.containsKey(PRODUCER_TIMEOUT)
        || props.containsKey(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)) {
      return;
    }
    props.put(PRODUCER_TIMEOUT, Long.toString(of(props).toMillis()));
  }

  /** The default for these properties (see the class comment). */
  static Duration of(Properties props) {
    String poll = ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG;
    // Kafka Streams' precedence for the main consumer: main.consumer.*, then consumer.*, then unprefixed
    Duration pollInterval = millis(props, StreamsConfig.mainConsumerPrefix(poll),
        millis(props, StreamsConfig.consumerPrefix(poll), millis(props, poll, DEFAULT_MAX_POLL_INTERVAL)));
    Duration commitInterval = millis(props, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, EXACTLY_ONCE_COMMIT_INTERVAL);
    Duration timeout = pollInterval.plus(commitInterval).plus(HEADROOM);
    return timeout.compareTo(BROKER_DEFAULT_MAX) > 0 ? BROKER_DEFAULT_MAX : timeout;
  }

  /** A milliseconds setting; {@code otherwise} when absent or not a number (Kafka Streams reports the latter). */
  private static Duration millis(Properties props, String key, Duration otherwise) {
    Object value = props.get(key);
    if (value == null) {
      return otherwise;
    }
    try {
      return Duration.ofMillis(Long.parseLong(value.toString().trim()));
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
