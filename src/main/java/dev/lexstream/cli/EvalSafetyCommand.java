package dev.lexstream.cli;

import dev.lexstream.app.Lexstream;
import dev.lexstream.inference.DeviceSpec;
import dev.lexstream.inference.DjlTextEmbedder;
import dev.lexstream.inference.ModelSource;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.safety.EmbeddingClassifier;
import dev.lexstream.safety.LabelledTexts;
import dev.lexstream.safety.PiiDetector;
import dev.lexstream.safety.SafetyEval;
import dev.lexstream.safety.ShippedExamples;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code eval safety}: precision, recall and F1 of a safety detector on a labelled file. PII is
 * scored per type by span overlap; injection and toxicity by stratified k-fold cross-validation
 * (the classifier of each fold is trained on the other folds only), or, with {@code --shipped},
 * trained on the examples shipped with Lexstream and scored on the whole file.
 */
@Command(name = "safety", mixinStandardHelpOptions = true,
    description = "Measure a safety detector on a labelled file: precision, recall, F1 (per PII type for pii).")
public final class EvalSafetyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--detector", required = true, description = "pii, injection or toxicity.")
  String detector;

  @Option(names = "--data", required = true,
      description = "Labelled file: JSON lines {text, spans[{start,end,type}]} for pii; text,label CSV "
          + "(or JSON lines) for injection and toxicity.")
  Path data;

  @Option(names = "--threshold", description = "Score threshold. Default: 0.5.")
  double threshold = 0.5;

  @Option(names = "--folds", description = "Cross-validation folds. Default: ${DEFAULT-VALUE}.", defaultValue = "5")
  int folds;

  @Option(names = "--seed", description = "Fold assignment seed. Default: ${DEFAULT-VALUE}.", defaultValue = "13")
  long seed;

  @Option(names = "--shipped",
      description = "Train on the examples shipped with Lexstream and score the whole file (no cross-validation).")
  boolean shipped;

  @Option(names = "--model", description = "Embedding model. Default: ${DEFAULT-VALUE}.",
      defaultValue = "builtin:all-minilm-l6-v2-q")
  String model;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isRegularFile(data)) {
      throw new ParameterException(spec.commandLine(), "--data: no such file: " + data);
    }
    if (threshold < 0 || threshold > 1) {
      throw new ParameterException(spec.commandLine(), "--threshold: must be in [0, 1], got " + threshold);
    }
    if (folds < 2) {
      throw new ParameterException(spec.commandLine(), "--folds: must be >= 2, got " + folds);
    }
    switch (detector) {
      case "pii" -> pii(out);
      case "injection" -> classifier(out, SafetyEval.Kind.INJECTION);
      case "toxicity" -> classifier(out, SafetyEval.Kind.TOXICITY);
      default -> throw new ParameterException(spec.commandLine(),
          "--detector: '" + detector + "' is not allowed; allowed: pii, injection, toxicity");
    }
    out.flush();
    return 0;
  }

  private void pii(PrintWriter out) {
    long start = System.nanoTime();
    Map<String, SafetyEval.Counts> counts = SafetyEval.pii(data, PiiDetector.all(), threshold);
    out.printf(Locale.ROOT, "pii on %s (threshold %.2f, span overlap)%n", data, threshold);
    out.printf(Locale.ROOT, "%-16s %6s %6s %9s %7s %6s%n", "category", "gold", "found", "precision", "recall", "f1");
    counts.forEach((category, c) -> out.printf(Locale.ROOT, "%-16s %6d %6d %9s %7s %6s%n", category, c.gold(),
        c.predicted(), fmt(c.precision()), fmt(c.recall()), fmt(c.f1())));
    out.printf(Locale.ROOT, "(%.1f s)%n", (System.nanoTime() - start) / 1e9);
  }

  private void classifier(PrintWriter out, SafetyEval.Kind kind) {
    List<LabelledTexts.Example> examples;
    try {
      examples = LabelledTexts.read(data);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--data: " + e.getMessage());
    }
    long start = System.nanoTime();
    try (TextEmbedder embedder = DjlTextEmbedder.load(ModelSource.parse(model), DeviceSpec.cpu(),
        Lexstream.defaultWorkDir())) {
      boolean[] labels = SafetyEval.labels(examples);
      double[] scores;
      String how;
      if (shipped) {
        List<LabelledTexts.Example> training = kind == SafetyEval.Kind.INJECTION
            ? ShippedExamples.promptInjection() : ShippedExamples.toxicity();
        scores = SafetyEval.trainAndScore(kind, training, examples, embedder, EmbeddingClassifier.Options.defaults());
        how = "trained on the " + training.size() + " shipped examples, scored on the whole file";
      } else {
        scores = SafetyEval.crossValidate(kind, examples, embedder, folds, seed,
            EmbeddingClassifier.Options.defaults(), k -> spec.commandLine().getErr().println("fold " + k + "/" + folds));
        how = folds + "-fold stratified cross-validation, seed " + seed;
      }
      SafetyEval.Binary b = SafetyEval.binary(scores, labels, threshold);
      out.printf(Locale.ROOT, "%s on %s: %d examples (%d positive); %s; model %s%n",
          kind.name().toLowerCase(Locale.ROOT), data, examples.size(), b.tp() + b.fn(), how, model);
      out.printf(Locale.ROOT, "%-9s %9s %7s %6s %8s   tp fp tn fn%n", "threshold", "precision", "recall", "f1",
          "accuracy");
      for (double t : new double[] {0.3, 0.4, threshold, 0.6, 0.7}) {
        SafetyEval.Binary r = SafetyEval.binary(scores, labels, t);
        out.printf(Locale.ROOT, "%-9.2f %9s %7s %6s %8s   %d %d %d %d%s%n", t, fmt(r.precision()), fmt(r.recall()),
            fmt(r.f1()), fmt(r.accuracy()), r.tp(), r.fp(), r.tn(), r.fn(), t == threshold ? "  <- --threshold" : "");
      }
      out.printf(Locale.ROOT, "(%.1f s)%n", (System.nanoTime() - start) / 1e9);
    }
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
