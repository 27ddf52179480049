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
  /** Texts longer than this contribute their head and tail to the n-grams (bounded cost, both ends seen). */
  private static final int MAX_NGRAM_CHARS = 8_000;

  /** Training settings; the defaults are the ones measured in docs/safety.md. */
  public record Options(int epochs, double learningRate, long seed, int minGram, int maxGram, boolean words,
      double embeddingScale) {
    public static Options defaults() {
      return new Options(30, 0.05, 7L, 2, 5, false, 2.0);
    }
  }

  /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
  private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");

  static {
    // Tribuo logs every epoch through java.util.logging at INFO
    TRIBUO_LOG.setLevel(Level.WARNING);
  }

  private final Model<Label> model;
  private final int dimension;
  private final Options options;

  private EmbeddingClassifier(Model<Label> model, int dimension, Options options) {
    this.model = model;
    this.dimension = dimension;
    this.options = options;
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
      data.add(example(new Label(labels[i] ? POSITIVE : NEGATIVE), texts.get(i), embeddings[i], options));
    }
    var provenance = new SimpleDataSourceProvenance("lexstream-safety-examples", OffsetDateTime.now(), factory);
    MutableDataset<Label> dataset = new MutableDataset<>(new ListDataSource<>(data, factory, provenance));
    LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(),
        new AdaGrad(options.learningRate(), 1e-6), options.epochs(), Integer.MAX_VALUE, 1, options.seed());
    Model<Label> model = trainer.train(dataset);
    return new EmbeddingClassifier(model, embeddings.length == 0 ? 0 : embeddings[0].length, options);
  }

  /** Probability that each text is positive, given its embedding from the same model as in training. */
  public double[] scores(List<String> texts, float[][] embeddings) {
    double[] out = new double[texts.size()];
    for (int i = 0; i < out.length; i++) {
      if (embeddings[i].length != dimension) {
        throw new IllegalArgumentException("embedding of dimension " + embeddings[i].length + ", trained on " + dimension);
      }
      Prediction<Label> p = model.predict(example(LabelFactory.UNKNOWN_LABEL, texts.get(i), embeddings[i], options));
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

  private static Example<Label> example(Label label, String text, float[] embedding, Options options) {
    Map<String, Double> sparse = ngrams(text, options);
    String[] names = new String[embedding.length + sparse.size()];
    double[] values = new double[names.length];
    for (int i = 0; i < embedding.length; i++) {
      names[i] = "e" + i;
      values[i] = embedding[i] * options.embeddingScale();
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
  static Map<String, Double> ngrams(String text, Options options) {
    String t = text.length() <= MAX_NGRAM_CHARS ? text
        : text.substring(0, MAX_NGRAM_CHARS / 2) + " " + text.substring(text.length() - MAX_NGRAM_CHARS / 2);
    String s = " " + t.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip() + " ";
    Map<Integer, Integer> counts = new HashMap<>();
    for (int n = options.minGram(); n <= options.maxGram(); n++) {
      for (int i = 0; i + n <= s.length(); i++) {
        int h = Math.floorMod(s.substring(i, i + n).hashCode() * 31 + n, HASH_BUCKETS);
        counts.merge(h, 1, Integer::sum);
      }
    }
    if (options.words()) {
      String[] words = s.strip().split("[^\\p{L}\\p{N}']+");
      for (int i = 0; i < words.length; i++) {
        counts.merge(Math.floorMod(("w " + words[i]).hashCode(), HASH_BUCKETS), 1, Integer::sum);
        if (i + 1 < words.length) {
          counts.merge(Math.floorMod(("b " + words[i] + " " + words[i + 1]).hashCode(), HASH_BUCKETS), 1, Integer::sum);
        }
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
