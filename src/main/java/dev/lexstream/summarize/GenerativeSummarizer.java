package dev.lexstream.summarize;

import dev.lexstream.config.GenerationSettings;
import dev.lexstream.inference.GenerationOptions;
import dev.lexstream.inference.Seq2SeqModel;
import java.util.List;

/** Abstractive summaries from a seq2seq model, e.g. a T5 model with the prompt {@code "summarize: "}. */
public final class GenerativeSummarizer implements Summarizer {

    private final Seq2SeqModel model;
    private final String prompt;
    private final GenerationOptions options;
    private final Integer maxInputTokens;

    public GenerativeSummarizer(Seq2SeqModel model, String prompt, GenerationOptions options) {
        this(model, prompt, options, null);
    }

    /** @param maxInputTokens inputs are cut to this many tokens; null: the model's limit */
    public GenerativeSummarizer(Seq2SeqModel model, String prompt, GenerationOptions options, Integer maxInputTokens) {
        this.maxInputTokens = maxInputTokens;
        this.model = model;
        this.prompt = prompt == null ? "" : prompt;
        this.options = options;
    }

    /** The model's own decoding defaults with what the config sets on top. */
    public static GenerationOptions options(Seq2SeqModel model, GenerationSettings s) {
        GenerationOptions d = model.defaults();
        return new GenerationOptions(
                s.maxNewTokens() != null ? s.maxNewTokens() : d.maxNewTokens(),
                s.numBeams() != null ? s.numBeams() : d.numBeams(),
                s.lengthPenalty() != null ? s.lengthPenalty() : d.lengthPenalty(),
                s.noRepeatNgramSize() != null ? s.noRepeatNgramSize() : d.noRepeatNgramSize(),
                d.earlyStopping());
    }

    @Override
    public List<String> summarize(List<String> texts, List<String> langs) {
        return model.generate(texts, prompt, options, maxInputTokens).stream().map(Seq2SeqModel.Generation::text).toList();
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public String modelVersion() {
        return model.modelVersion();
    }
}
