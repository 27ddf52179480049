// The three network calls of an encoder-decoder model, engine-neutral.
package dev.lexstream.inference;

import java.util.List;

/**
 * Runs the parts of an encoder-decoder model, in the Hugging Face Optimum split: the encoder, the
 * decoder's first step (which also computes the cross-attention keys and values), and the
 * decoder's later steps on the KV cache. Not thread-safe; {@link Seq2SeqModel} serializes calls.
 *
 * <p>The cache is a flat list, four tensors per decoder layer in the order self-attention key,
 * self-attention value, cross-attention key, cross-attention value, each {@code [rows, heads,
 * length, headDim]}.
 */
public interface Seq2SeqBackend extends AutoCloseable {

    /** Logits of the last decoder position per row, and the cache after this step. */
    record Step(float[][] logits, List<Seq2SeqTensor> cache) {}

    /** @return the encoder's last hidden state {@code [rows, length, hidden]} */
    Seq2SeqTensor encode(long[][] inputIds, long[][] attentionMask);

    /** First decoder step: one token per row, attending to the encoder output. */
    Step first(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask);

    /** A later decoder step: one token per row on top of {@code cache} (rows of every argument aligned). */
    Step next(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask, List<Seq2SeqTensor> cache);

    @Override
    void close();
}
