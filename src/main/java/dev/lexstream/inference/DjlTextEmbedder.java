// Text embedder on DJL (ONNX Runtime or PyTorch): the real-model implementation of TextEmbedder.
package dev.lexstream.inference;

import java.nio.file.Path;
import java.util.List;

/**
 * Loads a BERT-style encoder (inputs {@code input_ids}, {@code attention_mask}, {@code
 * token_type_ids}; output {@code last_hidden_state}) as ONNX (ONNX Runtime) or TorchScript
 * (PyTorch) through DJL, see {@link DjlModel} for the shared loading, pooling of predictors and
 * load-time checks.
 *
 * <p>Thread safety: a DJL predictor must not be shared between threads, so the embedder keeps a
 * small fixed pool of predictors over the one model and a caller borrows one per call, waiting when
 * all are busy. The default pool size is 1 because each forward pass already uses all intra-op
 * threads; more predictors only pay off with fewer threads each, or on a GPU.
 *
 * <p>Batching: padding never changes a vector (it is masked out of the pooling), so fp32 results
 * do not depend on batch composition. Dynamically quantized (int8) models are different: ONNX
 * Runtime picks one activation scale per tensor, i.e. per batch, so batch-mates shift a vector
 * slightly (measured cosine 0.97-0.995 against the text embedded alone).
 */
public final class DjlTextEmbedder implements TextEmbedder {

    /**
     * @param intraOpThreads threads per forward pass (ONNX Runtime per session; PyTorch per process,
     *     decided by the first PyTorch model); set explicitly because ONNX Runtime's own default left
     *     all but one core idle here
     * @param predictors how many forward passes may run at the same time
     */
    public record Options(int intraOpThreads, int predictors) {
        public Options {
            if (intraOpThreads < 1 || predictors < 1) {
                throw new IllegalArgumentException(
                        "intraOpThreads and predictors must be >= 1, got " + intraOpThreads + ", " + predictors);
            }
        }

        /** Property overriding the default intra-op thread count. */
        public static final String THREADS_PROPERTY = "lexstream.inference.threads";

        /**
         * Half the cores per forward pass (at least 1), or {@code -Dlexstream.inference.threads},
         * and as many predictors as fit the cores.
         * Half, because the runtimes' intra-op pools spin while they wait: on the shared 2-core
         * machine, MiniLM at batch 1 and 8 ran at 217 and 231 texts/s with 1 thread but 108 and 141
         * with 2 (best of 8 interleaved rounds), and the process has Kafka Streams threads,
         * tokenization and pooling to run too. On a dedicated machine, raise it.
         */
        public static Options defaults() {
            String threads = System.getProperty(THREADS_PROPERTY);
            int n = threads == null || threads.isBlank()
                    ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2)
                    : Integer.parseInt(threads.strip());
            // as many predictors as fit the cores, so that concurrent callers (stream threads) overlap
            return new Options(n, Math.max(1, Runtime.getRuntime().availableProcessors() / n));
        }
    }

    private final DjlModel model;

    private DjlTextEmbedder(DjlModel model) {
        this.model = model;
    }

    public static TextEmbedder load(ModelSource source, DeviceSpec device, Path workDir) {
        return load(source, device, workDir, Options.defaults());
    }

    /**
     * Resolves the model files, the device, and loads the model; fails fast on anything missing.
     *
     * @throws InferenceException when the model cannot be loaded
     * @throws IllegalArgumentException when the model directory holds a model of another kind
     */
    public static TextEmbedder load(ModelSource source, DeviceSpec device, Path workDir, Options options) {
        return new DjlTextEmbedder(DjlModel.load(source, device, workDir, options, ModelDescriptor.TEXT_EMBEDDING));
    }

    @Override
    public String modelId() {
        return model.resolved().id();
    }

    @Override
    public String modelVersion() {
        return model.resolved().version();
    }

    @Override
    public int dimension() {
        return model.outputWidth();
    }

    @Override
    public int maxTokens() {
        return model.resolved().maxTokens();
    }

    /** The DJL device the model runs on, e.g. {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return model.device().toString();
    }

    /** The DJL engine that runs it: {@code OnnxRuntime} or {@code PyTorch}. */
    public String engine() {
        return model.resolved().format().engine();
    }

    @Override
    public float[][] embed(List<String> texts) {
        return model.predict(texts);
    }

    @Override
    public int countTokens(String text) {
        return model.countTokens(text);
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "DjlTextEmbedder[" + modelId() + " " + modelVersion() + " on " + engine() + " " + device() + "]";
    }
}
