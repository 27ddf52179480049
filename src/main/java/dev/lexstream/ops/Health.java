package dev.lexstream.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness and readiness of one instance.
 *
 * <ul>
 *   <li><b>ready</b>: every model loaded and warmed up, and Kafka Streams {@code RUNNING} (not
 *       rebalancing or restoring state), and not shutting down.
 *   <li><b>live</b>: the process works: no start-up failure, Kafka Streams not in {@code ERROR}
 *       (nor stopped unless we are closing), at least one stream thread alive while it runs, and
 *       every model worker thread alive. Loading models, rebalancing and draining are live.
 * </ul>
 * Readiness depends only on the phase and the Kafka Streams state, so it is re-evaluated on each
 * change of either, logged as one line when it flips, and exported as the {@code lexstream_ready} gauge.
 */
public final class Health {
  private static final Logger log = LoggerFactory.getLogger(Health.class);

  /** Where the instance is in its life. */
  public enum Phase {
    STARTING, LOADING_MODELS, WARMING_UP, STARTING_STREAMS, STARTED, CLOSING, CLOSED, FAILED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** A probe answer: whether it passes, and what it looked at (serialized as JSON by the server). */
  public record Check(boolean ok, Map<String, Object> details) {}

  private volatile Phase phase = Phase.STARTING;
  private volatile KafkaStreams streams;
  private final Map<String, BooleanSupplier> workers = new ConcurrentHashMap<>();
  private final Map<Phase, Long> reachedAt = new ConcurrentHashMap<>();
  private boolean lastReady;

  public Health() {
    reachedAt.put(Phase.STARTING, System.nanoTime());
  }

  public Phase phase() {
    return phase;
  }

  /** {@link System#nanoTime()} when the phase was entered, or null when it never was. */
  public Long reachedAt(Phase p) {
    return reachedAt.get(p);
  }

  public void phase(Phase next) {
    Phase before;
    synchronized (this) {
      before = phase;
      if (before == next) {
        return;
      }
      phase = next;
      reachedAt.putIfAbsent(next, System.nanoTime());
    }
    log.info("lexstream phase {} -> {}", before.label(), next.label());
    readinessChanged();
  }

  /** The Kafka Streams client whose state and threads the probes read. */
  public void attach(KafkaStreams streams) {
    this.streams = streams;
    readinessChanged();
  }

  /** A thread the instance cannot work without (a model's inference worker). */
  public void worker(String name, BooleanSupplier alive) {
    workers.put(name, alive);
  }

  /** Call on every Kafka Streams state change: logs one line when readiness flips. */
  public void readinessChanged() {
    boolean ready = readiness().ok();
    synchronized (this) {
      if (ready == lastReady) {
        return;
      }
      lastReady = ready;
    }
    log.info("readiness {} -> {}", !ready, ready);
  }

  public Check readiness() {
    Map<String, Object> details = new LinkedHashMap<>();
    Phase p = phase;
    KafkaStreams s = streams;
    KafkaStreams.State state = s == null ? null : s.state();
    details.put("phase", p.label());
    details.put("models", switch (p) {
      case STARTING, LOADING_MODELS -> "loading";
      case WARMING_UP -> "warming-up";
      case FAILED -> "failed";
      default -> "ready";
    });
    details.put("kafkaStreams", state == null ? "not-started" : state.name());
    boolean ok = p == Phase.STARTED && state == KafkaStreams.State.RUNNING;
    return new Check(ok, details);
  }

  public Check liveness() {
    Map<String, Object> details = new LinkedHashMap<>();
    Phase p = phase;
    details.put("phase", p.label());
    boolean ok = p != Phase.FAILED;
    boolean closing = p == Phase.CLOSING || p == Phase.CLOSED;
    KafkaStreams s = streams;
    if (s != null) {
      KafkaStreams.State state = s.state();
      details.put("kafkaStreams", state.name());
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
          || (state == KafkaStreams.State.NOT_RUNNING && !closing)) {
        ok = false;
      }
      if (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING) {
        int alive = 0;
        Set<ThreadMetadata> threads = s.metadataForLocalThreads();
        for (ThreadMetadata thread : threads) {
          String t = thread.threadState();
          if (!"DEAD".equals(t) && !"PENDING_SHUTDOWN".equals(t)) {
            alive++;
          }
        }
        details.put("streamThreads", Map.of("alive", alive, "total", threads.size()));
        if (alive == 0) {
          ok = false;
        }
      }
    }
    if (!workers.isEmpty()) {
      Map<String, Object> w = new LinkedHashMap<>();
      workers.forEach((name, alive) -> w.put(name, alive.getAsBoolean() ? "alive" : "dead"));
      details.put("modelWorkers", w);
      if (!closing && w.containsValue("dead")) {
        ok = false;
      }
    }
    return new Check(ok, details);
  }
}
