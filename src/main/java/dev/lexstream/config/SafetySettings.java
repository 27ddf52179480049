package dev.lexstream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code safety:} of a pipeline: which categories are checked and what happens to a record with a
 * finding above its threshold. A category whose action is {@code allow} is not checked.
 *
 * @param input           input category &rarr; action; keys {@code pii.email}, {@code pii.phone},
 *                        {@code pii.credit_card}, {@code pii.iban}, {@code pii.ssn}, {@code pii.ip},
 *                        {@code pii.person}, {@code prompt_injection}, {@code toxicity}
 * @param output          output category &rarr; action; keys {@code output.toxicity},
 *                        {@code output.unfaithful}, {@code output.language}, {@code output.empty},
 *                        {@code output.length}
 * @param thresholds      score thresholds and limits
 * @param redaction       how {@code redact} rewrites a span
 * @param onDetectorError what happens to a record when a detector fails on it
 * @param model           key of {@code models} used by the embedding detectors; null when none is needed
 * @param training        labelled example files for the embedding classifiers (null: the shipped examples)
 */
public record SafetySettings(
        Map<String, SafetyAction> input,
        Map<String, SafetyAction> output,
        Thresholds thresholds,
        Redaction redaction,
        SafetyAction onDetectorError,
        String model,
        Training training) {

    /** Input categories, in the order of {@code safety.input.pii}'s keys, then the classifiers. */
    public static final Map<String, String> PII_KEYS = orderedMap(
            "email", "pii.email", "phone", "pii.phone", "creditCard", "pii.credit_card", "iban", "pii.iban",
            "ssn", "pii.ssn", "ip", "pii.ip", "person", "pii.person");
    public static final String PROMPT_INJECTION = "prompt_injection";
    public static final String TOXICITY = "toxicity";
    /** Output keys &rarr; categories. */
    public static final Map<String, String> OUTPUT_KEYS = orderedMap(
            "toxicity", "output.toxicity", "unfaithful", "output.unfaithful", "language", "output.language",
            "empty", "output.empty", "length", "output.length");

    public SafetySettings {
        input = Collections.unmodifiableMap(new LinkedHashMap<>(input));
        output = Collections.unmodifiableMap(new LinkedHashMap<>(output));
        thresholds = thresholds == null ? Thresholds.defaults() : thresholds;
        redaction = redaction == null ? Redaction.defaults() : redaction;
        onDetectorError = onDetectorError == null ? SafetyAction.QUARANTINE : onDetectorError;
        training = training == null ? new Training(null, null) : training;
    }

    /** The configured action of a category, {@code allow} (not checked) when absent. */
    public SafetyAction action(String category) {
        SafetyAction a = input.get(category);
        if (a == null) {
            a = output.get(category);
        }
        return a == null ? SafetyAction.ALLOW : a;
    }

    /** True when a check of this category runs. */
    public boolean checks(String category) {
        return action(category) != SafetyAction.ALLOW;
    }

    /** True when a detector that embeds text (injection, toxicity, output toxicity, faithfulness) runs. */
    public boolean needsModel() {
        return checks(PROMPT_INJECTION) || checks(TOXICITY) || checks("output.toxicity") || checks("output.unfaithful");
    }

    /**
     * @param pii                     minimum score of a PII finding
     * @param promptInjection         minimum score of a prompt-injection finding
     * @param toxicity                minimum score of an input toxicity finding
     * @param outputToxicity          minimum score of an output toxicity finding
     * @param summaryFaithfulness     a summary whose cosine similarity to its source is below this is unfaithful
     * @param translationFaithfulness the same for translations (the builtin model is English-only, so lower)
     * @param language                minimum confidence of the language identifier before output.language fires
     * @param maxLengthRatio          generated text longer than this times its source (plus 64 chars) is runaway
     */
    public record Thresholds(double pii, double promptInjection, double toxicity, double outputToxicity,
                             double summaryFaithfulness, double translationFaithfulness, double language,
                             double maxLengthRatio) {
        public static final double DEFAULT_PII = 0.5;
        public static final double DEFAULT_PROMPT_INJECTION = 0.5;
        public static final double DEFAULT_TOXICITY = 0.5;
        public static final double DEFAULT_OUTPUT_TOXICITY = 0.5;
        public static final double DEFAULT_SUMMARY_FAITHFULNESS = 0.25;
        public static final double DEFAULT_TRANSLATION_FAITHFULNESS = 0.10;
        public static final double DEFAULT_LANGUAGE = 0.8;
        public static final double DEFAULT_MAX_LENGTH_RATIO = 3.0;

        public static Thresholds defaults() {
            return new Thresholds(DEFAULT_PII, DEFAULT_PROMPT_INJECTION, DEFAULT_TOXICITY, DEFAULT_OUTPUT_TOXICITY,
                    DEFAULT_SUMMARY_FAITHFULNESS, DEFAULT_TRANSLATION_FAITHFULNESS, DEFAULT_LANGUAGE,
                    DEFAULT_MAX_LENGTH_RATIO);
        }
    }

    /**
     * @param mode {@code type}: {@code <EMAIL>}; {@code mask}: the span's characters replaced by {@code mask};
     *             {@code hash}: {@code <EMAIL:hex>}, an HMAC-SHA-256 of the span keyed by {@code salt}, so equal
     *             values stay joinable without being readable
     * @param mask the mask character(s), for mode {@code mask}
     * @param salt the HMAC key, required for mode {@code hash}
     */
    public record Redaction(Mode mode, String mask, String salt) {
        public static final String DEFAULT_MASK = "*";

        public enum Mode {
            TYPE("type"), MASK("mask"), HASH("hash");

            private final String yamlName;

            Mode(String yamlName) {
                this.yamlName = yamlName;
            }

            public String yamlName() {
                return yamlName;
            }
        }

        public Redaction {
            mode = mode == null ? Mode.TYPE : mode;
            mask = mask == null ? DEFAULT_MASK : mask;
        }

        public static Redaction defaults() {
            return new Redaction(Mode.TYPE, DEFAULT_MASK, null);
        }

        @Override
        public String toString() {
            return "Redaction[mode=" + mode + ", mask=" + mask + ", salt=" + (salt == null ? "none" : "(set)") + "]";
        }
    }

    /**
     * Labelled example files ({@code text,label} CSV with a header, or JSON lines with {@code text}
     * and {@code label}; label 1 or true = positive) that train the embedding classifiers at start-up
     * instead of the examples shipped with Lexstream. Relative paths are resolved against the working
     * directory.
     */
    public record Training(String promptInjection, String toxicity) {
    }

    private static Map<String, String> orderedMap(String... kv) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
