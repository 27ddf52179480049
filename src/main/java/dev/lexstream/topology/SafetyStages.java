package dev.lexstream.topology;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.config.SafetyAction;
import dev.lexstream.safety.Verdicts;

/**
 * Where an enriched record goes, read from its safety verdict: {@code quarantine} to the quarantine
 * topic, {@code drop} to the dead-letter topic (stage {@code safety} for input findings,
 * {@code output} when only generated text asked for it), anything else to the output topic.
 * Whoever forwards enrich results calls {@link #route}.
 */
final class SafetyStages {
  static final String INPUT = "safety";
  static final String OUTPUT = "output";

  enum Route { OUTPUT, QUARANTINE, DEAD_LETTER }

  private SafetyStages() {}

  static Route route(EnrichedText enriched) {
    SafetyAction action = enriched.getSafety() == null ? SafetyAction.ALLOW : Verdicts.action(enriched.getSafety());
    return switch (action) {
      case QUARANTINE -> Route.QUARANTINE;
      case DROP -> Route.DEAD_LETTER;
      default -> Route.OUTPUT;
    };
  }

  /** The dead letter of an enriched record the policy dropped; the reason names categories, never text. */
  static DeadLetter deadLetter(String pipeline, EnrichedText enriched, PendingText pending) {
    String stage = Verdicts.droppedForOutputOnly(enriched.getSafety()) ? OUTPUT : INPUT;
    return DeadLetters.of(pipeline, enriched.getId(), stage, Verdicts.dropReason(enriched.getSafety()), null,
        pending.source(), pending.key(), pending.original());
  }
}
