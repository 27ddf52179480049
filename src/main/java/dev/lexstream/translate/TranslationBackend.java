package dev.lexstream.translate;

import java.util.List;

/** Translates batches of texts from one language into another; thread-safe. */
public interface TranslationBackend extends AutoCloseable {

    /** Whether this backend can translate {@code source} (ISO 639-1) into {@code target}. */
    boolean supports(String source, String target);

    /** One translation per text, in order. */
    List<String> translate(List<String> texts, String source, String target);

    /** Model id for provenance, e.g. {@code apertium:eng-spa}. */
    String modelId(String source, String target);

    /** Model version for provenance. */
    String modelVersion(String source, String target);

    @Override
    void close();
}
