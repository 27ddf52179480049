package dev.lexstream.serde.registry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Schema ids whose schema Lexstream cannot use, each with its failure, so that every further record
 * with such an id is dead-lettered with the same reason without another registry request: a topic
 * full of them would otherwise send the registry one request per record.
 *
 * <p>Only failures that are about the id are remembered. A registry that cannot be reached or refuses
 * access stops the stream and is asked again after the restart; never remembered here.
 */
final class UnusableSchemaIds {
  /**
   * Ids remembered at most; the least recently seen is forgotten first. Unlike the schemas that work,
   * which are as many as the registry holds, these ids come from record bytes: garbage that happens to
   * start with the wire format's magic byte carries any id at all.
   */
  static final int MAX_IDS = 1_000;

  /**
   * How long an id the registry does not know stays unknown before it is asked again. The registry
   * assigns ids, so an unknown id in a record is nearly always final (written against another
   * registry, or not the wire format at all); but a registry replica that lags behind the one the
   * producer registered with answers 404 for a fresh id for a moment, and remembering that for good
   * would dead-letter the producer's records until a restart. One request per id per minute is
   * nothing to the registry.
   */
  static final Duration UNKNOWN_ID_RECHECK = Duration.ofMinutes(1);

  /**
   * What a remembered failure is made of again (no stack trace kept per id), since when, and for how
   * long. {@code keptFor} null: for good, as an id's schema never changes, so neither does a failure
   * about the schema itself.
   */
  private record Failure(String message, int status, int errorCode, long sinceNanos, Duration keptFor) {
    RegistryException exception() {
      return new RegistryException(message, status, errorCode, null);
    }
  }

  private final LongSupplier nanoTime;
  private final Map<Integer, Failure> failures = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, Failure> eldest) {
      return size() > MAX_IDS;
    }
  };

  UnusableSchemaIds() {
    this(System::nanoTime);
  }

  /** @param nanoTime the clock of {@link #UNKNOWN_ID_RECHECK} (tests pass their own) */
  UnusableSchemaIds(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Throws the failure remembered for this id, if there is one that still holds. */
  synchronized void rethrow(int id) {
    Failure failure = failures.get(id);
    if (failure == null) {
      return;
    }
    if (failure.keptFor() != null && nanoTime.getAsLong() - failure.sinceNanos() >= failure.keptFor().toNanos()) {
      failures.remove(id);
      return;
    }
    throw failure.exception();
  }

  /** Remembers that the registry does not know this id, for {@link #UNKNOWN_ID_RECHECK}; returns the failure. */
  synchronized RegistryException unknown(int id, RegistryException failure) {
    return remember(id, failure, UNKNOWN_ID_RECHECK);
  }

  /** Remembers for good that this id's schema cannot be used (not Avro, references, unparsable); returns the failure. */
  synchronized RegistryException unusable(int id, RegistryException failure) {
    return remember(id, failure, null);
  }

  private RegistryException remember(int id, RegistryException failure, Duration keptFor) {
    failures.put(id, new Failure(failure.getMessage(), failure.status(), failure.errorCode(), nanoTime.getAsLong(),
        keptFor));
    return failure;
  }
}
