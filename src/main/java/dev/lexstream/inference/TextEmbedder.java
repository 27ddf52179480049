// Sentence-embedding model behind the classifiers, summarizer and safety detectors.
package dev.lexstream.inference;

import java.util.List;

/**
 * A text-embedding model. Implementations are thread-safe; vectors are L2-normalized so a dot
 * product is a cosine similarity.
 */
public interface TextEmbedder extends LoadedModel {

    /** Stable model name for provenance, e.g. {@code builtin:all-minilm-l6-v2-q} or a directory name. */
    @Override
    String modelId();

    /** Version of the weights, e.g. the Maven artifact version or a hash prefix of the model file. */
    @Override
    String modelVersion();

    @Override
    default String kind() {
        return ModelDescriptor.TEXT_EMBEDDING;
    }

    /** Length of each embedding vector. */
    int dimension();

    /** Longest input in tokens (special tokens included); longer texts are truncated. */
    @Override
    int maxTokens();

    /**
     * Embeds all texts in one forward pass; the caller picks the batch size because padding to
     * the longest text makes very mixed batches wasteful.
     *
     * @return one L2-normalized vector per text, in input order
     * @throws InferenceException when the model fails, or returns a NaN or infinite value
     */
    float[][] embed(List<String> texts);

    /** Token count of {@code text} as the model sees it (special tokens included, capped at {@link #maxTokens()}). */
    @Override
    int countTokens(String text);

    @Override
    void close();
}
