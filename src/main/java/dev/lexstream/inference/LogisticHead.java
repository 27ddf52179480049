// Logistic-regression head on sentence embeddings, trained at start-up with Tribuo.
package dev.lexstream.inference;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Multinomial logistic regression (softmax over a linear map of the embedding) trained with
 * Tribuo's {@link LinearSGDTrainer} (log loss, AdaGrad, fixed seed, so the same data gives the
 * same head). Scores are the model's class probabilities.
 *
 * <p>Tribuo (Oracle Labs, Apache-2.0, Java 8+) was chosen over Smile, whose 3.x+ releases are
 * GPL-3.0, and over DJL's own training, which would need the PyTorch engine for an ONNX-only
 * deployment.
 */
public final class LogisticHead implements EmbeddingClassifier {

    /**
     * AdaGrad's initial rate. With the few epochs of {@code train.epochs} (default 10) it acts as
     * the regularizer (Tribuo's linear SGD has no L2 term): on AG News a sweep gave 0.850-0.865 for
     * 0.1 at 10-100 epochs, but 0.82-0.84 for 0.5-2.0, which overfit (docs/models.md).
     */
    public static final double LEARNING_RATE = 0.1;
    public static final long SEED = 20261129L;

    /** Tribuo logs each training run at INFO through java.util.logging; held so the setting sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Model<Label> model;
    private final List<String> labels;
    private final String[] featureNames;

    private LogisticHead(Model<Label> model, List<String> labels, String[] featureNames) {
        this.model = model;
        this.labels = labels;
        this.featureNames = featureNames;
    }

    /**
     * @param embeddings one vector per example, all of the same length
     * @param targets the label of each example
     * @param labelOrder the order of {@code scores}; every target must be one of them and every label
     *     needs at least one example
     * @param epochs passes over the data
     * @throws IllegalArgumentException on empty data, mismatched lengths or labels without examples
     */
    public static LogisticHead train(List<float[]> embeddings, List<String> targets, List<String> labelOrder, int epochs) {
        Objects.requireNonNull(embeddings, "embeddings");
        if (embeddings.isEmpty() || embeddings.size() != targets.size()) {
            throw new IllegalArgumentException("need as many labels as embeddings, and at least one; got "
                    + embeddings.size() + " embeddings, " + targets.size() + " labels");
        }
        List<String> labels = List.copyOf(new LinkedHashSet<>(labelOrder));
        if (labels.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least two labels, got " + labels);
        }
        for (String label : labels) {
            if (!targets.contains(label)) {
                throw new IllegalArgumentException("label '" + label + "' has no training example");
            }
        }
        int dim = embeddings.get(0).length;
        String[] names = new String[dim];
        for (int d = 0; d < dim; d++) {
            names[d] = String.format("e%04d", d);
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("lexstream-train", factory), factory);
        for (int i = 0; i < embeddings.size(); i++) {
            String target = targets.get(i);
            if (!labels.contains(target)) {
                throw new IllegalArgumentException("example " + i + " has label '" + target + "', not one of " + labels);
            }
            if (embeddings.get(i).length != dim) {
                throw new IllegalArgumentException("embedding " + i + " has dimension " + embeddings.get(i).length + ", not " + dim);
            }
            data.add(example(new Label(target), names, embeddings.get(i)));
        }
        // loggingInterval -1: Tribuo logs nothing per step
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(LEARNING_RATE, 0.1), epochs, -1, 1, SEED);
        return new LogisticHead(trainer.train(data), labels, names);
    }

    private static Example<Label> example(Label label, String[] names, float[] v) {
        double[] values = new double[v.length];
        for (int d = 0; d < v.length; d++) {
            values[d] = v[d];
        }
        return new ArrayExample<>(label, names, values);
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public int dimension() {
        return featureNames.length;
    }

    @Override
    public ZeroShotClassifier.Prediction classify(float[] textEmbedding) {
        if (textEmbedding.length != featureNames.length) {
            throw new IllegalArgumentException(
                    "embedding has dimension " + textEmbedding.length + ", classifier expects " + featureNames.length);
        }
        org.tribuo.Prediction<Label> p = model.predict(example(LabelFactory.UNKNOWN_LABEL, featureNames, textEmbedding));
        Map<String, Label> raw = p.getOutputScores();
        Map<String, Double> scores = new LinkedHashMap<>();
        String best = labels.get(0);
        for (String label : labels) {
            Label l = raw.get(label);
            double score = l == null ? 0.0 : l.getScore();
            scores.put(label, score);
            if (score > scores.get(best)) {
                best = label;
            }
        }
        return new ZeroShotClassifier.Prediction(best, scores.get(best), scores);
    }

    /** Labels in score order, for messages. */
    @Override
    public String toString() {
        return "LogisticHead" + new ArrayList<>(labels);
    }
}
