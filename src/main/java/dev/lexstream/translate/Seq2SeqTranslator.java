package dev.lexstream.translate;

import dev.lexstream.inference.GenerationOptions;
import dev.lexstream.inference.Seq2SeqModel;
import java.util.List;

/**
 * The {@code model} backend: a seq2seq model translates; {@code {target}} in the prompt becomes
 * the target language (e.g. {@code ">>{target}<< "} for multilingual Marian models). The model
 * decides which pairs it knows, so every pair is accepted.
 */
public final class Seq2SeqTranslator implements TranslationBackend {

    private final Seq2SeqModel model;
    private final String prompt;
    private final GenerationOptions options;
    private final Integer maxInputTokens;

    public Seq2SeqTranslator(Seq2SeqModel model, String prompt, GenerationOptions options) {
        this(model, prompt, options, null);
    }

    /** @param maxInputTokens inputs are cut to this many tokens; null: the model's limit */
    public Seq2SeqTranslator(Seq2SeqModel model, String prompt, GenerationOptions options, Integer maxInputTokens) {
        this.maxInputTokens = maxInputTokens;
        this.model = model;
        this.prompt = prompt == null ? "" : prompt;
        this.options = options;
    }

    @Override
    public boolean supports(String source, String target) {
        return true;
    }

    @Override
    public List<String> translate(List<String> texts, String source, String target) {
        return model.generate(texts, prompt.replace("{target}", target).replace("{source}", source), options, maxInputTokens).stream()
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
