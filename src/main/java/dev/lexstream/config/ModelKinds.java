package dev.lexstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Peeks at a model directory's {@code model.properties} for its kind, so that validation knows
 * whether a classify task may leave out {@code labels} (a text-classification model brings its
 * own). The full checks happen when the model loads.
 */
final class ModelKinds {

    private ModelKinds() {
    }

    static boolean isClassification(String source) {
        if (source == null || source.startsWith("builtin:")) {
            return false;
        }
        try {
            Path file = Path.of(source.strip()).resolve("model.properties");
            if (!Files.isRegularFile(file)) {
                return false;
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            return "text-classification".equals(p.getProperty("kind", "").strip());
        } catch (IOException | InvalidPathException e) {
            return false; // the model loader reports unreadable directories with the details
        }
    }
}
