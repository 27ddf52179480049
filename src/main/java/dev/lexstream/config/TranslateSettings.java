package dev.lexstream.config;

import com.github.pemistahl.lingua.api.IsoCode639_1;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code translate:} of a pipeline (task name {@code translate}; runs are recorded as
 * {@code translate:<target>}). A record's {@code targetLang} overrides {@code target}; its
 * {@code lang} overrides detection. Texts already in the target language are not translated.
 *
 * @param backend    apertium (external rule-based process) or model (a seq2seq model directory)
 * @param target     default target language (ISO 639-1, e.g. {@code es})
 * @param source     source language when the record has no {@code lang}: {@code auto} detects it among {@code languages}
 * @param languages  candidate languages for detection (ISO 639-1)
 * @param model      backend model: a key of {@code models:}
 * @param prompt     backend model: text put before the input; {@code {target}} is replaced by the target
 *                   language, e.g. {@code ">>{target}<< "} for multilingual Marian models
 * @param generation backend model: decoding settings
 */
public record TranslateSettings(Backend backend, String target, String source, List<String> languages, String model,
                                String prompt, GenerationSettings generation) {

    public static final String AUTO = "auto";
    public static final List<String> DEFAULT_LANGUAGES = List.of("en", "es", "ca", "fr", "de", "it", "pt");

    /**
     * What {@code languages} may hold: the ISO 639-1 codes of the languages Lingua, the detector,
     * has models for, sorted. Taken from Lingua itself so that config validation and detection
     * cannot disagree.
     */
    public static final List<String> DETECTABLE_LANGUAGES = Arrays.stream(IsoCode639_1.values())
            .filter(c -> c != IsoCode639_1.NONE).map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList();

    public enum Backend {
        APERTIUM("apertium"), MODEL("model");

        private final String yamlName;

        Backend(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }

    public TranslateSettings {
        backend = backend == null ? Backend.APERTIUM : backend;
        source = source == null ? AUTO : source;
        languages = languages == null ? DEFAULT_LANGUAGES : List.copyOf(languages);
        prompt = prompt == null ? "" : prompt;
        generation = generation == null ? GenerationSettings.defaults() : generation;
    }

    /** True when the source language is detected rather than fixed. */
    public boolean detects() {
        return AUTO.equals(source);
    }
}
