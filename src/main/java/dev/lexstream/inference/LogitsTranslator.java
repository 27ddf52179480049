// Turns a token batch into BERT inputs and a sequence-classification model's output into logits.
package dev.lexstream.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/** Output {@code logits} [batch, labels] (or the first output) as one float row per text. */
final class LogitsTranslator implements NoBatchifyTranslator<TokenBatch, float[][]> {

    private final ModelDescriptor descriptor;

    LogitsTranslator(ModelDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
        return batch.toNDList(ctx.getNDManager(), descriptor.inputs());
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = EmbeddingTranslator.output(list, descriptor);
        long[] shape = logits.getShape().getShape();
        if (shape.length != 2) {
            throw EmbeddingTranslator.wrongRank(logits, descriptor, "logits are [batch, labels], rank 2");
        }
        int batch = (int) shape[0];
        int n = (int) shape[1];
        float[] flat = EmbeddingTranslator.floats(logits);
        float[][] out = new float[batch][n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(flat, b * n, out[b], 0, n);
        }
        return out;
    }
}
