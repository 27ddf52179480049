// Turns a batch of texts into BERT inputs and the model's hidden states into sentence vectors.
package dev.lexstream.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

import java.util.List;

/**
 * Batched sentence-transformers pipeline: tokenize all texts, pad to the longest (not to a fixed
 * length, which would waste compute on short texts), one forward pass, mean-pool over real tokens
 * only, L2-normalize. Padding is masked out of the pooling, so a text's vector does not depend on
 * what it was batched with.
 */
final class EmbeddingTranslator implements NoBatchifyTranslator<List<String>, float[][]> {

    static final String OUTPUT = "last_hidden_state";
    private static final String MASK = "attention_mask";

    private final HuggingFaceTokenizer tokenizer;

    EmbeddingTranslator(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int batch = encodings.length;
        int seq = 0;
        for (Encoding e : encodings) {
            seq = Math.max(seq, e.getIds().length);
        }
        long[] ids = new long[batch * seq];
        long[] mask = new long[batch * seq];
        long[] types = new long[batch * seq];
        for (int b = 0; b < batch; b++) {
            long[] eIds = encodings[b].getIds();
            long[] eMask = encodings[b].getAttentionMask();
            long[] eTypes = encodings[b].getTypeIds();
            System.arraycopy(eIds, 0, ids, b * seq, eIds.length);
            System.arraycopy(eMask, 0, mask, b * seq, eMask.length);
            System.arraycopy(eTypes, 0, types, b * seq, eTypes.length);
            // pad id 0 / mask 0 / type 0 are the zero-initialized remainder of the row
        }
        ctx.setAttachment(MASK, mask);
        NDManager m = ctx.getNDManager();
        Shape shape = new Shape(batch, seq);
        return new NDList(
                named(m.create(ids, shape), "input_ids"),
                named(m.create(mask, shape), MASK),
                named(m.create(types, shape), "token_type_ids"));
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray hidden = list.get(OUTPUT);
        if (hidden == null) {
            hidden = list.head();
        }
        long[] shape = hidden.getShape().getShape();
        if (shape.length != 3) {
            throw new IllegalStateException("expected " + OUTPUT + " [batch, tokens, hidden], got " + hidden.getShape());
        }
        int batch = (int) shape[0];
        int seq = (int) shape[1];
        int dim = (int) shape[2];
        // The ONNX Runtime engine implements few NDArray ops, so pooling is plain Java over the copy.
        float[] h = hidden.toFloatArray();
        long[] mask = (long[]) ctx.getAttachment(MASK);
        float[][] out = new float[batch][dim];
        for (int b = 0; b < batch; b++) {
            float[] v = out[b];
            int count = 0;
            for (int t = 0; t < seq; t++) {
                if (mask[b * seq + t] == 0) {
                    continue;
                }
                count++;
                int base = (b * seq + t) * dim;
                for (int d = 0; d < dim; d++) {
                    v[d] += h[base + d];
                }
            }
            float inv = 1f / Math.max(count, 1);
            for (int d = 0; d < dim; d++) {
                v[d] *= inv;
            }
            Vectors.normalize(v);
        }
        return out;
    }
}
