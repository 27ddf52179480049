package dev.lexstream.safety;

import java.util.List;

/**
 * A scored whole-text detector: prompt injection (patterns and an embedding classifier, combined
 * by noisy-or) or toxicity (an embedding classifier). Scores are in [0, 1].
 */
public final class RiskClassifier {
  private final String category;
  private final String detector;
  private final EmbeddingClassifier classifier;
  private final boolean patterns;

  private RiskClassifier(String category, String detector, EmbeddingClassifier classifier, boolean patterns) {
    this.category = category;
    this.detector = detector;
    this.classifier = classifier;
    this.patterns = patterns;
  }

  public static RiskClassifier promptInjection(EmbeddingClassifier classifier) {
    return new RiskClassifier(Categories.PROMPT_INJECTION, "injection-patterns+embedding-logreg", classifier, true);
  }

  public static RiskClassifier toxicity(EmbeddingClassifier classifier) {
    return new RiskClassifier(Categories.TOXICITY, "toxicity-embedding-logreg", classifier, false);
  }

  public String category() {
    return category;
  }

  public String detector() {
    return detector;
  }

  /** The combined score of each text; {@code embeddings} come from the model the classifier was trained with. */
  public double[] scores(List<String> texts, float[][] embeddings) {
    double[] p = classifier.scores(texts, embeddings);
    if (patterns) {
      for (int i = 0; i < p.length; i++) {
        p[i] = 1 - (1 - p[i]) * (1 - InjectionPatterns.score(texts.get(i)));
      }
    }
    return p;
  }
}
