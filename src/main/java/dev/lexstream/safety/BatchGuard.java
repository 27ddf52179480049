package dev.lexstream.safety;

import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.Translation;
import dev.lexstream.batching.Shutdown;
import dev.lexstream.config.ConfigException;
import dev.lexstream.config.SafetyAction;
import dev.lexstream.config.SafetySettings;
import dev.lexstream.inference.TextEmbedder;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the safety policy that runs on a batch, after the models: the whole-text input
 * classifiers (prompt injection, toxicity) on the text the models saw, reusing the batch's
 * embeddings, and the output guard on generated text (summary, translations): toxicity,
 * faithfulness to the source (embedding cosine under a threshold), translation language, empty or
 * runaway output. It completes each record's {@code safety} verdict; routing follows its action.
 *
 * <p>Fails closed: a detector that throws adds {@code safety.detector_error} with the policy's
 * {@code onDetectorError} action to every record of the batch it was checking.
 */
public final class BatchGuard {
  private static final Logger log = LoggerFactory.getLogger(BatchGuard.class);

  private final SafetySettings settings;
  private final TextEmbedder embedder;
  private final RiskClassifier injection;
  private final RiskClassifier toxicity;
  private final LanguageIdentifier languages;

  BatchGuard(SafetySettings settings, TextEmbedder embedder, RiskClassifier injection, RiskClassifier toxicity,
      LanguageIdentifier languages) {
    this.settings = settings;
    this.embedder = embedder;
    this.injection = injection;
    this.toxicity = toxicity;
    this.languages = languages;
  }

  /**
   * The batch guard of a pipeline: trains the classifiers it needs (from the files of
   * {@code safety.training}, else the shipped examples) with {@code embedder}. Null when the policy
   * checks nothing at batch level.
   *
   * @param path the config path of the {@code safety} section, for errors about training files
   */
  public static BatchGuard of(SafetySettings settings, TextEmbedder embedder, String path) {
    boolean anything = settings.checks(Categories.PROMPT_INJECTION) || settings.checks(Categories.TOXICITY)
        || settings.output().values().stream().anyMatch(a -> a != SafetyAction.ALLOW);
    if (!anything) {
      return null;
    }
    if (settings.needsModel() && embedder == null) {
      throw new IllegalStateException("safety model '" + settings.model() + "' is not loaded");
    }
    RiskClassifier injection = null;
    if (settings.checks(Categories.PROMPT_INJECTION)) {
      List<LabelledTexts.Example> examples = examples(settings.training().promptInjection(),
          path + ".training.promptInjection", ShippedExamples::promptInjection);
      injection = RiskClassifier.promptInjection(train(examples, embedder));
    }
    RiskClassifier toxicity = null;
    if (settings.checks(Categories.TOXICITY) || settings.checks(Categories.OUTPUT_TOXICITY)) {
      List<LabelledTexts.Example> examples = examples(settings.training().toxicity(), path + ".training.toxicity",
          ShippedExamples::toxicity);
      toxicity = RiskClassifier.toxicity(train(examples, embedder));
    }
    LanguageIdentifier languages = settings.checks(Categories.OUTPUT_LANGUAGE) ? LanguageIdentifier.get() : null;
    return new BatchGuard(settings, settings.needsModel() ? embedder : null, injection, toxicity, languages);
  }

  private static EmbeddingClassifier train(List<LabelledTexts.Example> examples, TextEmbedder embedder) {
    long start = System.nanoTime();
    EmbeddingClassifier c = EmbeddingClassifier.train(examples, embedder, EmbeddingClassifier.Options.defaults());
    log.info("safety classifier trained on {} examples in {} ms", examples.size(), (System.nanoTime() - start) / 1_000_000);
    return c;
  }

  private static List<LabelledTexts.Example> examples(String file, String path,
      java.util.function.Supplier<List<LabelledTexts.Example>> shipped) {
    if (file == null) {
      return shipped.get();
    }
    Path p = Path.of(file);
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(path, "file '" + file + "' not found; required: a text,label CSV or JSON-lines file");
    }
    try {
      return LabelledTexts.read(p);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new ConfigException(path, e.getMessage() + "; required: a text,label CSV or JSON-lines file", e);
    }
  }

  /** The model whose embeddings of the input texts {@link #apply} needs; null when it needs none. */
  public TextEmbedder embedder() {
    return embedder;
  }

  /**
   * Completes the verdict of each record: {@code input.get(i)} is the input guard's verdict of
   * {@code records.get(i)} (null when there was none), {@code embeddings[i]} the embedding of its
   * text by {@link #embedder()} (null when that is null). Sets each record's {@code safety}.
   */
  public void apply(List<EnrichedText> records, List<SafetyVerdict> input, float[][] embeddings) {
    apply(records, input, embeddings, null);
  }

  /**
   * As {@link #apply(List, List, float[][])}, embedding generated text with {@code embed} (e.g. the
   * model's shared executor) instead of calling {@link #embedder()} directly; null for the latter.
   */
  public void apply(List<EnrichedText> records, List<SafetyVerdict> input, float[][] embeddings,
      Function<List<String>, float[][]> embed) {

    int n = records.size();
    List<List<Verdicts.Acted>> found = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      found.add(new ArrayList<>());
    }
    List<String> texts = records.stream().map(EnrichedText::getText).toList();
    if (injection != null) {
      classify(injection, Categories.PROMPT_INJECTION, settings.thresholds().promptInjection(), texts, embeddings,
          found, true);
    }
    if (toxicity != null && settings.checks(Categories.TOXICITY)) {
      classify(toxicity, Categories.TOXICITY, settings.thresholds().toxicity(), texts, embeddings, found, false);
    }
    checkOutputs(records, embeddings, found, embed);
    for (int i = 0; i < n; i++) {
      records.get(i).setSafety(Verdicts.merge(input.get(i), found.get(i)));
    }
  }

  private void classify(RiskClassifier classifier, String category, double threshold, List<String> texts,
      float[][] embeddings, List<List<Verdicts.Acted>> found, boolean spans) {
    SafetyAction action = settings.action(category);
    double[] scores;
    try {
      scores = classifier.scores(texts, embeddings);
    } catch (RuntimeException e) {
      failed(category, e, found);
      return;
    }
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] >= threshold) {
        Integer start = null;
        Integer end = null;
        if (spans) {
          List<Finding> hits = InjectionPatterns.findings(texts.get(i));
          if (!hits.isEmpty()) {
            start = hits.get(0).start();
            end = hits.get(0).end();
          }
        }
        found.get(i).add(new Verdicts.Acted(new Finding(category, classifier.detector(), scores[i], start, end), action));
      }
    }
  }

  /** One generated text of a record. */
  private record Generated(int record, String kind, String target, String text) {}

  private void checkOutputs(List<EnrichedText> records, float[][] sourceEmbeddings, List<List<Verdicts.Acted>> found,
      Function<List<String>, float[][]> embed) {
    List<Generated> generated = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      EnrichedText r = records.get(i);
      if (r.getSummary() != null) {
        generated.add(new Generated(i, "summary", null, r.getSummary()));
      }
      if (r.getTranslations() != null) {
        for (Translation t : r.getTranslations()) {
          generated.add(new Generated(i, "translation:" + t.getTarget(), t.getTarget(), t.getText()));
        }
      }
    }
    if (generated.isEmpty()) {
      return;
    }
    List<Generated> nonEmpty = new ArrayList<>();
    for (Generated g : generated) {
      String source = records.get(g.record).getText();
      if (g.text.isBlank()) {
        add(found, g, Categories.OUTPUT_EMPTY, "empty:" + g.kind, 1.0, null);
        continue;
      }
      nonEmpty.add(g);
      if (settings.checks(Categories.OUTPUT_LENGTH)) {
        double limit = settings.thresholds().maxLengthRatio() * source.length() + 64;
        if (g.text.length() > limit) {
          add(found, g, Categories.OUTPUT_LENGTH, "length-ratio:" + g.kind, Math.min(1.0, g.text.length() / (2 * limit)
              + 0.5), null);
        } else if (repetitive(g.text)) {
          add(found, g, Categories.OUTPUT_LENGTH, "repetition:" + g.kind, 0.9, null);
        }
      }
      if (languages != null && g.target != null && languages.knows(g.target)) {
        try {
          List<LanguageIdentifier.Guess> guesses = languages.identify(g.text);
          if (!guesses.isEmpty() && !guesses.get(0).language().equals(g.target)
              && guesses.get(0).probability() >= settings.thresholds().language()) {
            add(found, g, Categories.OUTPUT_LANGUAGE, "langid:" + g.kind + ":got-" + guesses.get(0).language(),
                guesses.get(0).probability(), null);
          }
        } catch (RuntimeException e) {
          add(found, g, Categories.DETECTOR_ERROR, "output.language:" + e.getClass().getSimpleName(), 1.0,
              settings.onDetectorError());
        }
      }
    }
    boolean unfaithful = settings.checks(Categories.OUTPUT_UNFAITHFUL);
    boolean toxic = settings.checks(Categories.OUTPUT_TOXICITY);
    if (nonEmpty.isEmpty() || !unfaithful && !toxic) {
      return;
    }
    List<String> texts = nonEmpty.stream().map(Generated::text).toList();
    float[][] vectors;
    try {
      vectors = embed != null ? embed.apply(texts) : EmbeddingClassifier.embedAll(embedder, texts);
    } catch (RuntimeException e) {
      failedOutputs(nonEmpty, "output-embedding", e, found);
      return;
    }
    if (unfaithful) {
      for (int j = 0; j < nonEmpty.size(); j++) {
        Generated g = nonEmpty.get(j);
        double cos = dot(sourceEmbeddings[g.record], vectors[j]);
        double threshold = g.target == null ? settings.thresholds().summaryFaithfulness()
            : settings.thresholds().translationFaithfulness();
        if (cos < threshold) {
          add(found, g, Categories.OUTPUT_UNFAITHFUL, "embedding-cosine:" + g.kind, Math.max(0, Math.min(1, 1 - cos)),
              null);
        }
      }
    }
    if (toxic) {
      double[] scores;
      try {
        scores = toxicity.scores(texts, vectors);
      } catch (RuntimeException e) {
        failedOutputs(nonEmpty, "output.toxicity", e, found);
        return;
      }
      for (int j = 0; j < nonEmpty.size(); j++) {
        if (scores[j] >= settings.thresholds().outputToxicity()) {
          add(found, nonEmpty.get(j), Categories.OUTPUT_TOXICITY, toxicity.detector() + ":" + nonEmpty.get(j).kind,
              scores[j], null);
        }
      }
    }
  }

  private void add(List<List<Verdicts.Acted>> found, Generated g, String category, String detector, double score,
      SafetyAction override) {
    SafetyAction action = override != null ? override : settings.action(category);
    if (override == null && action == SafetyAction.ALLOW) {
      return; // not checked
    }
    found.get(g.record).add(new Verdicts.Acted(Finding.whole(category, detector, score), action));
  }

  private void failed(String category, RuntimeException e, List<List<Verdicts.Acted>> found) {
    rethrowIfShutdown(e);
    log.warn("safety detector {} failed on a batch of {}: {}", category, found.size(), e.getClass().getName());
    for (List<Verdicts.Acted> f : found) {
      f.add(new Verdicts.Acted(Finding.whole(Categories.DETECTOR_ERROR, category + ":" + e.getClass().getSimpleName(),
          1.0), settings.onDetectorError()));
    }
  }

  private void failedOutputs(List<Generated> outputs, String what, RuntimeException e, List<List<Verdicts.Acted>> found) {
    rethrowIfShutdown(e);
    log.warn("safety detector {} failed on a batch: {}", what, e.getClass().getName());
    Map<Integer, Boolean> seen = new HashMap<>();
    for (Generated g : outputs) {
      if (seen.putIfAbsent(g.record, true) == null) {
        add(found, g, Categories.DETECTOR_ERROR, what + ":" + e.getClass().getSimpleName(), 1.0,
            settings.onDetectorError());
      }
    }
  }

  /**
   * A detector cut short by shutdown has not failed on these records: acting on it (quarantine by
   * default) would route them for nothing. It aborts the batch instead, whose records stay buffered.
   */
  private static void rethrowIfShutdown(RuntimeException e) {
    if (Shutdown.caused(e)) {
      throw e;
    }
  }

  /** A word trigram repeated so often that the text loops (a degenerate generation). */
  static boolean repetitive(String text) {
    String[] words = text.strip().split("\\s+");
    if (words.length < 16) {
      return false;
    }
    Map<String, Integer> counts = new HashMap<>();
    int max = 0;
    for (int i = 0; i + 2 < words.length; i++) {
      max = Math.max(max, counts.merge(words[i] + ' ' + words[i + 1] + ' ' + words[i + 2], 1, Integer::sum));
    }
    return max >= 4 && max * 3 >= words.length / 2;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
