package dev.lexstream.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Validates a pipeline's {@code safety:} section; errors name the key path, like the rest of the config. */
final class SafetyValidator {

    private static final String ACTIONS = Arrays.stream(SafetyAction.values()).map(SafetyAction::yamlName)
            .collect(Collectors.joining(", "));

    private SafetyValidator() {
    }

    static SafetySettings safety(RawConfig.Safety s, String path, Map<String, ModelSettings> models) {
        LinkedHashMap<String, SafetyAction> input = new LinkedHashMap<>();
        if (s.input() != null) {
            pii(s.input().pii(), path + ".input.pii", input);
            put(input, SafetySettings.PROMPT_INJECTION, s.input().promptInjection(), path + ".input.promptInjection");
            put(input, SafetySettings.TOXICITY, s.input().toxicity(), path + ".input.toxicity");
        }
        LinkedHashMap<String, SafetyAction> output = new LinkedHashMap<>();
        RawConfig.SafetyOutput o = s.output();
        if (o != null) {
            String op = path + ".output";
            put(output, "output.toxicity", o.toxicity(), op + ".toxicity");
            put(output, "output.unfaithful", o.unfaithful(), op + ".unfaithful");
            put(output, "output.language", o.language(), op + ".language");
            put(output, "output.empty", o.empty(), op + ".empty");
            put(output, "output.length", o.length(), op + ".length");
            for (Map.Entry<String, SafetyAction> e : output.entrySet()) {
                if (e.getValue() == SafetyAction.REDACT) {
                    String key = e.getKey().substring("output.".length());
                    throw new ConfigException(op + "." + key, "'redact' is not allowed for generated text; "
                            + "allowed: allow, flag, quarantine, drop");
                }
            }
        }
        for (String key : new String[] {SafetySettings.PROMPT_INJECTION, SafetySettings.TOXICITY}) {
            if (input.get(key) == SafetyAction.REDACT) {
                String yamlKey = key.equals(SafetySettings.TOXICITY) ? "toxicity" : "promptInjection";
                throw new ConfigException(path + ".input." + yamlKey, "'redact' is not allowed: this finding has "
                        + "no span; allowed: allow, flag, quarantine, drop");
            }
        }
        SafetySettings.Thresholds thresholds = thresholds(s.thresholds(), path + ".thresholds");
        SafetySettings.Redaction redaction = redaction(s.redaction(), path + ".redaction");
        SafetyAction onError = SafetyAction.QUARANTINE;
        if (s.onDetectorError() != null) {
            onError = action(s.onDetectorError(), path + ".onDetectorError");
            if (onError == SafetyAction.REDACT) {
                throw new ConfigException(path + ".onDetectorError", "'redact' is not allowed; allowed: allow, flag, "
                        + "quarantine, drop (a failed PII detector redacts the whole text when pii is redact)");
            }
        }
        SafetySettings.Training training = new SafetySettings.Training(null, null);
        if (s.training() != null) {
            training = new SafetySettings.Training(
                    file(s.training().promptInjection(), path + ".training.promptInjection"),
                    file(s.training().toxicity(), path + ".training.toxicity"));
        }
        String definedModels = models.isEmpty() ? "(none)" : String.join(", ", models.keySet());
        String model = s.model() == null ? null : s.model().strip();
        SafetySettings settings = new SafetySettings(input, output, thresholds, redaction, onError, model, training);
        if (model != null && !models.containsKey(model)) {
            throw new ConfigException(path + ".model", "unknown model '" + model + "'; defined models: " + definedModels);
        }
        if (model == null && settings.needsModel()) {
            throw new ConfigException(path + ".model", "missing; required when input.promptInjection, input.toxicity, "
                    + "output.toxicity or output.unfaithful is checked: a key of models (defined models: "
                    + definedModels + ")");
        }
        return settings;
    }

    private static void pii(JsonNode pii, String path, Map<String, SafetyAction> into) {
        if (pii == null || pii.isNull()) {
            return;
        }
        String allowedKeys = String.join(", ", SafetySettings.PII_KEYS.keySet());
        if (pii.isTextual()) {
            SafetyAction a = action(pii.asText(), path);
            SafetySettings.PII_KEYS.values().forEach(category -> into.put(category, a));
            return;
        }
        if (!pii.isObject()) {
            throw new ConfigException(path, "got " + ConfigLoader.describe(pii) + "; expected: an action ("
                    + ACTIONS + ") for every PII type, or a map of PII type: action (types: " + allowedKeys + ")");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = pii.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String fp = ConfigPaths.key(path, f.getKey());
            String category = SafetySettings.PII_KEYS.get(f.getKey());
            if (category == null) {
                throw new ConfigException(fp, "unknown PII type '" + f.getKey() + "'; allowed keys: " + allowedKeys);
            }
            if (!f.getValue().isTextual()) {
                throw new ConfigException(fp, "got " + (f.getValue().isNull() ? "an empty value"
                        : ConfigLoader.describe(f.getValue())) + "; expected: an action (" + ACTIONS + ")");
            }
            into.put(category, action(f.getValue().asText(), fp));
        }
    }

    private static void put(Map<String, SafetyAction> into, String category, String value, String path) {
        if (value != null) {
            into.put(category, action(value, path));
        }
    }

    private static SafetyAction action(String value, String path) {
        try {
            return SafetyAction.parse(value.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, ConfigLoader.quote(value.strip()) + " is not allowed; allowed: " + ACTIONS);
        }
    }

    private static SafetySettings.Thresholds thresholds(RawConfig.SafetyThresholds t, String path) {
        SafetySettings.Thresholds d = SafetySettings.Thresholds.defaults();
        if (t == null) {
            return d;
        }
        return new SafetySettings.Thresholds(
                unit(t.pii(), d.pii(), path + ".pii"),
                unit(t.promptInjection(), d.promptInjection(), path + ".promptInjection"),
                unit(t.toxicity(), d.toxicity(), path + ".toxicity"),
                unit(t.outputToxicity(), d.outputToxicity(), path + ".outputToxicity"),
                unit(t.summaryFaithfulness(), d.summaryFaithfulness(), path + ".summaryFaithfulness"),
                unit(t.translationFaithfulness(), d.translationFaithfulness(), path + ".translationFaithfulness"),
                unit(t.language(), d.language(), path + ".language"),
                positive(t.maxLengthRatio(), d.maxLengthRatio(), path + ".maxLengthRatio"));
    }

    private static double unit(Double value, double dflt, String path) {
        if (value == null) {
            return dflt;
        }
        if (value.isNaN() || value < 0 || value > 1) {
            throw new ConfigException(path, value + " is out of range; allowed: a number from 0 to 1");
        }
        return value;
    }

    private static double positive(Double value, double dflt, String path) {
        if (value == null) {
            return dflt;
        }
        if (value.isNaN() || value.isInfinite() || value <= 0) {
            throw new ConfigException(path, value + " is out of range; allowed: a number > 0");
        }
        return value;
    }

    private static SafetySettings.Redaction redaction(RawConfig.SafetyRedaction r, String path) {
        if (r == null) {
            return SafetySettings.Redaction.defaults();
        }
        SafetySettings.Redaction.Mode mode = SafetySettings.Redaction.Mode.TYPE;
        if (r.mode() != null) {
            String m = r.mode().strip();
            mode = Arrays.stream(SafetySettings.Redaction.Mode.values()).filter(v -> v.yamlName().equals(m)).findFirst()
                    .orElseThrow(() -> new ConfigException(path + ".mode", ConfigLoader.quote(m)
                            + " is not allowed; allowed: type, mask, hash"));
        }
        if (r.mask() != null && (r.mask().isEmpty() || r.mask().codePointCount(0, r.mask().length()) > 8)) {
            throw new ConfigException(path + ".mask", ConfigLoader.quote(r.mask())
                    + " is not valid; allowed: 1 to 8 characters");
        }
        String salt = r.salt();
        if (mode == SafetySettings.Redaction.Mode.HASH && (salt == null || salt.length() < 16)) {
            throw new ConfigException(path + ".salt", (salt == null ? "missing" : "too short")
                    + "; required with mode hash: a secret of at least 16 characters (keeps hashes from being "
                    + "reversed by guessing)");
        }
        return new SafetySettings.Redaction(mode, r.mask(), salt);
    }

    private static String file(String value, String path) {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new ConfigException(path, "is empty; required: the path of a text,label CSV or JSON-lines file");
        }
        return value.strip();
    }
}
