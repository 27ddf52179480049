// One loaded DJL model (ONNX Runtime or PyTorch) with its tokenizer, a predictor pool and load-time checks.
package dev.lexstream.inference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part every BERT-style model shares, whatever it outputs: resolving the files, choosing the
 * engine by weights format, the device, the tokenizer, a fixed pool of predictors (a DJL {@link
 * Predictor} is not thread-safe), and probes that run at load so that a bad model fails at start-up
 * with a message that says what is wrong rather than on the first record:
 *
 * <ul>
 *   <li>the largest id the tokenizer can produce must fit the model's embedding table (a tokenizer
 *       from another model); on the CPU the table's size is found and reported;
 *   <li>a sequence of {@code max_tokens} must run (a {@code max_tokens} beyond the model's
 *       position embeddings);
 *   <li>an {@code output=} the model names no output of is refused (with the names it has);
 *   <li>the output must have the expected rank ({@code pooling=none}: already pooled; a written
 *       {@code mean} or {@code cls}: one vector per token), and a
 *       classifier as many logits as labels;
 *   <li>a model that returns NaN or infinite values on the probe's input and on 2 tokens of id 0
 *       is refused (it would fail every record); NaN on the probe's input alone loads, with a
 *       warning.
 * </ul>
 *
 * The probes double as the warm-up, so the first real batch pays no start-up cost.
 *
 * <p>Two ways to use the cores on the CPU: narrow predictors (few intra-op threads each) over
 * which a batch is split and run in parallel, which wins from about 8 texts on (one padded pass
 * per core, no thread hand-offs inside a pass), and one session whose pass uses every core, which
 * wins for batches too small to split. With ONNX Runtime both exist at once when {@link
 * DjlTextEmbedder.Options#wideThreads()} asks for it: a second, "wide" session of the same model
 * runs every batch that is not split. PyTorch has no wide path: libtorch's intra-op thread count is
 * per process (the first model sets it), so a second model cannot have more threads than the
 * first. On a GPU the device does the work whatever the CPU threads, so there is none either.
 */
final class DjlModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DjlModel.class);
    /** A batch is split over the predictors only when each part gets at least this many texts. */
    static final int MIN_PART = 4;
    /**
     * A large batch is cut into up to this many parts per predictor, of at least {@link #PART_TEXTS}
     * texts each (see {@link #partCount}): each part is padded only to its own longest text (sorted
     * by length), and the predictors take the parts as they free up. Two parts of 16 long texts padded 10% of the tokens
     * in the model benchmark, four of 8 about 4%; at 8 texts a part still runs as fast per text.
     */
    static final int PARTS_PER_PREDICTOR = 2;
    static final int PART_TEXTS = 8;
    /**
     * Texts counted and not run that are kept at most: far more than the records buffered and in
     * flight for one model (tasks × (inFlight + 1) × maxRecords).
     */
    static final int COUNTED_LIMIT = 16_384;
    /**
     * The wide session's threads spin while a pass runs and stop spinning as soon as it returns
     * ({@code session.force_spinning_stop}). Measured on the shared 2-core machine (texts/s, best
     * of 3 rounds of 1 s; MiniLM fp32 / int8): at batch 1 of short texts, never spinning ran 302 /
     * 613, spinning 373 / 875, spinning only during a pass 387 / 796 (the peer 366 / 799): without
     * spinning every operator pays a thread wake-up. Calls alternating between 1 and 8 texts ran
     * 448 / 1052 without spinning, 290 / 683 with ONNX Runtime's default spinning (its threads keep
     * spinning after the pass and take the cores from the split batch that follows), and 457 /
     * 1109 spinning only during a pass (no wide session: 426 / 1152). Paced at one text per 5 ms,
     * the process spent 5.5-6.0 / 2.3-2.4, 7.8-8.0 / 6.5-7.1 and 5.5-5.7 / 3.1-3.3 CPU-ms per call
     * (no wide session: 4.5-4.7 / 2.0): idle spinning is CPU that Kafka Streams threads need.
     */
    private static final Map<String, String> WIDE_SPINNING = Map.of(
            "session.intra_op.allow_spinning", "1",
            "session.force_spinning_stop", "1");
    private static final AtomicInteger POOLS = new AtomicInteger();

    static {
        DjlOffline.ensure();
    }

    private final ResolvedModel model;
    private final Device device;
    private final HuggingFaceTokenizer tokenizer;
    /** Tokens of texts counted and not run yet (see {@link #countTokens}). */
    private final Map<String, TokenBatch.Row> counted = new ConcurrentHashMap<>();
    private final ZooModel<TokenBatch, float[][]> zooModel;
    private final BlockingQueue<Predictor<TokenBatch, float[][]>> predictors;
    private final int predictorCount;
    private final ExecutorService parts; // null with one predictor
    private final Model wideModel; // null without a wide session
    private final OrtSession.SessionOptions wideOptions; // the wide session's, closed with it
    private final BlockingQueue<Predictor<TokenBatch, float[][]>> wide; // its one predictor while idle; null without
    private final int wideThreads;
    private final AtomicLong wideRuns = new AtomicLong();
    private int outputWidth;
    private final NativeUse use;

    private DjlModel(ResolvedModel model, Device device, HuggingFaceTokenizer tokenizer,
                     ZooModel<TokenBatch, float[][]> zooModel, int predictorCount,
                     Model wideModel, OrtSession.SessionOptions wideOptions, int wideThreads) {
        this.model = model;
        this.device = device;
        this.tokenizer = tokenizer;
        this.use = new NativeUse("model " + model.id());
        this.zooModel = zooModel;
        this.wideModel = wideModel;
        this.wideOptions = wideOptions;
        if (wideModel != null) {
            this.wide = new ArrayBlockingQueue<>(1);
            this.wide.add(wideModel.newPredictor(zooModel.getTranslator()));
            this.wideThreads = wideThreads;
        } else {
            this.wide = null;
            this.wideThreads = 0;
        }
        this.predictors = new ArrayBlockingQueue<>(predictorCount);
        this.predictorCount = predictorCount;
        for (int i = 0; i < predictorCount; i++) {
            predictors.add(zooModel.newPredictor());
        }
        if (predictorCount > 1) {
            String name = "lexstream-inference-" + POOLS.incrementAndGet() + "-";
            AtomicInteger n = new AtomicInteger();
            this.parts = Executors.newFixedThreadPool(predictorCount - 1, r -> {
                Thread t = new Thread(r, name + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.parts = null;
        }
    }

    /**
     * @param kind the kind the caller serves; a model directory of another kind is refused
     * @throws InferenceException when the model cannot be loaded or fails a probe
     * @throws IllegalArgumentException when the model is of another kind
     */
    static DjlModel load(ModelSource source, DeviceSpec deviceSpec, Path workDir, DjlTextEmbedder.Options options,
                         String kind) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(deviceSpec, "device");
        Objects.requireNonNull(options, "options");
        DjlOffline.useWorkDir(workDir);
        ResolvedModel resolved = source.resolve(workDir);
        ModelDescriptor descriptor = resolved.descriptor();
        if (!descriptor.kind().equals(kind)) {
            throw new IllegalArgumentException("model " + source + " is of kind '" + descriptor.kind()
                    + "', but a " + kind + " model is needed here");
        }
        WeightsFormat format = resolved.format();
        if (format == WeightsFormat.TORCHSCRIPT) {
            DjlOffline.pytorchThreads(options.intraOpThreads());
        }
        Device device = deviceSpec.resolve(format);
        TokenizerInfo vocab;
        try {
            vocab = TokenizerInfo.read(resolved.tokenizerFile());
        } catch (IllegalArgumentException e) {
            throw new InferenceException("cannot load model " + source + ": " + e.getMessage(), e);
        }
        HuggingFaceTokenizer tokenizer = null;
        ZooModel<TokenBatch, float[][]> zooModel = null;
        Model wideModel = null;
        OrtSession.SessionOptions wideOptions = null;
        DjlModel loaded = null;
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(resolved.tokenizerFile())
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(resolved.maxTokens())
                    .optPadding(false) // the translator pads each batch to its own longest text
                    .build();
            NoBatchifyTranslator<TokenBatch, float[][]> translator = descriptor.isClassification()
                    ? new LogitsTranslator(descriptor) : new EmbeddingTranslator(descriptor);
            Path weights = resolved.weightsFile();
            Criteria.Builder<TokenBatch, float[][]> criteria = Criteria.builder()
                    .setTypes(TokenBatch.class, float[][].class)
                    .optEngine(format.engine())
                    // directory + name rather than the file path, which DJL's repository warns about
                    .optModelPath(weights.getParent())
                    .optModelName(stem(weights, format))
                    .optDevice(device)
                    .optTranslator(translator);
            if (format == WeightsFormat.ONNX) {
                criteria.optOption("intraOpNumThreads", String.valueOf(options.intraOpThreads()))
                        .optOption("interOpNumThreads", "1");
            } else {
                criteria.optOption("mapLocation", "true"); // weights saved on one device load on another
            }
            zooModel = criteria.build().loadModel();
            boolean withWide = format == WeightsFormat.ONNX && Device.Type.CPU.equals(device.getDeviceType())
                    && options.predictors() > 1 && options.wideThreads() > options.intraOpThreads();
            if (withWide) {
                wideOptions = wideSessionOptions(options.wideThreads());
                wideModel = Model.newInstance(resolved.id() + " (wide)", device, format.engine());
                // Model.load, not Criteria: DJL hands a SessionOptions object only from the load
                // options map to ONNX Runtime (Criteria.optArgument goes to the translator factory)
                wideModel.load(weights.getParent(), stem(weights, format), Map.of("sessionOptions", wideOptions));
            }
            loaded = new DjlModel(resolved, device, tokenizer, zooModel, options.predictors(),
                    wideModel, wideOptions, options.wideThreads());
            loaded.probe(source, vocab);
            LOG.info("Loaded {} ({}; {}, {}) on {}: {} {}, max {} tokens, {} threads, {} predictor(s), {}",
                    resolved.id(), resolved.version(), format.engine(), descriptor.kind(), device,
                    descriptor.isClassification() ? "labels" : "dim",
                    descriptor.isClassification() ? descriptor.labels() : loaded.outputWidth,
                    resolved.maxTokens(), options.intraOpThreads(), options.predictors(),
                    withWide ? "wide session of " + options.wideThreads() + " threads for batches under "
                            + 2 * MIN_PART + " texts" : "no wide session");
            return loaded;
        } catch (Exception e) {
            if (loaded != null) {
                loaded.close();
            } else {
                if (wideModel != null) {
                    wideModel.close();
                }
                if (wideOptions != null) {
                    wideOptions.close();
                }
                if (zooModel != null) {
                    zooModel.close();
                }
                if (tokenizer != null) {
                    tokenizer.close();
                }
            }
            if (e instanceof InferenceException ie) {
                throw ie;
            }
            throw new InferenceException("cannot load model " + source + " on " + device + ": " + e.getMessage(), e);
        }
    }

    /** All {@code threads} on one pass, inter-op 1 like the narrow sessions, spinning as {@link #WIDE_SPINNING} says. */
    private static OrtSession.SessionOptions wideSessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            for (Map.Entry<String, String> e : WIDE_SPINNING.entrySet()) {
                o.addConfigEntry(e.getKey(), e.getValue());
            }
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    private static String stem(Path weights, WeightsFormat format) {
        String name = weights.getFileName().toString();
        return name.substring(0, name.length() - format.extension().length());
    }

    private void probe(ModelSource source, TokenizerInfo vocab) {
        ModelDescriptor d = model.descriptor();
        checkInputNames(source, d);
        int length = Math.max(2, model.maxTokens());
        float[][] out;
        try {
            out = run(TokenBatch.repeat(vocab.maxId(), length));
        } catch (RuntimeException longFailure) {
            OutputMismatchException mismatch = outputMismatch(longFailure);
            if (mismatch != null) { // the same on any input: nothing to retry
                throw new InferenceException("model " + source + ": " + mismatch.getMessage(), mismatch);
            }
            // Either the ids or the length; a short sequence of the same id tells which.
            try {
                run(TokenBatch.repeat(vocab.maxId(), 2));
            } catch (RuntimeException idFailure) {
                try {
                    run(TokenBatch.repeat(0, 2));
                } catch (RuntimeException anyFailure) {
                    throw new InferenceException("model " + source + " fails on a 2-token input; check inputs= and "
                            + "output= in model.properties (" + firstLine(anyFailure) + ")", anyFailure);
                }
                throw new InferenceException("tokenizer does not match model " + source + ": "
                        + model.tokenizerFile().getFileName() + " produces ids up to " + vocab.maxId()
                        + " (a vocabulary of " + vocab.vocabSize() + ")" + embeddingRows(vocab)
                        + "; use the tokenizer.json the model was trained with (" + firstLine(idFailure) + ")", idFailure);
            }
            throw new InferenceException("model " + source + " fails on a sequence of max_tokens=" + model.maxTokens()
                    + " tokens: set max_tokens in model.properties to at most the model's maximum length "
                    + "(position embeddings) (" + firstLine(longFailure) + ")", longFailure);
        }
        if (out.length != 1 || out[0].length == 0) {
            throw new InferenceException("model " + source + " returned " + out.length + " rows for 1 text", null);
        }
        outputWidth = out[0].length;
        if (d.isClassification() && outputWidth != d.labels().size()) {
            throw new InferenceException("model " + source + " outputs " + outputWidth + " logits but its "
                    + "model.properties names " + d.labels().size() + " labels " + d.labels(), null);
        }
        checkFinite(source, out, length + " tokens of id " + vocab.maxId());
        if (wide != null) { // the same file, so it passes too; this is its warm-up
            runWide(TokenBatch.repeat(vocab.maxId(), length));
            wideRuns.set(0);
        }
    }

    /**
     * Refuses a model that returns NaN or infinite values on the probe's input and on 2 tokens of id
     * 0 as well: it would fail every record at run time, each dead-lettered alone after bisection
     * (an fp16 export that overflows, a corrupted weights file). NaN on the probe's input alone is a
     * model broken for its token or its length, which loads: the texts that hold them fail one by
     * one, as for any other token (see {@link Vectors#requireFinite}).
     */
    private void checkFinite(ModelSource source, float[][] out, String input) {
        int[] at = Vectors.firstNonFinite(out);
        if (at == null) {
            return;
        }
        String value = out[at[0]][at[1]] + " (" + (model.descriptor().isClassification() ? "logit " : "dimension ")
                + at[1] + ")";
        if (Vectors.firstNonFinite(run(TokenBatch.repeat(0, 2))) != null) {
            throw new InferenceException("model " + source + " returned " + value + " on the load probe's input of "
                    + input + ", and on 2 tokens of id 0: a model that returns NaN or infinite values whatever the "
                    + "input would fail every record; check its weights (a corrupted file, an fp16 export that "
                    + "overflows)", null);
        }
        LOG.warn("Model {} returned {} on the load probe's input of {} but not on 2 tokens of id 0: it is broken for "
                + "that token or that length, and texts that hold them will fail one by one", source, value, input);
    }

    /** The translator's refusal of the model's output, where that is what a run failed on; else null. */
    private static OutputMismatchException outputMismatch(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutputMismatchException mismatch) {
                return mismatch;
            }
        }
        return null;
    }

    /** ONNX graphs name their inputs: compare them with the descriptor's before running anything. */
    private void checkInputNames(ModelSource source, ModelDescriptor d) {
        if (model.format() != WeightsFormat.ONNX) {
            return; // TorchScript takes positional inputs: only a run can tell
        }
        List<String> names;
        try {
            names = zooModel.getBlock().describeInput().keys();
        } catch (RuntimeException e) {
            return;
        }
        if (names != null && !names.isEmpty() && !new java.util.HashSet<>(names).equals(new java.util.HashSet<>(d.inputs()))) {
            throw new InferenceException("model " + source + " takes inputs " + names + ", but model.properties "
                    + "gives inputs=" + String.join(",", d.inputs())
                    + (d.inputs().equals(ModelDescriptor.ALL_INPUTS) ? " (the default)" : "")
                    + "; set inputs=" + String.join(",", names), null);
        }
    }

    /** On the CPU, the embedding table's row count by bisection (a failed lookup on a GPU can poison the context). */
    private String embeddingRows(TokenizerInfo vocab) {
        if (!Device.Type.CPU.equals(device.getDeviceType())) {
            return "";
        }
        long lo = 0;
        long hi = vocab.maxId();
        try {
            run(TokenBatch.repeat(lo, 2));
        } catch (RuntimeException e) {
            return "";
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            try {
                run(TokenBatch.repeat(mid, 2));
                lo = mid;
            } catch (RuntimeException e) {
                hi = mid;
            }
        }
        return ", but the model's embedding table has " + (lo + 1) + " rows (ids 0.." + lo + ")";
    }

    private static String firstLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        m = nl >= 0 ? m.substring(0, nl) : m;
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    ResolvedModel resolved() {
        return model;
    }

    Device device() {
        return device;
    }

    HuggingFaceTokenizer tokenizer() {
        return tokenizer;
    }

    /** Embedding dimension or number of logits, as the probe saw it. */
    int outputWidth() {
        return outputWidth;
    }

    /** Intra-op threads of the wide session; 0 without one. */
    int wideThreads() {
        return wideThreads;
    }

    /** Texts counted and not run yet (tests). */
    int countedTexts() {
        return counted.size();
    }

    /** How many batches ran on the wide session since load. */
    long wideRuns() {
        return wideRuns.get();
    }

    /**
     * Tokenizes and runs the texts. With several predictors and a batch of at least {@value
     * #MIN_PART} texts per predictor, the batch is sorted by length and cut into parts (one per
     * predictor, more for large batches: {@link #PARTS_PER_PREDICTOR}) that the predictors run at
     * the same time (the caller's thread is one of them): with one intra-op thread per predictor
     * this uses every core on one batch, and sorting cuts the padding.
     * A batch that is not split runs on the wide session when there is one and it is free (a
     * concurrent caller that finds it busy takes a narrow predictor: the cores are busy then).
     */
    float[][] predict(List<String> texts) {
        return use.call(() -> predictOpen(texts));
    }

    private float[][] predictOpen(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        for (String t : texts) {
            Objects.requireNonNull(t, "texts must not contain null");
        }
        TokenBatch batch = TokenBatch.encode(tokenizer, texts, counted);
        int workers = Math.min(predictorCount, texts.size() / MIN_PART);
        if (workers <= 1 || parts == null) {
            return runUnsplit(batch);
        }
        int n = partCount(texts.size(), workers);
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> batch.ids()[i].length));
        int[][] rows = new int[n][];
        for (int p = 0, from = 0; p < n; p++) {
            int to = (int) ((long) order.length * (p + 1) / n);
            rows[p] = new int[to - from];
            for (int j = from; j < to; j++) {
                rows[p][j - from] = order[j];
            }
            from = to;
        }
        // workers (the caller among them) take parts from the longest down, so the costliest start first
        float[][][] results = new float[n][][];
        AtomicInteger next = new AtomicInteger(n);
        Runnable drain = () -> {
            for (int p = next.decrementAndGet(); p >= 0; p = next.decrementAndGet()) {
                results[p] = run(batch.select(rows[p]));
            }
        };
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            futures.add(parts.submit(drain));
        }
        float[][] out = new float[texts.size()][];
        try {
            drain.run();
            for (Future<?> f : futures) {
                f.get();
            }
            for (int p = 0; p < n; p++) {
                place(out, rows[p], results[p]);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while waiting for a batch part", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new InferenceException("inference failed with " + model.id() + ": " + e.getCause(), e.getCause());
        } finally {
            next.set(-1); // parts not begun are dropped; those running are waited for
            awaitParts(futures);
        }
        return out;
    }

    /**
     * Waits for the part runs to end, through interrupts. The caller's read lock is what keeps
     * {@link #close()} from freeing the sessions, and a part still inside a native call when they
     * are freed crashes the JVM; a part ends within one forward pass.
     */
    private static void awaitParts(List<Future<?>> futures) {
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    break; // reported by the caller's own get, or superseded by the failure it is leaving with
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Predictors in the pool, not running a pass (for tests). */
    int idlePredictors() {
        return predictors.size();
    }

    /**
     * How many parts a batch of {@code texts} is cut into for {@code workers} predictors: a multiple
     * of the workers, so that each runs as many parts (3 parts on 2 predictors would leave one
     * running a part alone at the end: a third longer than 2 parts), up to {@link
     * #PARTS_PER_PREDICTOR} each while every part keeps {@link #PART_TEXTS} texts.
     */
    static int partCount(int texts, int workers) {
        int perWorker = Math.max(1, Math.min(PARTS_PER_PREDICTOR, texts / (workers * PART_TEXTS)));
        return workers * perWorker;
    }

    private static void place(float[][] out, int[] rows, float[][] part) {
        for (int j = 0; j < rows.length; j++) {
            out[rows[j]] = part[j];
        }
    }

    /** The whole batch in one pass on the wide session ({@code wide}) or a narrow predictor, for tests. */
    float[][] predictUnsplit(List<String> texts, boolean wide) {
        return use.call(() -> {
            TokenBatch batch = TokenBatch.encode(tokenizer, texts, counted);
            return wide ? runWide(batch) : run(batch);
        });
    }

    /** On the wide session when there is one and it is free, else on a narrow predictor. */
    private float[][] runUnsplit(TokenBatch batch) {
        Predictor<TokenBatch, float[][]> predictor = wide == null ? null : wide.poll();
        if (predictor == null) {
            return run(batch);
        }
        wideRuns.incrementAndGet();
        return runAndReturn(wide, predictor, batch);
    }

    private float[][] runWide(TokenBatch batch) {
        if (wide == null) {
            throw new IllegalStateException("model " + model.id() + " has no wide session");
        }
        Predictor<TokenBatch, float[][]> predictor = borrow(wide, "the wide predictor");
        wideRuns.incrementAndGet();
        return runAndReturn(wide, predictor, batch);
    }

    private float[][] run(TokenBatch batch) {
        return runAndReturn(predictors, borrow(predictors, "a predictor"), batch);
    }

    /** One forward pass on a predictor borrowed from {@code pool}, which gets it back whatever happens. */
    private float[][] runAndReturn(BlockingQueue<Predictor<TokenBatch, float[][]>> pool,
                                   Predictor<TokenBatch, float[][]> predictor, TokenBatch batch) {
        try {
            return predictor.predict(batch);
        } catch (TranslateException | RuntimeException e) {
            throw new InferenceException("inference failed with " + model.id() + ": " + e.getMessage(), e);
        } finally {
            pool.add(predictor);
        }
    }

    private Predictor<TokenBatch, float[][]> borrow(BlockingQueue<Predictor<TokenBatch, float[][]>> pool,
                                                    String what) {
        try {
            return pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while waiting for " + what, e);
        }
    }

    /**
     * The text's token count as the model sees it (special tokens included, capped at max_tokens).
     * The tokens are kept until {@link #predict} runs the same text, so that a text counted on a
     * stream thread (for the batch's token budget) is not tokenized again on the model's critical
     * path: at ~40 µs a short text, tokenizing was ~4% of a device batch's time, on one thread
     * while the other cores waited for the parts.
     */
    int countTokens(String text) {
        Objects.requireNonNull(text, "text");
        // The native tokenizer is safe to call concurrently; it needs no predictor.
        TokenBatch.Row row = use.call(() -> TokenBatch.row(tokenizer, text));
        if (counted.size() >= COUNTED_LIMIT) {
            counted.clear(); // texts counted but never run (a task moved away): drop them rather than grow
        }
        counted.put(text, row);
        return Math.min(row.ids().length, model.maxTokens());
    }

    /** Waits for the predictions and token counts in progress; later calls are refused. */
    @Override
    public void close() {
        use.close(this::release);
    }

    private void release() {
        if (parts != null) {
            parts.shutdownNow();
        }
        List<Predictor<TokenBatch, float[][]>> idle = new ArrayList<>();
        predictors.drainTo(idle);
        idle.forEach(Predictor::close);
        if (wide != null) {
            List<Predictor<TokenBatch, float[][]>> idleWide = new ArrayList<>();
            wide.drainTo(idleWide);
            idleWide.forEach(Predictor::close);
            wideModel.close();
            wideOptions.close(); // DJL closes only the options it created itself
        }
        zooModel.close();
        tokenizer.close();
    }
}
