// Sequence-classification model on DJL (ONNX Runtime or PyTorch): logits to softmax or sigmoid scores.
package dev.lexstream.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code text-classification} model directory: a fine-tuned encoder with a classification head
 * whose output {@code logits} [batch, labels] follows the label order of its {@code
 * model.properties}. Scores are a softmax over the logits, or with {@code multi_label=true}
 * independent sigmoids (each in [0, 1], not summing to 1). Either way the prediction's label is
 * the top-scoring one and {@code scores} holds every label's score.
 */
public final class DjlTextClassifier implements TextClassifier {

    private final DjlModel model;
    private final List<String> labels;
    private final boolean multiLabel;

    private DjlTextClassifier(DjlModel model) {
        this.model = model;
        this.labels = model.resolved().descriptor().labels();
        this.multiLabel = model.resolved().descriptor().multiLabel();
    }

    /**
     * @throws InferenceException when the model cannot be loaded or its outputs do not match its labels
     * @throws IllegalArgumentException when the model directory holds a model of another kind
     */
    public static TextClassifier load(ModelSource source, DeviceSpec device, Path workDir,
                                      DjlTextEmbedder.Options options) {
        return new DjlTextClassifier(
                DjlModel.load(source, device, workDir, options, ModelDescriptor.TEXT_CLASSIFICATION));
    }

    DjlModel model() {
        return model;
    }

    @Override
    public String modelId() {
        return model.resolved().id();
    }

    @Override
    public String modelVersion() {
        return model.resolved().version();
    }

    @Override
    public int maxTokens() {
        return model.resolved().maxTokens();
    }

    @Override
    public int countTokens(String text) {
        return model.countTokens(text);
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public boolean multiLabel() {
        return multiLabel;
    }

    /** The raw logits, one row per text; for tests and diagnostics. */
    public float[][] logits(List<String> texts) {
        return model.predict(texts);
    }

    @Override
    public List<ZeroShotClassifier.Prediction> classify(List<String> texts) {
        float[][] logits = model.predict(texts);
        List<ZeroShotClassifier.Prediction> out = new ArrayList<>(logits.length);
        for (float[] row : logits) {
            out.add(predict(labels, row, multiLabel));
        }
        return out;
    }

    /**
     * Softmax (or per-label sigmoid) over one row of logits; the label is the argmax.
     *
     * @throws InferenceException on a NaN or infinite logit: the scores would be NaN and the label the
     *     first one, an answer the model did not give; failing lets the caller isolate the text
     */
    static ZeroShotClassifier.Prediction predict(List<String> labels, float[] logits, boolean multiLabel) {
        int[] at = Vectors.firstNonFinite(new float[][] {logits});
        if (at != null) {
            throw new InferenceException("the model returned a logit of " + logits[at[1]] + " among "
                    + java.util.Arrays.toString(logits) + " for labels " + labels, null);
        }
        double[] scores = new double[logits.length];
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (multiLabel) {
            for (int i = 0; i < logits.length; i++) {
                scores[i] = 1.0 / (1.0 + Math.exp(-logits[i]));
            }
        } else {
            double sum = 0;
            for (int i = 0; i < logits.length; i++) {
                scores[i] = Math.exp((double) logits[i] - logits[best]);
                sum += scores[i];
            }
            for (int i = 0; i < logits.length; i++) {
                scores[i] /= sum;
            }
        }
        Map<String, Double> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < logits.length; i++) {
            byLabel.put(labels.get(i), scores[i]);
        }
        return new ZeroShotClassifier.Prediction(labels.get(best), scores[best], byLabel);
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "DjlTextClassifier[" + modelId() + " " + modelVersion() + " " + labels + "]";
    }
}
