package dev.lexstream.translate;

import dev.lexstream.inference.GenerationOptions;
import dev.lexstream.inference.Seq2SeqModel;
import java.util.List;

/**
 * The {@code model} backend: a seq2seq model translates; {@code {target}} in the prompt becomes
 * the target language (e.g. {@code ">>{target}<< "} for multilingual Marian models), and then the
 * model decides which targets it knows. A prompt without {@code {target}} means a model with one
 * output language (opus-mt-en-es writes Spanish whatever a record asks for): only the configured
 * target is supported, so a record asking for another is left untranslated rather than given a
 * translation labelled with a language it is not in.
 */
public final class Seq2SeqTranslator implements TranslationBackend {

    private static final String TARGET = "{target}";

    private final Seq2SeqModel model;
    private final String prompt;
    private final GenerationOptions options;
    private final Integer maxInputTokens;
    private final String target;

    /**
     * @param maxInputTokens inputs are cut to this many tokens; null: the model's limit
     * @param target         the configured target: the only one a prompt without {@code {target}} supports
     */
    public Seq2SeqTranslator(Seq2SeqModel model, String prompt, GenerationOptions options, Integer maxInputTokens,
                             String target) {
        this.maxInputTokens = maxInputTokens;
        this.model = model;
        this.prompt = prompt == null ? "" : prompt;
        this.options = options;
        this.target = target;
    }

    @Override
    public boolean supports(String source, String target) {
        return prompt.contains(TARGET) || target.equals(this.target);
    }

    @Override
    public List<String> translate(List<String> texts, String source, String target) {
        return model.generate(texts, prompt.replace(TARGET, target).replace("{source}", source), options, maxInputTokens).stream()
                .map(Seq2SeqModel.Generation::text).toList();
    }

    @Override
    public String modelId(String source, String target) {
        return model.modelId();
    }

    @Override
    public String modelVersion(String source, String target) {
        return model.modelVersion();
    }

    /** The model is shared and closed by its owner. */
    @Override
    public void close() {
    }
}
