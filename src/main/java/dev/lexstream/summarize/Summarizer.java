package dev.lexstream.summarize;

import java.util.List;

/** Summarizes a batch of texts; thread-safe. */
public interface Summarizer extends AutoCloseable {

    /**
     * @param texts the texts
     * @param langs ISO 639-1 language per text (null entries: unknown); same size as {@code texts}
     * @return one summary per text, in order
     */
    List<String> summarize(List<String> texts, List<String> langs);

    /** Model id for provenance, e.g. {@code builtin:all-minilm-l6-v2-q}. */
    String modelId();

    /** Model version for provenance. */
    String modelVersion();

    /** Releases what the summarizer owns (not shared models). */
    @Override
    default void close() {
    }
}
