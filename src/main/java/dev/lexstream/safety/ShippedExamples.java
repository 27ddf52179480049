package dev.lexstream.safety;

import java.util.List;

/**
 * The labelled examples shipped with Lexstream (written for it, see docs/safety.md), used when a
 * pipeline's {@code safety.training} names no file of its own.
 */
public final class ShippedExamples {
  public static final String PROMPT_INJECTION = "/dev/lexstream/safety/prompt_injection_examples.csv";
  public static final String TOXICITY = "/dev/lexstream/safety/toxicity_examples.csv";

  private ShippedExamples() {}

  public static List<LabelledTexts.Example> promptInjection() {
    return LabelledTexts.resource(PROMPT_INJECTION);
  }

  public static List<LabelledTexts.Example> toxicity() {
    return LabelledTexts.resource(TOXICITY);
  }
}
