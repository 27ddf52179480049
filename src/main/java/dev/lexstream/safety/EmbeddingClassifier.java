package dev.lexstream.safety;

import dev.lexstream.inference.TextEmbedder;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A binary text classifier: logistic regression (Tribuo, SGD with AdaGrad) over the text's
 * sentence embedding plus hashed character n-grams of the text. The embedding carries meaning
 * (paraphrases, other wordings); the n-grams carry surface cues the English-only embedding misses
 * (other languages, profanity, misspellings). Trained at start-up from labelled examples.
 *
 * <p>Thread-safe once built: prediction does not mutate the model.
 */
public final class EmbeddingClassifier {
  static final String POSITIVE = "1";
  static final String NEGATIVE = "0";
  private static final int HASH_BUCKETS = 1 << 18;
  private static final int MIN_GRAM = 2;
  private static final int MAX_GRAM = 5;
  /** Texts longer than this contribute their head and tail to the n-grams (bounded cost, both ends seen). */
  private static final int MAX_NGRAM_CHARS = 8_000;
  /** Embedding components of a unit vector are ~1/sqrt(dim): scaled up to weigh like the n-gram block. */
  private static final double EMBEDDING_SCALE = 4.0;

  /** Training settings; the defaults are the ones measured in docs/safety.md. */
  public record Options(int epochs, double learningRate, long seed) {
    public static Options defaults() {
      return new Options(12, 0.2, 7L);
    }
  }

  static {
    // Tribuo logs every epoch through java.util.logging at INFO
    Logger.getLogger("org.tribuo").setLevel(Level.WARNING);
  }

  private final Model<Label> model;
  private final int dimension;

  private EmbeddingClassifier(Model<Label> model, int dimension) {
    this.model = model;
    this.dimension = dimension;
  }

  /** Embeds the examples with {@code embedder} (in batches) and trains on them. */
  public static EmbeddingClassifier train(List<LabelledTexts.Example> examples, TextEmbedder embedder, Options options) {
    List<String> texts = examples.stream().map(LabelledTexts.Example::text).toList();
    float[][] embeddings = embedAll(embedder, texts);
    boolean[] labels = new boolean[examples.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = examples.get(i).positive();
    }
    return train(texts, embeddings, labels, options);
  }

  /** Trains on texts whose embeddings the caller already has (cross-validation reuses them). */
  public static EmbeddingClassifier train(List<String> texts, float[][] embeddings, boolean[] labels, Options options) {
    LabelFactory factory = new LabelFactory();
    List<Example<Label>> data = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      data.add(example(new Label(labels[i] ? POSITIVE : NEGATIVE), texts.get(i), embeddings[i]));
    }
    var provenance = new SimpleDataSourceProvenance("lexstream-safety-examples", OffsetDateTime.now(), factory);
    MutableDataset<Label> dataset = new MutableDataset<>(new ListDataSource<>(data, factory, provenance));
    LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(),
        new AdaGrad(options.learningRate(), 1e-6), options.epochs(), Integer.MAX_VALUE, 1, options.seed());
    Model<Label> model = trainer.train(dataset);
    return new EmbeddingClassifier(model, embeddings.length == 0 ? 0 : embeddings[0].length);
  }

  /** Probability that each text is positive, given its embedding from the same model as in training. */
  public double[] scores(List<String> texts, float[][] embeddings) {
    double[] out = new double[texts.size()];
    for (int i = 0; i < out.length; i++) {
      if (embeddings[i].length != dimension) {
        throw new IllegalArgumentException("embedding of dimension " + embeddings[i].length + ", trained on " + dimension);
      }
      Prediction<Label> p = model.predict(example(LabelFactory.UNKNOWN_LABEL, texts.get(i), embeddings[i]));
      Label positive = p.getOutputScores().get(POSITIVE);
      out[i] = positive == null ? 0 : positive.getScore();
    }
    return out;
  }

  static float[][] embedAll(TextEmbedder embedder, List<String> texts) {
    float[][] out = new float[texts.size()][];
    int batch = 32;
    for (int from = 0; from < texts.size(); from += batch) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batch));
      float[][] vectors = embedder.embed(chunk);
      System.arraycopy(vectors, 0, out, from, vectors.length);
    }
    return out;
  }

  private static Example<Label> example(Label label, String text, float[] embedding) {
    Map<String, Double> sparse = ngrams(text);
    String[] names = new String[embedding.length + sparse.size()];
    double[] values = new double[names.length];
    for (int i = 0; i < embedding.length; i++) {
      names[i] = "e" + i;
      values[i] = embedding[i] * EMBEDDING_SCALE;
    }
    int j = embedding.length;
    for (Map.Entry<String, Double> e : sparse.entrySet()) {
      names[j] = e.getKey();
      values[j] = e.getValue();
      j++;
    }
    return new ArrayExample<>(label, names, values);
  }

  /** Hashed character n-grams of the lower-cased text (words padded with spaces), L2-normalized counts. */
  static Map<String, Double> ngrams(String text) {
    String t = text.length() <= MAX_NGRAM_CHARS ? text
        : text.substring(0, MAX_NGRAM_CHARS / 2) + " " + text.substring(text.length() - MAX_NGRAM_CHARS / 2);
    String s = " " + t.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip() + " ";
    Map<Integer, Integer> counts = new HashMap<>();
    for (int n = MIN_GRAM; n <= MAX_GRAM; n++) {
      for (int i = 0; i + n <= s.length(); i++) {
        int h = Math.floorMod(s.substring(i, i + n).hashCode() * 31 + n, HASH_BUCKETS);
        counts.merge(h, 1, Integer::sum);
      }
    }
    double norm = 0;
    for (int c : counts.values()) {
      norm += (double) c * c;
    }
    norm = Math.sqrt(Math.max(norm, 1));
    Map<String, Double> out = new HashMap<>(counts.size() * 2);
    for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
      out.put("g" + e.getKey(), e.getValue() / norm);
    }
    return out;
  }
}
