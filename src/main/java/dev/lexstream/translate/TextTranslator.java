package dev.lexstream.translate;

import dev.lexstream.config.LanguageTags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The translate task: picks each text's source and target language, skips texts already in the
 * target language, and sends the rest to the backend grouped by language pair (one backend call
 * per pair per batch).
 *
 * <p>Source language: the record's {@code lang}, else the configured fixed source, else the
 * detected language; when detection cannot decide, English. Target: the record's
 * {@code targetLang}, else the pipeline's. Both count only by their language ("pt-BR" is pt, see
 * {@link LanguageTags}): a {@code lang} that names no known language is ignored, a
 * {@code targetLang} that names none is not translated into. A pair the backend cannot translate
 * is skipped (no translation, a warning with the record position only).
 */
public final class TextTranslator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TextTranslator.class);
    static final String FALLBACK_SOURCE = "en";
    /** Why a record whose targetLang names no known language is not translated. */
    static final String UNKNOWN_TARGET = "no translation: targetLang is not a known language code";

    /** One text to translate with the record's own language settings (either may be null). */
    public record Request(String text, String lang, String targetLang) {}

    /**
     * Outcome for one request: {@code text} is null when nothing was translated ({@code reason}
     * says why); {@code batchSize} and {@code millis} describe the backend call it was part of.
     */
    public record Result(String source, String target, String text, String modelId, String modelVersion, int batchSize,
                         double millis, String reason) {
        public boolean translated() {
            return text != null;
        }
    }

    private final TranslationBackend backend;
    private final LanguageDetection detection;
    private final String fixedSource;
    private final String defaultTarget;

    /**
     * @param detection   null when the source is fixed
     * @param fixedSource null to detect
     */
    public TextTranslator(TranslationBackend backend, LanguageDetection detection, String fixedSource, String defaultTarget) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.detection = detection;
        this.fixedSource = fixedSource;
        this.defaultTarget = Objects.requireNonNull(defaultTarget, "defaultTarget");
    }

    public String defaultTarget() {
        return defaultTarget;
    }

    String source(Request r) {
        Optional<String> lang = LanguageTags.language(r.lang());
        if (lang.isPresent()) {
            return lang.get();
        }
        if (fixedSource != null) {
            return fixedSource;
        }
        return detection == null ? FALLBACK_SOURCE : detection.detect(r.text()).orElse(FALLBACK_SOURCE);
    }

    /**
     * Empty when the record's targetLang names no known language. The target is pasted into a
     * model's prompt and becomes a metric tag ({@code translate:<target>}), so it must be one of a
     * bounded set of plain codes whatever the record holds.
     */
    Optional<String> target(Request r) {
        return r.targetLang() == null || r.targetLang().isBlank() ? Optional.of(defaultTarget)
                : LanguageTags.language(r.targetLang());
    }

    public List<Result> translate(List<Request> requests) {
        Result[] out = new Result[requests.size()];
        Map<List<String>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            String source = source(r);
            String target = target(r).orElse(null);
            if (target == null) {
                out[i] = new Result(source, null, null, null, null, 0, 0, UNKNOWN_TARGET);
            } else if (source.equals(target)) {
                out[i] = new Result(source, target, null, null, null, 0, 0, "already in the target language");
            } else if (!backend.supports(source, target)) {
                out[i] = new Result(source, target, null, null, null, 0, 0, "no " + source + "->" + target + " translation");
            } else {
                groups.computeIfAbsent(List.of(source, target), k -> new ArrayList<>()).add(i);
            }
        }
        for (Map.Entry<List<String>, List<Integer>> g : groups.entrySet()) {
            String source = g.getKey().get(0);
            String target = g.getKey().get(1);
            List<String> texts = g.getValue().stream().map(i -> requests.get(i).text()).toList();
            long start = System.nanoTime();
            List<String> translated = backend.translate(texts, source, target);
            double millis = (System.nanoTime() - start) / 1e6;
            for (int j = 0; j < texts.size(); j++) {
                out[g.getValue().get(j)] = new Result(source, target, translated.get(j), backend.modelId(source, target),
                        backend.modelVersion(source, target), texts.size(), millis, null);
            }
        }
        long unsupported = Arrays.stream(out).filter(r -> r.reason() != null && r.reason().startsWith("no ")).count();
        if (unsupported > 0) {
            LOG.warn("{} of {} texts not translated: their language pair is not available", unsupported, requests.size());
        }
        return Arrays.asList(out);
    }

    @Override
    public void close() {
        backend.close();
    }
}
