package dev.lexstream.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code pipelines[].summarize} and {@code pipelines[].translate}. */
class GenerativeTaskConfigTest {

    private static final String HEAD = """
            models:
              minilm: { source: builtin:all-minilm-l6-v2-q }
              t5: { source: /models/t5 }
            pipelines:
              - name: news
                input: news.raw
            """;

    private static PipelineSettings pipeline(String extra) {
        return ConfigLoader.parse(HEAD + extra.indent(4), "test.yaml", Map.of()).pipelines().get(0);
    }

    private static ConfigException error(String extra) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> pipeline(extra));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").startsWith(e.path() + ": ").contains("; ");
        return e;
    }

    @Test
    void designExampleSummarizeAndTranslate() {
        PipelineSettings p = pipeline("""
                summarize: { model: minilm, method: extractive, maxSentences: 2 }
                translate: { backend: apertium, target: es }
                """);
        SummarizeSettings s = p.summarize();
        assertThat(s.model()).isEqualTo("minilm");
        assertThat(s.method()).isEqualTo(SummarizeSettings.Method.EXTRACTIVE);
        assertThat(s.ranking()).isEqualTo(SummarizeSettings.Ranking.MMR);
        assertThat(s.maxSentences()).isEqualTo(2);
        assertThat(s.maxRatio()).isNull();
        assertThat(s.diversity()).isEqualTo(0.7);
        TranslateSettings t = p.translate();
        assertThat(t.backend()).isEqualTo(TranslateSettings.Backend.APERTIUM);
        assertThat(t.target()).isEqualTo("es");
        assertThat(t.detects()).isTrue();
        assertThat(t.languages()).containsExactlyElementsOf(TranslateSettings.DEFAULT_LANGUAGES);
        assertThat(t.model()).isNull();
    }

    @Test
    void absentSectionsAreNull() {
        PipelineSettings p = pipeline("");
        assertThat(p.summarize()).isNull();
        assertThat(p.translate()).isNull();
    }

    @Test
    void generativeTasksWithDecodingSettings() {
        PipelineSettings p = pipeline("""
                summarize:
                  model: t5
                  method: generative
                  prompt: "summarize: "
                  generation: { maxNewTokens: 60, numBeams: 4, lengthPenalty: 2.0, noRepeatNgramSize: 3 }
                translate: { backend: model, model: t5, target: de, source: en, prompt: ">>{target}<< ",
                             languages: [en, de], generation: { numBeams: 2, maxInputTokens: 256 } }
                """);
        assertThat(p.summarize().method()).isEqualTo(SummarizeSettings.Method.GENERATIVE);
        assertThat(p.summarize().prompt()).isEqualTo("summarize: ");
        assertThat(p.summarize().generation()).isEqualTo(new GenerationSettings(60, 4, 2.0, 3, null));
        assertThat(p.translate().backend()).isEqualTo(TranslateSettings.Backend.MODEL);
        assertThat(p.translate().model()).isEqualTo("t5");
        assertThat(p.translate().source()).isEqualTo("en");
        assertThat(p.translate().detects()).isFalse();
        assertThat(p.translate().languages()).containsExactly("en", "de");
        assertThat(p.translate().generation()).isEqualTo(new GenerationSettings(null, 2, null, null, 256));
    }

    @Test
    void extractiveLimits() {
        SummarizeSettings s = pipeline("summarize: { model: minilm, ranking: centrality, maxSentences: 3, maxRatio: 0.25,"
                + " diversity: 1 }\n").summarize();
        assertThat(s.ranking()).isEqualTo(SummarizeSettings.Ranking.CENTRALITY);
        assertThat(s.maxSentences()).isEqualTo(3);
        assertThat(s.maxRatio()).isEqualTo(0.25);
        assertThat(s.diversity()).isEqualTo(1.0);
    }

    @Test
    void summarizeErrorsNameTheKey() {
        assertThat(error("summarize: { method: extractive }\n").getMessage()).isEqualTo(
                "pipelines[0].summarize.model: missing required key; required: a key of models (defined models: minilm, t5)");
        assertThat(error("summarize: { model: bert }\n").getMessage()).isEqualTo(
                "pipelines[0].summarize.model: unknown model 'bert'; defined models: minilm, t5");
        assertThat(error("summarize: { model: minilm, method: abstractive }\n").getMessage()).isEqualTo(
                "pipelines[0].summarize.method: 'abstractive' is not allowed; allowed: extractive, generative");
        assertThat(error("summarize: { model: minilm, ranking: pagerank }\n").getMessage()).isEqualTo(
                "pipelines[0].summarize.ranking: 'pagerank' is not allowed; allowed: mmr, centrality");
        assertThat(error("summarize: { model: minilm, maxSentences: 0 }\n").getMessage()).isEqualTo(
                "pipelines[0].summarize.maxSentences: 0 is too small; allowed: an integer >= 1");
        assertThat(error("summarize: { model: minilm, maxRatio: 1.5 }\n").getMessage()).isEqualTo(
                "pipelines[0].summarize.maxRatio: 1.5 is out of range; allowed: a number > 0 and <= 1");
        assertThat(error("summarize: { model: minilm, diversity: -0.1 }\n").path())
                .isEqualTo("pipelines[0].summarize.diversity");
        assertThat(error("summarize: { model: minilm, prompt: 'x' }\n").getMessage()).isEqualTo(
                "pipelines[0].summarize.prompt: is not used with method: extractive; allowed only with method: generative");
        assertThat(error("summarize: { model: t5, method: generative, maxSentences: 2 }\n").getMessage()).isEqualTo(
                "pipelines[0].summarize.maxSentences: is not used with method: generative; allowed only with method: extractive");
        assertThat(error("summarize: { model: t5, method: generative, generation: { numBeams: 0 } }\n").getMessage())
                .isEqualTo("pipelines[0].summarize.generation.numBeams: 0 is too small; allowed: an integer >= 1");
        assertThat(error("summarize: { model: t5, method: generative, generation: { beams: 2 } }\n").path())
                .isEqualTo("pipelines[0].summarize.generation.beams");
        assertThat(error("summarize: { model: minilm, sentences: 2 }\n").getMessage())
                .startsWith("pipelines[0].summarize.sentences: unknown key 'sentences'; allowed keys: model, method");
    }

    @Test
    void translateErrorsNameTheKey() {
        assertThat(error("translate: { backend: apertium }\n").getMessage()).isEqualTo(
                "pipelines[0].translate.target: missing required key; required: the default target language (ISO 639-1, e.g. es)");
        assertThat(error("translate: { target: Spanish }\n").getMessage()).isEqualTo(
                "pipelines[0].translate.target: 'Spanish' is not valid; allowed: an ISO 639-1 language code in lower case (e.g. es)");
        assertThat(error("translate: { backend: google, target: es }\n").getMessage()).isEqualTo(
                "pipelines[0].translate.backend: 'google' is not allowed; allowed: apertium, model");
        assertThat(error("translate: { backend: model, target: es }\n").path()).isEqualTo("pipelines[0].translate.model");
        assertThat(error("translate: { backend: apertium, target: es, model: t5 }\n").getMessage()).isEqualTo(
                "pipelines[0].translate.model: is not used with backend: apertium; allowed only with backend: model");
        assertThat(error("translate: { target: es, source: english }\n").path()).isEqualTo("pipelines[0].translate.source");
        // well-formed codes of no language: records asking for them are refused, so the config must be too
        assertThat(error("translate: { target: xx }\n").getMessage()).isEqualTo(
                "pipelines[0].translate.target: 'xx' is not valid; allowed: an ISO 639-1 language code in lower case (e.g. es)");
        assertThat(error("translate: { target: es, source: qqq }\n").path()).isEqualTo("pipelines[0].translate.source");
        assertThat(error("translate: { target: es, languages: [en] }\n").getMessage()).isEqualTo(
                "pipelines[0].translate.languages: has 1 language; required: at least 2 candidate languages for detection");
        assertThat(error("translate: { target: es, languages: [en, EN] }\n").path())
                .isEqualTo("pipelines[0].translate.languages[1]");
    }

    @Test
    void languagesNeedTwoDistinctLanguagesTheDetectorKnows() {
        assertThat(error("translate: { target: es, languages: [en, en] }\n").getMessage()).isEqualTo(
                "pipelines[0].translate.languages: has 2 entries but only 1 distinct language (en); "
                        + "required: at least 2 candidate languages for detection");
        ConfigException unknown = error("translate: { target: es, languages: [en, xx] }\n");
        assertThat(unknown.path()).isEqualTo("pipelines[0].translate.languages[1]");
        assertThat(unknown.getMessage()).startsWith(
                "pipelines[0].translate.languages[1]: 'xx' is not a language detection knows; allowed: af, ar, az, ")
                .contains(", en, ", ", es, ", ", zu");
    }

    @Test
    void languagesAreDeduplicatedInOrder() {
        assertThat(pipeline("translate: { target: es, languages: [en, es, en] }\n").translate().languages())
                .isEqualTo(List.of("en", "es"));
    }
}
