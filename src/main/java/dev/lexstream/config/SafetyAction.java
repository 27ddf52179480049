package dev.lexstream.config;

import java.util.Locale;

/**
 * What the safety policy does with a record, weakest first: the strongest action of all findings
 * wins. {@code allow} also means "do not check" when it is a category's configured action.
 */
public enum SafetyAction {
  /** Not checked, or nothing to do. */
  ALLOW,
  /** Annotate only: the finding is recorded in {@code EnrichedText.safety}. */
  FLAG,
  /** Replace the finding's span in the text before it reaches a model, a topic or a log line. */
  REDACT,
  /** Publish the enriched record to the quarantine topic instead of the output topic. */
  QUARANTINE,
  /** Send the record to the dead-letter topic (stage {@code safety} or {@code output}). */
  DROP;

  /** The spelling in YAML and in {@code EnrichedText.safety}, e.g. {@code quarantine}. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SafetyAction strongest(SafetyAction a, SafetyAction b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** @throws IllegalArgumentException when {@code name} is not an action */
  public static SafetyAction parse(String name) {
    for (SafetyAction a : values()) {
      if (a.yamlName().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown action '" + name + "'");
  }
}
