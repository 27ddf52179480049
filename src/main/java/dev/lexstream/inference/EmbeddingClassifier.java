// A classifier head over sentence embeddings: zero-/few-shot prototypes or a trained logistic regression.
package dev.lexstream.inference;

import java.util.List;

/**
 * Classifies a precomputed embedding, so that several heads (and other consumers) share one
 * embedding pass per record. Implementations are immutable and thread-safe.
 */
public interface EmbeddingClassifier {

    /** The labels, in the order of {@code scores}. */
    List<String> labels();

    /** Expected embedding length. */
    int dimension();

    /** @param textEmbedding an embedding from the model the head was built with */
    ZeroShotClassifier.Prediction classify(float[] textEmbedding);
}
