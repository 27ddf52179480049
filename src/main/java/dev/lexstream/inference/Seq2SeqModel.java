// A user-supplied encoder-decoder model directory: tokenizer, config, weights, and generate().
package dev.lexstream.inference;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * An encoder-decoder (Marian/opus-mt, T5, BART style) model directory:
 * <ul>
 *   <li>{@code model.properties}: {@code kind=seq2seq}; optional {@code engine} ({@code OnnxRuntime}
 *       or {@code PyTorch}; default: ONNX Runtime when {@code encoder_model.onnx} is there, else
 *       PyTorch) and {@code max_input_tokens} (default 512; at most config.json's
 *       {@code max_position_embeddings}, where it has one); other keys are refused, as a
 *       {@link ModelDescriptor} refuses them;</li>
 *   <li>{@code config.json} (Hugging Face): {@code decoder_layers} (or {@code num_decoder_layers},
 *       {@code num_layers}), {@code decoder_start_token_id}, {@code eos_token_id}, {@code pad_token_id},
 *       optional {@code forced_bos_token_id}, {@code forced_eos_token_id}, {@code bad_words_ids};</li>
 *   <li>optional {@code generation_config.json}: its ids override config.json's, and its
 *       {@code max_new_tokens} / {@code max_length}, {@code num_beams}, {@code length_penalty},
 *       {@code no_repeat_ngram_size}, {@code early_stopping} are the decoding defaults;</li>
 *   <li>{@code tokenizer.json} (SentencePiece-based tokenizers included);</li>
 *   <li>the weights of {@link DjlSeq2SeqBackend}.</li>
 * </ul>
 * Thread-safe: calls are serialized (one generation loop at a time per model).
 */
public final class Seq2SeqModel implements AutoCloseable {

    public static final String KIND = "seq2seq";
    static final int DEFAULT_MAX_INPUT_TOKENS = 512;
    static final int DEFAULT_MAX_NEW_TOKENS = 128;
    private static final Set<String> KEYS = Set.of("kind", "engine", "max_input_tokens");

    private final String id;
    private final String version;
    private final String engine;
    private final HuggingFaceTokenizer tokenizer;
    private final DjlSeq2SeqBackend backend;
    private final Seq2SeqGenerator generator;
    private final Seq2SeqTokens tokens;
    private final GenerationOptions defaults;
    private final int maxInputTokens;
    private final int maxPositions;
    private final NativeUse use;

    /** Generated text and ids of one input. */
    public record Generation(String text, long[] ids) {}

    private Seq2SeqModel(String id, String version, String engine, HuggingFaceTokenizer tokenizer,
                         DjlSeq2SeqBackend backend, Seq2SeqTokens tokens, GenerationOptions defaults, int maxInputTokens,
                         int maxPositions) {
        this.id = id;
        this.version = version;
        this.engine = engine;
        this.tokenizer = tokenizer;
        this.backend = backend;
        this.tokens = tokens;
        this.use = new NativeUse("seq2seq model " + id);
        this.generator = new Seq2SeqGenerator(backend, tokens);
        this.defaults = defaults;
        this.maxInputTokens = maxInputTokens;
        this.maxPositions = maxPositions;
    }

    /** True when {@code directory} declares {@code kind=seq2seq} in its model.properties. */
    public static boolean isSeq2Seq(Path directory) {
        Path props = directory.resolve("model.properties");
        if (!Files.isRegularFile(props)) {
            return false;
        }
        return KIND.equals(properties(directory).getProperty("kind", "").strip());
    }

    /**
     * @param engine null to choose from the files present
     * @throws IllegalArgumentException when the directory is not a usable seq2seq model
     */
    public static Seq2SeqModel load(Path directory, String engine, Device device) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("seq2seq model directory " + directory + " does not exist");
        }
        Properties p = properties(dir);
        String kind = p.getProperty("kind", "").strip();
        if (!kind.equals(KIND)) {
            throw new IllegalArgumentException("model directory " + dir + " is of kind '" + kind + "'; a seq2seq task needs "
                    + "kind=seq2seq in model.properties");
        }
        ModelDescriptor.refuseUnknownKeys(p, dir + "/model.properties", KEYS, null);
        String eng = engine != null ? engine : p.getProperty("engine", "").strip();
        if (eng.isEmpty()) {
            eng = Files.isRegularFile(dir.resolve("encoder_model.onnx")) ? DjlSeq2SeqBackend.ONNX_RUNTIME
                    : DjlSeq2SeqBackend.PYTORCH;
        }
        List<String> files = eng.equals(DjlSeq2SeqBackend.ONNX_RUNTIME)
                ? List.of("encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx")
                : eng.equals(DjlSeq2SeqBackend.PYTORCH) ? List.of("encoder.pt", "decoder.pt", "decoder_with_past.pt") : null;
        if (files == null) {
            throw new IllegalArgumentException(dir + "/model.properties: engine '" + eng + "' is not allowed; allowed: "
                    + DjlSeq2SeqBackend.ONNX_RUNTIME + ", " + DjlSeq2SeqBackend.PYTORCH);
        }
        for (String f : files) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                String hint = Files.isRegularFile(dir.resolve("decoder_model_merged.onnx"))
                        ? " (a merged decoder is not supported: export the decoder and the decoder with past separately)" : "";
                throw new IllegalArgumentException("seq2seq model directory " + dir + " has no " + f + hint
                        + "; required for " + eng + ": " + String.join(", ", files));
            }
        }
        for (String f : List.of("tokenizer.json", "config.json")) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException("seq2seq model directory " + dir + " has no " + f);
            }
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode config;
        JsonNode generation;
        try {
            config = json.readTree(dir.resolve("config.json").toFile());
            Path gen = dir.resolve("generation_config.json");
            generation = Files.isRegularFile(gen) ? json.readTree(gen.toFile()) : json.createObjectNode();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the config of " + dir + ": " + e.getMessage(), e);
        }
        int layers = firstInt(config, -1, "decoder_layers", "num_decoder_layers", "num_layers");
        if (layers < 1) {
            throw new IllegalArgumentException(dir + "/config.json has no decoder_layers (or num_decoder_layers, num_layers)");
        }
        Seq2SeqTokens tokens = tokens(config, generation, dir);
        int maxNew = generation.has("max_new_tokens") ? generation.get("max_new_tokens").asInt()
                : generation.has("max_length") ? generation.get("max_length").asInt() - 1
                : config.has("max_length") ? config.get("max_length").asInt() - 1 : DEFAULT_MAX_NEW_TOKENS;
        GenerationOptions defaults = new GenerationOptions(Math.max(1, maxNew),
                Math.max(1, pick(generation, config, "num_beams").asInt(1)),
                pick(generation, config, "length_penalty").asDouble(1.0),
                Math.max(0, pick(generation, config, "no_repeat_ngram_size").asInt(0)),
                pick(generation, config, "early_stopping").asBoolean(false));
        int maxPositions = firstInt(config, -1, "max_position_embeddings");
        int maxInput = maxInputTokens(p, dir, maxPositions);
        HuggingFaceTokenizer tokenizer = null;
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(dir.resolve("tokenizer.json"))
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxInput)
                    .optPadding(false)
                    .build();
            DjlSeq2SeqBackend backend = DjlSeq2SeqBackend.load(dir, eng, layers, device,
                    Runtime.getRuntime().availableProcessors());
            return new Seq2SeqModel(dir.getFileName().toString(), digest(dir.resolve(files.get(0)), dir.resolve(files.get(1))),
                    eng, tokenizer, backend, tokens, defaults, maxInput, maxPositions);
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new InferenceException("cannot load seq2seq model " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code max_input_tokens}, checked now: a value beyond the model's position embeddings (config.json's
     * {@code max_position_embeddings}, where the model has them) would load and warm up on short texts,
     * then fail every record longer than the model takes.
     */
    private static int maxInputTokens(Properties p, Path dir, int maxPositions) {
        String value = p.getProperty("max_input_tokens");
        int maxInput;
        if (value == null || value.isBlank()) {
            maxInput = DEFAULT_MAX_INPUT_TOKENS;
        } else {
            try {
                maxInput = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                maxInput = 0;
            }
            if (maxInput < 1) {
                throw new IllegalArgumentException(dir + "/model.properties: max_input_tokens '" + value.strip()
                        + "' is not allowed; allowed: an integer >= 1");
            }
        }
        if (maxPositions > 0 && maxInput > maxPositions) {
            throw new IllegalArgumentException(dir + "/model.properties: max_input_tokens is " + maxInput
                    + (value == null || value.isBlank() ? " (the default)" : "") + ", but the model's encoder takes at most "
                    + maxPositions + " tokens (max_position_embeddings in config.json); set max_input_tokens="
                    + maxPositions + " or less");
        }
        return maxInput;
    }

    private static Seq2SeqTokens tokens(JsonNode config, JsonNode generation, Path dir) {
        JsonNode eos = pick(generation, config, "eos_token_id");
        Set<Long> eosIds = new HashSet<>();
        if (eos.isArray()) {
            eos.forEach(e -> eosIds.add(e.asLong()));
        } else if (eos.isNumber()) {
            eosIds.add(eos.asLong());
        }
        if (eosIds.isEmpty()) {
            throw new IllegalArgumentException(dir + "/config.json has no eos_token_id");
        }
        JsonNode pad = pick(generation, config, "pad_token_id");
        long padId = pad.isNumber() ? pad.asLong() : eosIds.iterator().next();
        JsonNode start = pick(generation, config, "decoder_start_token_id");
        long startId = start.isNumber() ? start.asLong() : padId;
        Set<Long> banned = new HashSet<>();
        JsonNode bad = pick(generation, config, "bad_words_ids");
        if (bad.isArray()) {
            for (JsonNode seq : bad) {
                if (seq.isArray() && seq.size() == 1) {
                    banned.add(seq.get(0).asLong());
                }
            }
        }
        return new Seq2SeqTokens(startId, eosIds, padId, pick(generation, config, "forced_bos_token_id").asLong(-1),
                pick(generation, config, "forced_eos_token_id").asLong(-1), banned);
    }

    private static JsonNode pick(JsonNode first, JsonNode second, String key) {
        JsonNode v = first.get(key);
        if (v == null || v.isNull()) {
            v = second.get(key);
        }
        return v == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : v;
    }

    private static int firstInt(JsonNode node, int dflt, String... keys) {
        for (String k : keys) {
            if (node.has(k) && node.get(k).isNumber()) {
                return node.get(k).asInt();
            }
        }
        return dflt;
    }

    private static Properties properties(Path dir) {
        Properties p = new Properties();
        Path file = dir.resolve("model.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return p;
    }

    private static String digest(Path... files) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path f : files) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest()).substring(0, 12);
    }

    /** Model id for provenance: the directory name. */
    public String modelId() {
        return id;
    }

    /** A digest of the encoder and decoder weights. */
    public String modelVersion() {
        return version;
    }

    public String engine() {
        return engine;
    }

    public Seq2SeqTokens tokens() {
        return tokens;
    }

    /** Decoding settings from the model's generation config (or built-in defaults). */
    public GenerationOptions defaults() {
        return defaults;
    }

    public int maxInputTokens() {
        return maxInputTokens;
    }

    /**
     * Most tokens one generation may produce: the decoder reads the start token and every generated
     * token but the last at positions 0, 1, ..., so with {@code max_position_embeddings} in config.json
     * no more than that many; 0 when the model declares no such limit (relative positions, as T5).
     */
    public int maxNewTokensLimit() {
        return Math.max(0, maxPositions);
    }

    /** Token ids of {@code prompt + text} as the model reads them (special tokens added, truncated). */
    public long[] encode(String text) {
        return use.call(() -> tokenizer.encode(text).getIds());
    }

    /** Text of generated ids, special tokens removed. */
    public String decode(long[] ids) {
        return use.call(() -> tokenizer.decode(ids, true).strip());
    }

    /** Generates from already tokenized inputs. */
    public synchronized List<long[]> generateIds(List<long[]> inputs, GenerationOptions options) {
        return use.call(() -> generator.generate(inputs, options));
    }

    /** {@code prompt} is put before every text; one result per text, in order. */
    public List<Generation> generate(List<String> texts, String prompt, GenerationOptions options) {
        return generate(texts, prompt, options, null);
    }

    /**
     * As {@link #generate(List, String, GenerationOptions)}, with inputs cut to {@code maxInputTokens}
     * (null: the model's {@code max_input_tokens}); a cut input keeps its final special token.
     */
    public List<Generation> generate(List<String> texts, String prompt, GenerationOptions options,
                                     Integer maxInputTokens) {
        Objects.requireNonNull(options, "options");
        List<long[]> inputs = new ArrayList<>(texts.size());
        for (String t : texts) {
            long[] ids = encode(prompt == null ? t : prompt + t);
            if (maxInputTokens != null && ids.length > maxInputTokens) {
                long last = ids[ids.length - 1];
                ids = java.util.Arrays.copyOf(ids, maxInputTokens);
                if (tokens.eosTokenIds().contains(last)) {
                    ids[ids.length - 1] = last;
                }
            }
            inputs.add(ids);
        }
        List<long[]> ids = generateIds(inputs, options);
        List<Generation> out = new ArrayList<>(ids.size());
        for (long[] g : ids) {
            out.add(new Generation(decode(g), g));
        }
        return out;
    }

    @Override
    public void close() {
        use.close(() -> {
            backend.close();
            tokenizer.close();
        });
    }

    @Override
    public String toString() {
        return "Seq2SeqModel[" + id + " " + version + " on " + engine + "]";
    }
}
