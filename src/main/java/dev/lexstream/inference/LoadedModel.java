// What every loaded model offers, whatever its kind: provenance, token counting, closing.
package dev.lexstream.inference;

/** A loaded model of any kind ({@link TextEmbedder}, {@link TextClassifier}). Implementations are thread-safe. */
public interface LoadedModel extends AutoCloseable {

    /** Stable model name for provenance, e.g. {@code builtin:all-minilm-l6-v2-q} or a directory name. */
    String modelId();

    /** Version of the weights, e.g. the Maven artifact version or a hash prefix of the model file. */
    String modelVersion();

    /** {@code text-embedding} or {@code text-classification}. */
    String kind();

    /** Longest input in tokens (special tokens included); longer texts are truncated. */
    int maxTokens();

    /** Token count of {@code text} as the model sees it (special tokens included, capped at {@link #maxTokens()}). */
    int countTokens(String text);

    @Override
    void close();
}
