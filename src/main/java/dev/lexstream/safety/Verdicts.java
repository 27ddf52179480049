package dev.lexstream.safety;

import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.config.SafetyAction;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Builds and reads {@link SafetyVerdict}s: findings with their actions, and the strongest action. */
public final class Verdicts {
  private Verdicts() {}

  /** A finding with the action the policy maps it to. */
  public record Acted(Finding finding, SafetyAction action) {}

  public static SafetyVerdict allow() {
    return SafetyVerdict.newBuilder().setAction(SafetyAction.ALLOW.yamlName()).setFindings(new ArrayList<>()).build();
  }

  public static SafetyVerdict of(List<Acted> findings) {
    SafetyAction action = SafetyAction.ALLOW;
    List<dev.lexstream.avro.Finding> out = new ArrayList<>(findings.size());
    for (Acted a : findings) {
      action = SafetyAction.strongest(action, a.action());
      out.add(avro(a));
    }
    return SafetyVerdict.newBuilder().setAction(action.yamlName()).setFindings(out).build();
  }

  /** {@code verdict} with {@code more} findings added and the action recomputed; {@code verdict} may be null. */
  public static SafetyVerdict merge(SafetyVerdict verdict, List<Acted> more) {
    SafetyVerdict base = verdict == null ? allow() : verdict;
    if (more.isEmpty()) {
      return base;
    }
    List<dev.lexstream.avro.Finding> findings = new ArrayList<>(base.getFindings());
    SafetyAction action = action(base);
    for (Acted a : more) {
      findings.add(avro(a));
      action = SafetyAction.strongest(action, a.action());
    }
    return SafetyVerdict.newBuilder().setAction(action.yamlName()).setFindings(findings).build();
  }

  public static SafetyAction action(SafetyVerdict verdict) {
    return verdict == null ? SafetyAction.ALLOW : SafetyAction.parse(verdict.getAction());
  }

  /**
   * The reason of a dead letter for a dropped record: the categories (and scores) that asked for
   * {@code drop}. Never quotes the text.
   */
  public static String dropReason(SafetyVerdict verdict) {
    Set<String> parts = new LinkedHashSet<>();
    for (dev.lexstream.avro.Finding f : verdict.getFindings()) {
      if (SafetyAction.DROP.yamlName().equals(f.getAction())) {
        parts.add(f.getCategory() + " (" + f.getDetector() + ", score " + String.format(Locale.ROOT, "%.2f", f.getScore())
            + ")");
      }
    }
    return "dropped by the safety policy: " + String.join(", ", parts);
  }

  /** True when any finding that asked for {@code drop} is about generated text ({@code output.*}) only. */
  public static boolean droppedForOutputOnly(SafetyVerdict verdict) {
    boolean output = false;
    for (dev.lexstream.avro.Finding f : verdict.getFindings()) {
      if (SafetyAction.DROP.yamlName().equals(f.getAction())) {
        if (!fromOutputCheck(f)) {
          return false;
        }
        output = true;
      }
    }
    return output;
  }

  /**
   * An output check's finding: its category, or, for a detector that threw (whose category is
   * {@link Categories#DETECTOR_ERROR} on both sides), its detector ({@code output.language:...},
   * {@code output-embedding:...}, {@code output.toxicity:...}).
   */
  private static boolean fromOutputCheck(dev.lexstream.avro.Finding f) {
    return f.getCategory().startsWith("output.")
        || f.getCategory().equals(Categories.DETECTOR_ERROR) && f.getDetector().startsWith("output");
  }

  private static dev.lexstream.avro.Finding avro(Acted a) {
    Finding f = a.finding();
    return dev.lexstream.avro.Finding.newBuilder()
        .setCategory(f.category())
        .setDetector(f.detector())
        .setScore(Math.max(0, Math.min(1, f.score())))
        .setStart(f.start())
        .setEnd(f.end())
        .setAction(a.action().yamlName())
        .build();
  }
}
