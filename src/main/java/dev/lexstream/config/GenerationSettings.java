package dev.lexstream.config;

/**
 * {@code generation:} of a generative summarize or model-backed translate task: how the
 * encoder-decoder model decodes. Absent keys take the model's own {@code generation_config.json}
 * values, then these defaults.
 *
 * @param maxNewTokens      most tokens generated per text (null: model's, else 128)
 * @param numBeams          1 = greedy search, more = beam search (null: model's, else 1)
 * @param lengthPenalty     beam search: hypothesis score = sum log p / length^lengthPenalty (null: model's, else 1.0)
 * @param noRepeatNgramSize never repeat an n-gram of this size; 0 = off (null: model's, else 0)
 * @param maxInputTokens    longer inputs are truncated (null: 512)
 */
public record GenerationSettings(Integer maxNewTokens, Integer numBeams, Double lengthPenalty,
                                 Integer noRepeatNgramSize, Integer maxInputTokens) {

    /** Nothing set: the model's generation config and the built-in defaults decide. */
    public static GenerationSettings defaults() {
        return new GenerationSettings(null, null, null, null, null);
    }
}
