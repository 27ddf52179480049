package dev.lexstream.safety;

import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.config.SafetyAction;
import dev.lexstream.config.SafetySettings;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The per-record part of the input guard, run right after validation and before the text reaches
 * a model, a topic or a log line: finds personal data and redacts what the policy says to redact.
 * Whole-text classifiers (prompt injection, toxicity) need the model and run on the batch in
 * {@link BatchGuard}.
 *
 * <p>Fails closed: when the PII detector throws, the finding {@code safety.detector_error} gets the
 * policy's {@code onDetectorError} action, and if any PII type is {@code redact} the whole text is
 * redacted (nothing unchecked can leak).
 */
public final class InputGuard {
  private final SafetySettings settings;
  private final Function<String, List<Finding>> pii;
  private final Redactor redactor;
  private final Redactor tagRedactor = new Redactor(SafetySettings.Redaction.defaults());

  /** @param pii the PII detector (a function so that tests can make it fail) */
  InputGuard(SafetySettings settings, Function<String, List<Finding>> pii) {
    this.settings = settings;
    this.pii = pii;
    this.redactor = new Redactor(settings.redaction());
  }

  /** The input guard of a pipeline's settings; null when no PII type is checked. */
  public static InputGuard of(SafetySettings settings) {
    Set<PiiDetector.Type> types = EnumSet.noneOf(PiiDetector.Type.class);
    for (PiiDetector.Type t : PiiDetector.Type.values()) {
      if (settings.checks(t.category())) {
        types.add(t);
      }
    }
    return types.isEmpty() ? null : new InputGuard(settings, new PiiDetector(types)::detect);
  }

  /**
   * What the guard made of one text.
   *
   * @param text           the text the rest of the pipeline sees (redacted where the policy says so)
   * @param verdict        findings (spans in {@code text}) and the strongest action so far
   * @param redacted       true when {@code text} differs from the input
   * @param deadLetterText the text with every PII finding redacted whatever its action: what a dead
   *                       letter may carry
   */
  public record Result(String text, SafetyVerdict verdict, boolean redacted, String deadLetterText) {
    public SafetyAction action() {
      return Verdicts.action(verdict);
    }
  }

  public Result screen(String text) {
    List<Finding> found;
    try {
      found = pii.apply(text);
    } catch (RuntimeException e) {
      return failed(text, e);
    }
    List<Finding> kept = new ArrayList<>(found.size());
    for (Finding f : found) {
      if (f.score() >= settings.thresholds().pii()) {
        kept.add(f);
      }
    }
    if (kept.isEmpty()) {
      return new Result(text, Verdicts.allow(), false, text);
    }
    Redactor.Result r = redactor.apply(text, kept, f -> settings.action(f.category()) == SafetyAction.REDACT);
    List<Verdicts.Acted> acted = new ArrayList<>(r.findings().size());
    for (Finding f : r.findings()) {
      acted.add(new Verdicts.Acted(f, settings.action(f.category())));
    }
    String deadLetterText = redactor.apply(text, kept, f -> true).text();
    return new Result(r.text(), Verdicts.of(acted), r.changed(), deadLetterText);
  }

  private Result failed(String text, RuntimeException e) {
    Finding error = Finding.whole(Categories.DETECTOR_ERROR, "pii:" + e.getClass().getSimpleName(), 1.0);
    List<Verdicts.Acted> acted = List.of(new Verdicts.Acted(error, settings.onDetectorError()));
    boolean redact = settings.input().values().stream().anyMatch(a -> a == SafetyAction.REDACT);
    String all = tagRedactor.redactAll("pii", text);
    return new Result(redact ? all : text, Verdicts.of(acted), redact, all);
  }
}
