// Turns a token batch into BERT inputs and the model's hidden states into sentence vectors.
package dev.lexstream.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.List;
import java.util.Objects;

/**
 * Batched sentence-transformers pipeline: inputs padded to the longest text of the batch (not to
 * a fixed length, which would waste compute on short texts), one forward pass, pooling over real
 * tokens only (mean, or the first token for {@code cls}), L2-normalize. A model that pools itself
 * outputs [batch, hidden], taken as it is; {@code pooling=none} says the model does, and is refused
 * on a per-token output, as an explicit {@code mean} or {@code cls} is on a pooled one. Padding is masked out of
 * the pooling, so a text's vector does not depend on what it was batched with.
 *
 * <p>Pooling is plain Java over the output copy: the ONNX Runtime engine implements few NDArray
 * ops, and the same code then serves both engines.
 */
final class EmbeddingTranslator implements NoBatchifyTranslator<TokenBatch, float[][]> {

    static final String OUTPUT = "last_hidden_state";
    private static final String MASK = "attention_mask";

    private final ModelDescriptor descriptor;

    EmbeddingTranslator(ModelDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
        ctx.setAttachment(MASK, batch.paddedMask());
        return batch.toNDList(ctx.getNDManager(), descriptor.inputs());
    }

    /**
     * The output {@code output=} names when the engine names its outputs (ONNX Runtime), else the
     * first. A name given in model.properties must be there: read instead, the first output would
     * pass for the one asked for.
     *
     * @throws OutputMismatchException when {@code output=} names none of the model's named outputs
     */
    static NDArray output(NDList list, ModelDescriptor descriptor) {
        NDArray out = list.get(descriptor.output());
        if (out != null) {
            return out;
        }
        if (descriptor.outputGiven()) {
            List<String> names = list.stream().map(NDArray::getName).filter(Objects::nonNull).toList();
            if (!names.isEmpty()) {
                throw new OutputMismatchException("model.properties: output '" + descriptor.output()
                        + "' is not an output of the model; allowed: " + String.join(", ", names));
            }
        }
        return list.head();
    }

    /** The output's name where the engine gives one (ONNX Runtime), else the one model.properties asks for. */
    static String name(NDArray out, ModelDescriptor descriptor) {
        return out.getName() != null && !out.getName().isEmpty() ? out.getName() : descriptor.output();
    }

    /**
     * Refuses an output of another rank than the kind reads, naming the output read and its rank:
     * thrown as {@link OutputMismatchException}, which the load probe reports at once, since a rank
     * is the same on any input (retried on shorter ones, it ended as "fails on a 2-token input").
     */
    static OutputMismatchException wrongRank(NDArray out, ModelDescriptor descriptor, String expected) {
        String name = name(out, descriptor);
        String fallback = name.equals(descriptor.output()) ? ""
                : " (the model has no output '" + descriptor.output() + "'; its first output was read)";
        return new OutputMismatchException("output " + name + " is " + out.getShape() + ", rank "
                + out.getShape().dimension() + ", but a " + descriptor.kind() + " model's " + expected + fallback);
    }

    /** float32 data of an output (other types are rejected: convert the model to float32 outputs). */
    static float[] floats(NDArray array) {
        if (array.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            throw new IllegalStateException("model output " + array.getName() + " is " + array.getDataType()
                    + "; float32 outputs are required");
        }
        return array.toFloatArray();
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray hidden = output(list, descriptor);
        long[] shape = hidden.getShape().getShape();
        float[] h = floats(hidden);
        if (shape.length == 2) { // already pooled by the model: [batch, dim]
            if (descriptor.poolingGiven() && descriptor.pooling() != ModelDescriptor.Pooling.NONE) {
                // taking the vectors as they are would ignore the pooling asked for without a word
                String pooling = descriptor.pooling().name().toLowerCase(java.util.Locale.ROOT);
                throw new OutputMismatchException("model.properties: pooling '" + pooling + "' needs output "
                        + name(hidden, descriptor) + " of one vector per token, [batch, tokens, hidden], but it is "
                        + hidden.getShape() + ", [batch, hidden]: the model pools itself; allowed with this output: "
                        + "pooling=none");
            }
            int batch = (int) shape[0];
            int dim = (int) shape[1];
            float[][] out = new float[batch][dim];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(h, b * dim, out[b], 0, dim);
                if (descriptor.normalize()) {
                    Vectors.normalize(out[b]);
                }
            }
            return out;
        }
        if (shape.length != 3) {
            throw wrongRank(hidden, descriptor,
                    "output is [batch, tokens, hidden], rank 3, or already pooled, [batch, hidden], rank 2");
        }
        if (descriptor.pooling() == ModelDescriptor.Pooling.NONE) { // pooling it anyway would hide the mistake
            throw new OutputMismatchException("model.properties: pooling 'none' needs output "
                    + name(hidden, descriptor)
                    + " already pooled, [batch, hidden], but it is " + hidden.getShape()
                    + ", [batch, tokens, hidden]; allowed with this output: pooling=mean, pooling=cls");
        }
        int batch = (int) shape[0];
        int seq = (int) shape[1];
        int dim = (int) shape[2];
        long[] mask = (long[]) ctx.getAttachment(MASK);
        float[][] out = new float[batch][dim];
        for (int b = 0; b < batch; b++) {
            float[] v = out[b];
            if (descriptor.pooling() == ModelDescriptor.Pooling.CLS) {
                System.arraycopy(h, b * seq * dim, v, 0, dim);
            } else {
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
            }
            if (descriptor.normalize()) {
                Vectors.normalize(v);
            }
        }
        return out;
    }
}
