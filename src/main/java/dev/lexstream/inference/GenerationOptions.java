// How one generate call decodes.
package dev.lexstream.inference;

/**
 * Decoding settings of one {@link Seq2SeqGenerator} call.
 *
 * @param maxNewTokens      most tokens generated per input (EOS included)
 * @param numBeams          1 = greedy search; more = beam search
 * @param lengthPenalty     beam search: a finished hypothesis scores sum(log p) / length^lengthPenalty,
 *                          length = generated tokens including EOS
 * @param noRepeatNgramSize no n-gram of this size occurs twice in an output (the decoder start token counts); 0 = off
 * @param earlyStopping     beam search: stop an input as soon as it has numBeams finished hypotheses (true), or
 *                          when no running beam can still beat the worst of them (false, the default)
 */
public record GenerationOptions(int maxNewTokens, int numBeams, double lengthPenalty, int noRepeatNgramSize,
                                boolean earlyStopping) {

    public GenerationOptions {
        if (maxNewTokens < 1 || numBeams < 1 || noRepeatNgramSize < 0) {
            throw new IllegalArgumentException("maxNewTokens and numBeams must be >= 1 and noRepeatNgramSize >= 0");
        }
    }

    public static GenerationOptions greedy(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, 1, 1.0, 0, false);
    }
}
