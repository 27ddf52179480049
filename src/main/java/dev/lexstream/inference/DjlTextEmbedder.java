// Text embedder on DJL + ONNX Runtime: the real-model implementation of TextEmbedder.
package dev.lexstream.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Loads a BERT-style ONNX model (inputs {@code input_ids}, {@code attention_mask}, {@code
 * token_type_ids}; output {@code last_hidden_state}) through DJL {@link Criteria}.
 *
 * <p>Thread safety: a DJL {@link Predictor} must not be shared between threads, so the embedder
 * keeps a small fixed pool of predictors over the one model and a caller borrows one per call,
 * waiting when all are busy. The default pool size is 1 because each forward pass already uses
 * all intra-op threads; more predictors only pay off with fewer threads each, or on a GPU.
 *
 * <p>Batching: padding never changes a vector (it is masked out of the pooling), so fp32 results
 * do not depend on batch composition. Dynamically quantized (int8) models are different: ONNX
 * Runtime picks one activation scale per tensor, i.e. per batch, so batch-mates shift a vector
 * slightly (measured cosine 0.97-0.995 against the text embedded alone).
 */
public final class DjlTextEmbedder implements TextEmbedder {

    private static final Logger LOG = LoggerFactory.getLogger(DjlTextEmbedder.class);

    static {
        DjlOffline.ensure();
    }

    /**
     * @param intraOpThreads ONNX Runtime threads per forward pass; set explicitly because ONNX
     *     Runtime's own default left all but one core idle here
     * @param predictors how many forward passes may run at the same time
     */
    public record Options(int intraOpThreads, int predictors) {
        public Options {
            if (intraOpThreads < 1 || predictors < 1) {
                throw new IllegalArgumentException(
                        "intraOpThreads and predictors must be >= 1, got " + intraOpThreads + ", " + predictors);
            }
        }

        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 1);
        }
    }

    private final ResolvedModel model;
    private final Device device;
    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<List<String>, float[][]> zooModel;
    private final BlockingQueue<Predictor<List<String>, float[][]>> predictors;
    private final int dimension;
    private volatile boolean closed;

    private DjlTextEmbedder(
            ResolvedModel model,
            Device device,
            HuggingFaceTokenizer tokenizer,
            ZooModel<List<String>, float[][]> zooModel,
            int predictorCount) {
        this.model = model;
        this.device = device;
        this.tokenizer = tokenizer;
        this.zooModel = zooModel;
        this.predictors = new ArrayBlockingQueue<>(predictorCount);
        for (int i = 0; i < predictorCount; i++) {
            predictors.add(zooModel.newPredictor());
        }
        // Warm-up doubles as the dimension probe, so the first real record pays no start-up cost.
        this.dimension = embed(List.of("warm-up"))[0].length;
    }

    public static TextEmbedder load(ModelSource source, DeviceSpec device, Path workDir) {
        return load(source, device, workDir, Options.defaults());
    }

    /**
     * Resolves the model files, the device, and loads the model; fails fast on anything missing.
     *
     * @throws InferenceException when the model cannot be loaded
     */
    public static TextEmbedder load(ModelSource source, DeviceSpec device, Path workDir, Options options) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(options, "options");
        DjlOffline.ensure();
        ResolvedModel resolved = source.resolve(workDir);
        Device djlDevice = device.resolve();
        HuggingFaceTokenizer tokenizer = null;
        ZooModel<List<String>, float[][]> zooModel = null;
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(resolved.tokenizerFile())
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(resolved.maxTokens())
                    // the translator pads each batch to its own longest text
                    .optPadding(false)
                    .build();
            @SuppressWarnings("unchecked")
            Class<List<String>> input = (Class<List<String>>) (Class<?>) List.class;
            Criteria<List<String>, float[][]> criteria = Criteria.builder()
                    .setTypes(input, float[][].class)
                    .optEngine(DeviceSpec.ENGINE)
                    // directory + name rather than the file path, which DJL's repository warns about
                    .optModelPath(resolved.onnxFile().getParent())
                    .optModelName(stem(resolved.onnxFile()))
                    .optDevice(djlDevice)
                    .optOption("intraOpNumThreads", String.valueOf(options.intraOpThreads()))
                    .optOption("interOpNumThreads", "1")
                    .optTranslator(new EmbeddingTranslator(tokenizer))
                    .build();
            zooModel = criteria.loadModel();
            DjlTextEmbedder embedder =
                    new DjlTextEmbedder(resolved, djlDevice, tokenizer, zooModel, options.predictors());
            LOG.info("Loaded {} ({}) on {}: dim {}, max {} tokens, {} intra-op threads, {} predictor(s)",
                    resolved.id(), resolved.version(), djlDevice, embedder.dimension, resolved.maxTokens(),
                    options.intraOpThreads(), options.predictors());
            return embedder;
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            if (zooModel != null) {
                zooModel.close();
            }
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw new InferenceException("cannot load model " + source + " on " + djlDevice + ": " + e.getMessage(), e);
        }
    }

    private static String stem(Path onnx) {
        String name = onnx.getFileName().toString();
        return name.substring(0, name.length() - ".onnx".length());
    }

    @Override
    public String modelId() {
        return model.id();
    }

    @Override
    public String modelVersion() {
        return model.version();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxTokens() {
        return model.maxTokens();
    }

    /** The DJL device the model runs on, e.g. {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return device.toString();
    }

    @Override
    public float[][] embed(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        for (String t : texts) {
            Objects.requireNonNull(t, "texts must not contain null");
        }
        Predictor<List<String>, float[][]> predictor = borrow();
        try {
            return predictor.predict(texts);
        } catch (TranslateException e) {
            throw new InferenceException("embedding failed with " + model.id() + ": " + e.getMessage(), e);
        } finally {
            predictors.add(predictor);
        }
    }

    private Predictor<List<String>, float[][]> borrow() {
        if (closed) {
            throw new IllegalStateException("embedder " + model.id() + " is closed");
        }
        try {
            return predictors.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while waiting for a predictor", e);
        }
    }

    @Override
    public int countTokens(String text) {
        Objects.requireNonNull(text, "text");
        // The native tokenizer is safe to call concurrently; it needs no predictor.
        return Math.min(tokenizer.encode(text).getIds().length, model.maxTokens());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Predictor<List<String>, float[][]>> idle = new ArrayList<>();
        predictors.drainTo(idle);
        idle.forEach(Predictor::close);
        zooModel.close();
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "DjlTextEmbedder[" + model.id() + " " + model.version() + " on " + device + "]";
    }
}
