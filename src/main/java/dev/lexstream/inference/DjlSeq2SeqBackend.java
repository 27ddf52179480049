// Seq2SeqBackend on DJL: ONNX Runtime for the Optimum ONNX layout, PyTorch for TorchScript files.
package dev.lexstream.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads the three parts of an encoder-decoder model and runs them through DJL.
 *
 * <ul>
 *   <li>ONNX Runtime: {@code encoder_model.onnx} (inputs {@code input_ids}, {@code attention_mask};
 *       output {@code last_hidden_state}), {@code decoder_model.onnx} (inputs {@code input_ids},
 *       {@code encoder_attention_mask}, {@code encoder_hidden_states}; outputs {@code logits},
 *       {@code present.<i>.(decoder|encoder).(key|value)}) and {@code decoder_with_past_model.onnx}
 *       (inputs {@code input_ids}, {@code encoder_attention_mask},
 *       {@code past_key_values.<i>.(decoder|encoder).(key|value)}; outputs {@code logits},
 *       {@code present.<i>.decoder.(key|value)}): the Hugging Face Optimum export. Inputs are
 *       matched by name, and only the ones a file declares are fed.</li>
 *   <li>PyTorch: {@code encoder.pt}, {@code decoder.pt}, {@code decoder_with_past.pt}, TorchScript
 *       modules taking and returning the same tensors in the same order (positional).</li>
 * </ul>
 * Tensors are copied to the Java heap after every call ({@link Seq2SeqTensor}).
 */
public final class DjlSeq2SeqBackend implements Seq2SeqBackend {

    public static final String ONNX_RUNTIME = "OnnxRuntime";
    public static final String PYTORCH = "PyTorch";

    /** One named input tensor, on the heap, before it becomes an engine array. */
    record Input(String name, long[] longs, float[] floats, long[] shape) {
        static Input ids(String name, long[][] rows) {
            int cols = rows.length == 0 ? 0 : rows[0].length;
            long[] flat = new long[rows.length * cols];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * cols, cols);
            }
            return new Input(name, flat, null, new long[] {rows.length, cols});
        }

        static Input tensor(String name, Seq2SeqTensor t) {
            return new Input(name, null, t.data(), t.shape());
        }
    }

    /** Named outputs copied to the heap; names are null on PyTorch. */
    record Output(List<String> names, List<Seq2SeqTensor> tensors) {
        Seq2SeqTensor get(String name, int index) {
            if (names.get(0) != null) {
                int i = names.indexOf(name);
                if (i < 0) {
                    throw new InferenceException("model output " + name + " missing; outputs: " + names, null);
                }
                return tensors.get(i);
            }
            return tensors.get(index);
        }
    }

    private static final class HeapTranslator implements Translator<List<Input>, Output> {
        /** DJL's PyTorch engine turns dotted names into a dictionary argument: positional there. */
        private final boolean named;

        HeapTranslator(boolean named) {
            this.named = named;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, List<Input> inputs) {
            NDManager m = ctx.getNDManager();
            NDList list = new NDList(inputs.size());
            for (Input in : inputs) {
                NDArray a = in.longs() != null ? m.create(in.longs(), new Shape(in.shape()))
                        : m.create(in.floats(), new Shape(in.shape()));
                if (named) {
                    a.setName(in.name());
                }
                list.add(a);
            }
            return list;
        }

        @Override
        public Output processOutput(TranslatorContext ctx, NDList list) {
            List<String> names = new ArrayList<>(list.size());
            List<Seq2SeqTensor> tensors = new ArrayList<>(list.size());
            for (NDArray a : list) {
                names.add(a.getName() == null || a.getName().isEmpty() ? null : a.getName());
                tensors.add(new Seq2SeqTensor(a.toFloatArray(), a.getShape().getShape()));
            }
            return new Output(names, tensors);
        }

        @Override
        public Batchifier getBatchifier() {
            return null;
        }
    }

    private final String engine;
    private final int layers;
    private final ZooModel<List<Input>, Output>[] models;
    private final Predictor<List<Input>, Output>[] predictors;
    private final Set<String>[] inputNames;

    @SuppressWarnings("unchecked")
    private DjlSeq2SeqBackend(String engine, int layers, ZooModel<List<Input>, Output>[] models) {
        this.engine = engine;
        this.layers = layers;
        this.models = models;
        this.predictors = new Predictor[models.length];
        this.inputNames = new Set[models.length];
        for (int i = 0; i < models.length; i++) {
            predictors[i] = models[i].newPredictor();
            inputNames[i] = new HashSet<>();
            if (engine.equals(ONNX_RUNTIME)) {
                inputNames[i].addAll(models[i].getBlock().describeInput().keys());
            }
        }
    }

    /**
     * @param directory holds the three files of {@code engine}
     * @param layers    decoder layers (from config.json)
     */
    @SuppressWarnings("unchecked")
    public static DjlSeq2SeqBackend load(Path directory, String engine, int layers, Device device, int intraOpThreads) {
        DjlOffline.ensure();
        if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
            System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        }
        String[] names = engine.equals(ONNX_RUNTIME)
                ? new String[] {"encoder_model", "decoder_model", "decoder_with_past_model"}
                : new String[] {"encoder", "decoder", "decoder_with_past"};
        ZooModel<List<Input>, Output>[] models = new ZooModel[3];
        try {
            for (int i = 0; i < 3; i++) {
                @SuppressWarnings("rawtypes")
                Class<List<Input>> in = (Class) List.class;
                Criteria.Builder<List<Input>, Output> b = Criteria.builder()
                        .setTypes(in, Output.class)
                        .optEngine(engine)
                        .optModelPath(directory)
                        .optModelName(names[i])
                        .optDevice(device)
                        .optTranslator(new HeapTranslator(engine.equals(ONNX_RUNTIME)));
                if (engine.equals(ONNX_RUNTIME)) {
                    b.optOption("intraOpNumThreads", String.valueOf(intraOpThreads)).optOption("interOpNumThreads", "1");
                }
                models[i] = b.build().loadModel();
            }
            return new DjlSeq2SeqBackend(engine, layers, models);
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            for (ZooModel<List<Input>, Output> m : models) {
                if (m != null) {
                    m.close();
                }
            }
            throw new InferenceException("cannot load seq2seq model " + directory + " on " + engine + ": " + e.getMessage(), e);
        }
    }

    public String engine() {
        return engine;
    }

    private Output run(int part, List<Input> inputs) {
        List<Input> fed = inputs;
        if (!inputNames[part].isEmpty()) {
            fed = inputs.stream().filter(in -> inputNames[part].contains(in.name())).toList();
        }
        try {
            return predictors[part].predict(fed);
        } catch (TranslateException e) {
            throw new InferenceException("seq2seq model call failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Seq2SeqTensor encode(long[][] inputIds, long[][] attentionMask) {
        return run(0, List.of(Input.ids("input_ids", inputIds), Input.ids("attention_mask", attentionMask)))
                .get("last_hidden_state", 0);
    }

    @Override
    public Step first(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask) {
        Output out = run(1, List.of(Input.ids("input_ids", column(tokens)), Input.ids("encoder_attention_mask", encoderMask),
                Input.tensor("encoder_hidden_states", encoderHidden)));
        List<Seq2SeqTensor> cache = new ArrayList<>(4 * layers);
        int idx = 1;
        for (int l = 0; l < layers; l++) {
            for (String part : new String[] {"decoder", "encoder"}) {
                for (String kv : new String[] {"key", "value"}) {
                    cache.add(out.get("present." + l + "." + part + "." + kv, idx++));
                }
            }
        }
        return new Step(lastLogits(out.get("logits", 0)), cache);
    }

    @Override
    public Step next(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask, List<Seq2SeqTensor> cache) {
        List<Input> inputs = new ArrayList<>();
        inputs.add(Input.ids("input_ids", column(tokens)));
        inputs.add(Input.ids("encoder_attention_mask", encoderMask));
        int idx = 0;
        for (int l = 0; l < layers; l++) {
            for (String part : new String[] {"decoder", "encoder"}) {
                for (String kv : new String[] {"key", "value"}) {
                    inputs.add(Input.tensor("past_key_values." + l + "." + part + "." + kv, cache.get(idx++)));
                }
            }
        }
        if (inputNames[2].contains("encoder_hidden_states")) {
            inputs.add(Input.tensor("encoder_hidden_states", encoderHidden));
        }
        Output out = run(2, inputs);
        List<Seq2SeqTensor> present = new ArrayList<>(2 * layers);
        idx = 1;
        for (int l = 0; l < layers; l++) {
            for (String kv : new String[] {"key", "value"}) {
                present.add(out.get("present." + l + ".decoder." + kv, idx++));
            }
        }
        return new Step(lastLogits(out.get("logits", 0)), present);
    }

    private static long[][] column(long[] tokens) {
        long[][] out = new long[tokens.length][1];
        for (int i = 0; i < tokens.length; i++) {
            out[i][0] = tokens[i];
        }
        return out;
    }

    /** {@code [rows, length, vocab]} (or {@code [rows, vocab]}) to the last position's logits per row. */
    private static float[][] lastLogits(Seq2SeqTensor logits) {
        long[] s = logits.shape();
        int rows = (int) s[0];
        int vocab = (int) s[s.length - 1];
        int len = s.length == 3 ? (int) s[1] : 1;
        float[][] out = new float[rows][vocab];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(logits.data(), (r * len + len - 1) * vocab, out[r], 0, vocab);
        }
        return out;
    }

    @Override
    public void close() {
        for (int i = 0; i < models.length; i++) {
            predictors[i].close();
            models[i].close();
        }
    }
}
