// Classifies texts by embedding similarity to label descriptions (zero-shot), optionally nudged by examples (few-shot).
package dev.lexstream.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Nearest-prototype classifier over sentence embeddings.
 *
 * <p>Each label's prototype is the normalized mean of the embedding of its description and of
 * its example texts, all weighted equally: with no examples the description alone decides, and
 * every example pulls the prototype towards real data of that class, so a handful of examples
 * can fix a description that matches the data poorly.
 *
 * <p>Scores are a softmax over the cosine similarities divided by a temperature (default {@value
 * #DEFAULT_TEMPERATURE}, i.e. logits = cos / 0.05). Cosines between MiniLM embeddings of related
 * texts differ by only a few hundredths, so without sharpening every score would sit near 1/n; the
 * ranking, and so the predicted label, does not depend on the temperature.
 *
 * <p>Classification takes a precomputed embedding so that several classifiers (and other
 * consumers) can share one embedding pass per record. Instances are immutable and thread-safe.
 */
public final class ZeroShotClassifier {

    public static final double DEFAULT_TEMPERATURE = 0.05;
    private static final int EMBED_BATCH = 32;

    /**
     * @param label the argmax label
     * @param score its softmax score
     * @param scores every label's softmax score, in label order
     */
    public record Prediction(String label, double score, Map<String, Double> scores) {
        public Prediction {
            Objects.requireNonNull(label, "label");
            scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        }
    }

    private final List<String> labels;
    private final float[][] prototypes;
    private final double temperature;

    private ZeroShotClassifier(List<String> labels, float[][] prototypes, double temperature) {
        this.labels = labels;
        this.prototypes = prototypes;
        this.temperature = temperature;
    }

    /** Zero-shot: label descriptions only, in the order scores are reported. */
    public static ZeroShotClassifier create(TextEmbedder embedder, Map<String, String> descriptions) {
        return create(embedder, descriptions, Map.of(), DEFAULT_TEMPERATURE);
    }

    /** Few-shot: descriptions plus example texts per label (labels without examples are allowed). */
    public static ZeroShotClassifier create(
            TextEmbedder embedder, Map<String, String> descriptions, Map<String, List<String>> examples) {
        return create(embedder, descriptions, examples, DEFAULT_TEMPERATURE);
    }

    /**
     * @param descriptions label to description, iterated in order (use an ordered map)
     * @param examples label to example texts; every key must be a label
     * @param temperature softmax temperature, > 0
     * @throws IllegalArgumentException on fewer than two labels, blank descriptions, examples for
     *     unknown labels or a non-positive temperature
     */
    public static ZeroShotClassifier create(
            TextEmbedder embedder,
            Map<String, String> descriptions,
            Map<String, List<String>> examples,
            double temperature) {
        Objects.requireNonNull(embedder, "embedder");
        examples = examples == null ? Map.of() : examples;
        if (descriptions == null || descriptions.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least two labels");
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
        }
        for (String label : examples.keySet()) {
            if (!descriptions.containsKey(label)) {
                throw new IllegalArgumentException(
                        "examples given for unknown label '" + label + "'; labels: " + descriptions.keySet());
            }
        }
        List<String> labels = List.copyOf(descriptions.keySet());
        List<String> texts = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            String description = descriptions.get(label);
            if (description == null || description.isBlank()) {
                throw new IllegalArgumentException("label '" + label + "' has no description");
            }
            texts.add(description);
            owners.add(i);
            for (String example : examples.getOrDefault(label, List.of())) {
                texts.add(Objects.requireNonNull(example, "example text"));
                owners.add(i);
            }
        }
        float[][] prototypes = new float[labels.size()][embedder.dimension()];
        for (int start = 0; start < texts.size(); start += EMBED_BATCH) {
            List<String> chunk = texts.subList(start, Math.min(texts.size(), start + EMBED_BATCH));
            float[][] vectors = embedder.embed(chunk);
            for (int j = 0; j < vectors.length; j++) {
                float[] p = prototypes[owners.get(start + j)];
                float[] v = vectors[j];
                for (int d = 0; d < p.length; d++) {
                    p[d] += v[d];
                }
            }
        }
        for (float[] p : prototypes) {
            Vectors.normalize(p); // the mean's scale does not matter once normalized
        }
        return new ZeroShotClassifier(labels, prototypes, temperature);
    }

    public List<String> labels() {
        return labels;
    }

    /** Expected embedding length. */
    public int dimension() {
        return prototypes[0].length;
    }

    /** @param textEmbedding an embedding from the same model the classifier was built with */
    public Prediction classify(float[] textEmbedding) {
        if (textEmbedding.length != dimension()) {
            throw new IllegalArgumentException(
                    "embedding has dimension " + textEmbedding.length + ", classifier expects " + dimension());
        }
        double[] logits = new double[labels.size()];
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Vectors.cosine(prototypes[i], textEmbedding) / temperature;
            if (logits[i] > max) {
                max = logits[i];
                best = i;
            }
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.exp(logits[i] - max);
            sum += logits[i];
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int i = 0; i < logits.length; i++) {
            scores.put(labels.get(i), logits[i] / sum);
        }
        return new Prediction(labels.get(best), logits[best] / sum, scores);
    }
}
