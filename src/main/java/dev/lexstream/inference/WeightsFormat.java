// The two weight formats a model directory may hold, and the DJL engine that runs each.
package dev.lexstream.inference;

import java.nio.file.Path;
import java.util.Locale;

/** {@code *.onnx} runs on ONNX Runtime, {@code *.pt} (TorchScript) on PyTorch (libtorch). */
public enum WeightsFormat {
    ONNX(".onnx", "OnnxRuntime"),
    TORCHSCRIPT(".pt", "PyTorch");

    private final String extension;
    private final String engine;

    WeightsFormat(String extension, String engine) {
        this.extension = extension;
        this.engine = engine;
    }

    public String extension() {
        return extension;
    }

    /** The DJL engine name. */
    public String engine() {
        return engine;
    }

    /** @return the format of a weights file by its extension, or null for any other file */
    static WeightsFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (WeightsFormat f : values()) {
            if (name.endsWith(f.extension) && name.length() > f.extension.length()) {
                return f;
            }
        }
        return null;
    }
}
