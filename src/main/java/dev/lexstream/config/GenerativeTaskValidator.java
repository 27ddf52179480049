package dev.lexstream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Validates a pipeline's {@code summarize:} and {@code translate:} sections; errors name the key path. */
final class GenerativeTaskValidator {

    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");
    private static final String LANGUAGE_ALLOWED = "allowed: an ISO 639-1 language code in lower case (e.g. es)";

    private GenerativeTaskValidator() {
    }

    static SummarizeSettings summarize(RawConfig.Summarize s, String path, Map<String, ModelSettings> models) {
        if (s == null) {
            return null;
        }
        String model = model(s.model(), path + ".model", models);
        SummarizeSettings.Method method = s.method() == null ? SummarizeSettings.Method.EXTRACTIVE
                : ConfigValidator.oneOf(SummarizeSettings.Method.values(), SummarizeSettings.Method::yamlName,
                        s.method(), path + ".method");
        boolean extractive = method == SummarizeSettings.Method.EXTRACTIVE;
        String only = extractive ? "method: extractive; allowed only with method: generative"
                : "method: generative; allowed only with method: extractive";
        if (extractive) {
            forbid(s.prompt(), path + ".prompt", only);
            forbid(s.generation(), path + ".generation", only);
        } else {
            forbid(s.ranking(), path + ".ranking", only);
            forbid(s.maxSentences(), path + ".maxSentences", only);
            forbid(s.maxRatio(), path + ".maxRatio", only);
            forbid(s.diversity(), path + ".diversity", only);
        }
        SummarizeSettings.Ranking ranking = s.ranking() == null ? SummarizeSettings.Ranking.MMR
                : ConfigValidator.oneOf(SummarizeSettings.Ranking.values(), SummarizeSettings.Ranking::yamlName,
                        s.ranking(), path + ".ranking");
        int maxSentences = ConfigValidator.atLeast1(s.maxSentences(), SummarizeSettings.DEFAULT_MAX_SENTENCES,
                path + ".maxSentences");
        Double maxRatio = s.maxRatio();
        if (maxRatio != null && !(maxRatio > 0 && maxRatio <= 1)) {
            throw new ConfigException(path + ".maxRatio", maxRatio + " is out of range; allowed: a number > 0 and <= 1");
        }
        double diversity = s.diversity() == null ? SummarizeSettings.DEFAULT_DIVERSITY : s.diversity();
        if (!(diversity >= 0 && diversity <= 1)) {
            throw new ConfigException(path + ".diversity", diversity + " is out of range; allowed: a number from 0 to 1");
        }
        return new SummarizeSettings(model, method, ranking, maxSentences, maxRatio, diversity, s.prompt(),
                generation(s.generation(), path + ".generation"));
    }

    static TranslateSettings translate(RawConfig.Translate t, String path, Map<String, ModelSettings> models) {
        if (t == null) {
            return null;
        }
        TranslateSettings.Backend backend = t.backend() == null ? TranslateSettings.Backend.APERTIUM
                : ConfigValidator.oneOf(TranslateSettings.Backend.values(), TranslateSettings.Backend::yamlName,
                        t.backend(), path + ".backend");
        String target = language(ConfigValidator.required(t.target(), path + ".target",
                "the default target language (ISO 639-1, e.g. es)"), path + ".target");
        String source = t.source() == null ? TranslateSettings.AUTO : t.source().strip();
        if (!source.equals(TranslateSettings.AUTO) && !isLanguage(source)) {
            throw new ConfigException(path + ".source", ConfigValidator.invalid(source)
                    + "; allowed: auto (detect) or an ISO 639-1 language code (e.g. en)");
        }
        List<String> languages = null;
        if (t.languages() != null) {
            if (t.languages().size() < 2) {
                throw new ConfigException(path + ".languages", "has " + t.languages().size()
                        + " language" + (t.languages().size() == 1 ? "" : "s")
                        + "; required: at least 2 candidate languages for detection");
            }
            languages = new ArrayList<>();
            for (int i = 0; i < t.languages().size(); i++) {
                String lp = ConfigPaths.index(path + ".languages", i);
                String lang = t.languages().get(i);
                if (lang == null) {
                    throw new ConfigException(lp, "is empty; " + LANGUAGE_ALLOWED);
                }
                if (!LANGUAGE.matcher(lang.strip()).matches()) {
                    throw new ConfigException(lp, ConfigValidator.invalid(lang.strip()) + "; " + LANGUAGE_ALLOWED);
                }
                if (!TranslateSettings.DETECTABLE_LANGUAGES.contains(lang.strip())) {
                    throw new ConfigException(lp, ConfigLoader.quote(lang.strip()) + " is not a language detection "
                            + "knows; allowed: " + String.join(", ", TranslateSettings.DETECTABLE_LANGUAGES));
                }
                if (!languages.contains(lang.strip())) {
                    languages.add(lang.strip());
                }
            }
            if (languages.size() < 2) {
                throw new ConfigException(path + ".languages", "has " + t.languages().size() + " entries but only "
                        + languages.size() + " distinct language (" + languages.get(0)
                        + "); required: at least 2 candidate languages for detection");
            }
        }
        String model = null;
        if (backend == TranslateSettings.Backend.MODEL) {
            model = model(t.model(), path + ".model", models);
        } else {
            String only = "backend: apertium; allowed only with backend: model";
            forbid(t.model(), path + ".model", only);
            forbid(t.prompt(), path + ".prompt", only);
            forbid(t.generation(), path + ".generation", only);
        }
        return new TranslateSettings(backend, target, source, languages, model, t.prompt(),
                generation(t.generation(), path + ".generation"));
    }

    private static GenerationSettings generation(RawConfig.Generation g, String path) {
        if (g == null) {
            return GenerationSettings.defaults();
        }
        Integer maxNewTokens = g.maxNewTokens() == null ? null
                : ConfigValidator.atLeast1(g.maxNewTokens(), 1, path + ".maxNewTokens");
        Integer numBeams = g.numBeams() == null ? null : ConfigValidator.atLeast1(g.numBeams(), 1, path + ".numBeams");
        if (numBeams != null && numBeams > 64) {
            throw new ConfigException(path + ".numBeams", numBeams + " is too large; allowed: 1 to 64");
        }
        Double lengthPenalty = g.lengthPenalty();
        if (lengthPenalty != null && !Double.isFinite(lengthPenalty)) {
            throw new ConfigException(path + ".lengthPenalty", lengthPenalty + " is not finite; allowed: a number");
        }
        Integer noRepeat = g.noRepeatNgramSize();
        if (noRepeat != null && noRepeat < 0) {
            throw new ConfigException(path + ".noRepeatNgramSize", noRepeat + " is too small; allowed: 0 (off) or an integer >= 1");
        }
        Integer maxInputTokens = g.maxInputTokens() == null ? null
                : ConfigValidator.atLeast1(g.maxInputTokens(), 1, path + ".maxInputTokens");
        return new GenerationSettings(maxNewTokens, numBeams, lengthPenalty, noRepeat, maxInputTokens);
    }

    private static String model(String value, String path, Map<String, ModelSettings> models) {
        String defined = models.isEmpty() ? "(none)" : String.join(", ", models.keySet());
        String model = ConfigValidator.required(value, path, "a key of models (defined models: " + defined + ")");
        if (!models.containsKey(model)) {
            throw new ConfigException(path, "unknown model '" + model + "'; defined models: " + defined);
        }
        return model;
    }

    private static String language(String lang, String path) {
        if (!isLanguage(lang)) {
            throw new ConfigException(path, ConfigValidator.invalid(lang) + "; " + LANGUAGE_ALLOWED);
        }
        return lang;
    }

    /**
     * A code as records' languages are read ({@link LanguageTags}): a target such as {@code xx}
     * would otherwise be the default of every record while a record asking for it is refused.
     */
    private static boolean isLanguage(String lang) {
        return LANGUAGE.matcher(lang).matches() && LanguageTags.language(lang).filter(lang::equals).isPresent();
    }

    private static void forbid(Object value, String path, String only) {
        if (value != null) {
            throw new ConfigException(path, "is not used with " + only);
        }
    }
}
