package dev.lexstream.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The tiny generated models of src/test/resources/fixtures (tools/make_test_fixtures.py). */
final class Fixtures {

    static final String EMBED_PT = "tiny-embed-pt";
    static final String EMBED_ONNX = "tiny-embed-onnx";
    static final String CLS_PT = "tiny-cls-pt";
    static final String CLS_ONNX = "tiny-cls-onnx";

    private Fixtures() {}

    static Path dir(String name) {
        URL url = Fixtures.class.getClassLoader().getResource("fixtures/" + name);
        if (url == null) {
            throw new IllegalStateException("fixture " + name + " missing; run tools/make_test_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A writable copy, to change one file of a fixture. */
    static Path copy(String name, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(dir(name))) {
                for (Path f : files.toList()) {
                    Files.copy(f, target.resolve(f.getFileName()));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sets row {@code row} of the float initializer {@code tensor} of an ONNX file to {@code value},
     * in place: the row's bytes are found in the file and overwritten, so the rest of the file is
     * left as the exporter wrote it. On {@code word_embeddings.weight}, a model broken for one token.
     */
    static void setOnnxRow(Path onnx, String tensor, int row, float value) {
        try {
            OnnxModelFile.Tensor t = OnnxModelFile.read(onnx).initializers().get(tensor);
            int width = (int) t.dims()[1];
            byte[] old = t.raw().substring(row * width * 4, (row + 1) * width * 4).toByteArray();
            byte[] file = Files.readAllBytes(onnx);
            int at = indexOf(file, old);
            if (at < 0 || indexOf(java.util.Arrays.copyOfRange(file, at + 1, file.length), old) >= 0) {
                throw new IllegalStateException("row " + row + " of " + tensor + " is not in " + onnx + " exactly once");
            }
            java.nio.ByteBuffer values = java.nio.ByteBuffer.wrap(file, at, old.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < width; i++) {
                values.putFloat(value);
            }
            Files.write(onnx, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static JsonNode reference(String name) {
        try {
            return new ObjectMapper().readTree(dir(name).resolve("reference.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> texts(JsonNode ref) {
        List<String> out = new ArrayList<>();
        ref.get("texts").forEach(t -> out.add(t.asText()));
        return out;
    }

    static float[][] matrix(JsonNode rows) {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            out[i] = new float[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = (float) row.get(j).asDouble();
            }
        }
        return out;
    }

    static long[] longs(JsonNode row) {
        long[] out = new long[row.size()];
        for (int j = 0; j < row.size(); j++) {
            out[j] = row.get(j).asLong();
        }
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Float.POSITIVE_INFINITY;
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
