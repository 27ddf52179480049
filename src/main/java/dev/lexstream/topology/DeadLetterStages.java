package dev.lexstream.topology;

import dev.lexstream.serde.InputDecoder;
import java.util.List;

/** Every value a dead letter's {@code stage} can take, for commands that filter on it (replay). */
public final class DeadLetterStages {
  /** In pipeline order: decode, validate, inference, safety (input policy), output (policy on generated text). */
  public static final List<String> ALL = List.of(InputDecoder.STAGE, TextValidator.STAGE, EnrichBatch.STAGE,
      SafetyStages.INPUT, SafetyStages.OUTPUT);

  private DeadLetterStages() {}
}
