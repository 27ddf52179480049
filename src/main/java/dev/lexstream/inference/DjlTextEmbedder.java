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
 * all are busy. By default the cores are shared out among narrow predictors, over which a batch is
 * split, and a wide session with every core runs the batches too small to split (see {@link
 * Options}).
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
     * @param wideThreads intra-op threads of a second, "wide" ONNX Runtime session of the same model
     *     that runs the batches too small to split over the predictors (fewer than twice {@value
     *     DjlModel#MIN_PART} texts), so that a batch of 1 gets every core instead of one; 0 for
     *     none. Only used on the CPU with ONNX Runtime, more than one predictor and more
     *     threads than {@code intraOpThreads}; it costs a second copy of the weights in memory (see
     *     docs/models.md)
     */
    public record Options(int intraOpThreads, int predictors, int wideThreads) {
        public Options {
            if (intraOpThreads < 1 || predictors < 1 || wideThreads < 0) {
                throw new IllegalArgumentException("intraOpThreads and predictors must be >= 1 and wideThreads >= 0, got "
                        + intraOpThreads + ", " + predictors + ", " + wideThreads);
            }
        }

        /** These threads and predictors, without a wide session. */
        public Options(int intraOpThreads, int predictors) {
            this(intraOpThreads, predictors, 0);
        }

        /** Property overriding the default intra-op thread count. */
        public static final String THREADS_PROPERTY = "lexstream.inference.threads";
        /** Property overriding the default wide-session thread count ({@code 0} turns the wide session off). */
        public static final String WIDE_THREADS_PROPERTY = "lexstream.inference.wide-threads";

        /**
         * Half the cores per forward pass (at least 1), or {@code -Dlexstream.inference.threads},
         * as many predictors as fit the cores, and a wide session with every core for batches too
         * small to split (or {@code -Dlexstream.inference.wide-threads}).
         * Half, because the runtimes' intra-op pools spin while they wait: on the shared 2-core
         * machine, MiniLM at batch 1 and 8 ran at 217 and 231 texts/s with 1 thread but 108 and 141
         * with 2 (best of 8 interleaved rounds), and the process has Kafka Streams threads,
         * tokenization and pooling to run too. On a dedicated machine, raise it. The wide session
         * can have every core because its threads stop spinning when a pass ends (see DjlModel).
         */
        public static Options defaults() {
            int cores = Runtime.getRuntime().availableProcessors();
            int n = intProperty(THREADS_PROPERTY, Math.max(1, cores / 2));
            // as many predictors as fit the cores, so that concurrent callers (stream threads) overlap
            return new Options(n, Math.max(1, cores / n), intProperty(WIDE_THREADS_PROPERTY, cores > 1 ? cores : 0));
        }

        private static int intProperty(String name, int otherwise) {
            String value = System.getProperty(name);
            if (value == null || value.isBlank()) {
                return otherwise;
            }
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + name + "='" + value + "' is not a whole number; allowed: "
                        + "a thread count, e.g. -D" + name + "=2", e);
            }
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

    DjlModel model() {
        return model;
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

    /**
     * {@inheritDoc}
     *
     * @throws InferenceException also when a vector holds a NaN or infinite value (checked here,
     *     where every embedding of a loaded model passes), so that the caller isolates the text as
     *     for any other model failure instead of classifying a NaN vector
     */
    @Override
    public float[][] embed(List<String> texts) {
        return Vectors.requireFinite(model.predict(texts), modelId());
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
