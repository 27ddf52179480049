package dev.lexstream.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lexstream.inference.TextEmbedder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/** Quality measurements of the detectors on labelled files: what {@code lexstream eval safety} prints. */
public final class SafetyEval {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Gold span types of the evaluation files (Presidio's names) &rarr; Lexstream categories. */
  public static final Map<String, String> PII_GOLD_TYPES = Map.of(
      "EMAIL_ADDRESS", Categories.EMAIL, "PHONE_NUMBER", Categories.PHONE, "CREDIT_CARD", Categories.CREDIT_CARD,
      "IBAN_CODE", Categories.IBAN, "US_SSN", Categories.SSN, "IP_ADDRESS", Categories.IP,
      "PERSON", Categories.PERSON);

  private SafetyEval() {}

  /** Counts of one category; precision and recall by span overlap. */
  public record Counts(int predicted, int predictedCorrect, int gold, int goldFound) {
    public double precision() {
      return predicted == 0 ? Double.NaN : (double) predictedCorrect / predicted;
    }

    public double recall() {
      return gold == 0 ? Double.NaN : (double) goldFound / gold;
    }

    public double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 || Double.isNaN(p) || Double.isNaN(r) ? 0 : 2 * p * r / (p + r);
    }
  }

  /** A gold span. */
  record Span(String category, int start, int end) {}

  /**
   * Runs the PII detector on a JSON-lines file of {@code {text, spans: [{start, end, type}]}} and
   * counts, per category: predicted spans that overlap a gold span of the same category, and gold
   * spans overlapped by a predicted span of the same category. Findings under {@code threshold}
   * are ignored.
   */
  public static Map<String, Counts> pii(Path jsonl, PiiDetector detector, double threshold) {
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (String category : PII_GOLD_TYPES.values().stream().sorted().toList()) {
      counts.put(category, new int[4]);
    }
    try (BufferedReader reader = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode row = JSON.readTree(line);
        String text = row.get("text").asText();
        List<Span> gold = new ArrayList<>();
        for (JsonNode s : row.path("spans")) {
          String category = PII_GOLD_TYPES.get(s.get("type").asText());
          if (category != null) {
            gold.add(new Span(category, s.get("start").asInt(), s.get("end").asInt()));
          }
        }
        List<Finding> found = detector.detect(text).stream().filter(f -> f.score() >= threshold).toList();
        for (Finding f : found) {
          int[] c = counts.get(f.category());
          if (c == null) {
            continue;
          }
          c[0]++;
          if (gold.stream().anyMatch(g -> g.category.equals(f.category()) && g.start < f.end() && f.start() < g.end)) {
            c[1]++;
          }
        }
        for (Span g : gold) {
          int[] c = counts.get(g.category);
          c[2]++;
          if (found.stream().anyMatch(f -> g.category.equals(f.category()) && g.start < f.end() && f.start() < g.end)) {
            c[3]++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jsonl + ": " + e.getMessage(), e);
    }
    Map<String, Counts> out = new LinkedHashMap<>();
    counts.forEach((k, c) -> out.put(k, new Counts(c[0], c[1], c[2], c[3])));
    return out;
  }

  /** Binary classification quality at one threshold. */
  public record Binary(int tp, int fp, int tn, int fn) {
    public double precision() {
      return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    }

    public double recall() {
      return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    }

    public double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double accuracy() {
      return (double) (tp + tn) / Math.max(1, tp + fp + tn + fn);
    }

    static Binary of(double[] scores, boolean[] labels, double threshold) {
      int tp = 0;
      int fp = 0;
      int tn = 0;
      int fn = 0;
      for (int i = 0; i < scores.length; i++) {
        boolean predicted = scores[i] >= threshold;
        if (predicted && labels[i]) {
          tp++;
        } else if (predicted) {
          fp++;
        } else if (labels[i]) {
          fn++;
        } else {
          tn++;
        }
      }
      return new Binary(tp, fp, tn, fn);
    }
  }

  /** Which whole-text detector to evaluate. */
  public enum Kind { INJECTION, TOXICITY }

  /**
   * Stratified k-fold cross-validation: each fold is scored by a classifier trained on the other
   * folds only (injection: combined with the fixed patterns). Embeddings are computed once.
   *
   * @return the out-of-fold score of every example, in input order
   */
  public static double[] crossValidate(Kind kind, List<LabelledTexts.Example> examples, TextEmbedder embedder,
      int folds, long seed, EmbeddingClassifier.Options options, IntConsumer progress) {
    List<String> texts = examples.stream().map(LabelledTexts.Example::text).toList();
    boolean[] labels = labels(examples);
    float[][] embeddings = EmbeddingClassifier.embedAll(embedder, texts);
    int[] fold = stratifiedFolds(labels, folds, seed);
    double[] scores = new double[texts.size()];
    for (int k = 0; k < folds; k++) {
      List<String> trainTexts = new ArrayList<>();
      List<float[]> trainEmb = new ArrayList<>();
      List<Boolean> trainLabels = new ArrayList<>();
      List<Integer> test = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        if (fold[i] == k) {
          test.add(i);
        } else {
          trainTexts.add(texts.get(i));
          trainEmb.add(embeddings[i]);
          trainLabels.add(labels[i]);
        }
      }
      boolean[] tl = new boolean[trainLabels.size()];
      for (int i = 0; i < tl.length; i++) {
        tl[i] = trainLabels.get(i);
      }
      EmbeddingClassifier classifier = EmbeddingClassifier.train(trainTexts, trainEmb.toArray(float[][]::new), tl,
          options);
      RiskClassifier risk = kind == Kind.INJECTION ? RiskClassifier.promptInjection(classifier)
          : RiskClassifier.toxicity(classifier);
      List<String> testTexts = test.stream().map(texts::get).toList();
      float[][] testEmb = test.stream().map(i -> embeddings[i]).toArray(float[][]::new);
      double[] s = risk.scores(testTexts, testEmb);
      for (int j = 0; j < test.size(); j++) {
        scores[test.get(j)] = s[j];
      }
      if (progress != null) {
        progress.accept(k + 1);
      }
    }
    return scores;
  }

  /** Scores of a classifier trained on {@code training} (e.g. the shipped examples), on {@code examples}. */
  public static double[] trainAndScore(Kind kind, List<LabelledTexts.Example> training,
      List<LabelledTexts.Example> examples, TextEmbedder embedder, EmbeddingClassifier.Options options) {
    EmbeddingClassifier classifier = EmbeddingClassifier.train(training, embedder, options);
    RiskClassifier risk = kind == Kind.INJECTION ? RiskClassifier.promptInjection(classifier)
        : RiskClassifier.toxicity(classifier);
    List<String> texts = examples.stream().map(LabelledTexts.Example::text).toList();
    return risk.scores(texts, EmbeddingClassifier.embedAll(embedder, texts));
  }

  public static boolean[] labels(List<LabelledTexts.Example> examples) {
    boolean[] labels = new boolean[examples.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = examples.get(i).positive();
    }
    return labels;
  }

  public static Binary binary(double[] scores, boolean[] labels, double threshold) {
    return Binary.of(scores, labels, threshold);
  }

  static int[] stratifiedFolds(boolean[] labels, int folds, long seed) {
    Random random = new Random(seed);
    int[] fold = new int[labels.length];
    for (boolean cls : new boolean[] {true, false}) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == cls) {
          idx.add(i);
        }
      }
      java.util.Collections.shuffle(idx, random);
      for (int j = 0; j < idx.size(); j++) {
        fold[idx.get(j)] = j % folds;
      }
    }
    return fold;
  }
}
