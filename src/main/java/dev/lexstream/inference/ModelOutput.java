// One forward pass of a batch through a loaded model, shared by every classify task on that model.
package dev.lexstream.inference;

import java.util.List;

/**
 * The result of running a batch through a model once: embeddings for a {@link TextEmbedder}
 * (each task's head then classifies them), predictions for a {@link TextClassifier}.
 */
public final class ModelOutput {

    private final float[][] embeddings;
    private final List<ZeroShotClassifier.Prediction> predictions;

    private ModelOutput(float[][] embeddings, List<ZeroShotClassifier.Prediction> predictions) {
        this.embeddings = embeddings;
        this.predictions = predictions;
    }

    /** Runs {@code texts} through {@code model} in one pass. */
    public static ModelOutput run(LoadedModel model, List<String> texts) {
        if (model instanceof TextClassifier classifier) {
            return new ModelOutput(null, classifier.classify(texts));
        }
        if (model instanceof TextEmbedder embedder) {
            return new ModelOutput(embedder.embed(texts), null);
        }
        throw new IllegalArgumentException("cannot run model " + model.modelId() + " of kind " + model.kind());
    }

    /** Embeddings of the batch (null for a text-classification model). */
    public float[][] embeddings() {
        return embeddings;
    }

    /**
     * @param head the task's head on an embedding model; null for a text-classification model
     * @return the prediction for the {@code i}-th text of the batch
     */
    public ZeroShotClassifier.Prediction prediction(int i, EmbeddingClassifier head) {
        if (predictions != null) {
            return predictions.get(i);
        }
        if (head == null) {
            throw new IllegalStateException("an embedding model needs a classifier head");
        }
        return head.classify(embeddings[i]);
    }
}
