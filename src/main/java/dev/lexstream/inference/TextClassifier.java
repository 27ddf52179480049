// A fine-tuned sequence-classification model: texts in, a prediction over its own labels out.
package dev.lexstream.inference;

import java.util.List;

/**
 * A {@code text-classification} model (e.g. a fine-tuned BERT with a classification head) whose
 * labels come with the model. Thread-safe.
 */
public interface TextClassifier extends LoadedModel {

    @Override
    default String kind() {
        return ModelDescriptor.TEXT_CLASSIFICATION;
    }

    /** The labels in logit order. */
    List<String> labels();

    /** True when scores are independent sigmoids (several labels may apply), false for a softmax. */
    boolean multiLabel();

    /**
     * Classifies all texts in one forward pass.
     *
     * @return one prediction per text, in input order; its {@code label} is the top-scoring label
     */
    List<ZeroShotClassifier.Prediction> classify(List<String> texts);
}
