// Loads a model source as whatever its descriptor says it is.
package dev.lexstream.inference;

import java.nio.file.Path;

/** Entry point for the service and the CLI: one call, the right kind of model. */
public final class Models {

    private Models() {}

    /**
     * @return a {@link TextEmbedder} or a {@link TextClassifier}, by the source's {@code kind}
     * @throws InferenceException when the model cannot be loaded or fails its load-time checks
     */
    public static LoadedModel load(ModelSource source, DeviceSpec device, Path workDir, DjlTextEmbedder.Options options) {
        String kind = source.kind();
        return ModelDescriptor.TEXT_CLASSIFICATION.equals(kind)
                ? DjlTextClassifier.load(source, device, workDir, options)
                : DjlTextEmbedder.load(source, device, workDir, options);
    }

    public static LoadedModel load(ModelSource source, DeviceSpec device, Path workDir) {
        return load(source, device, workDir, DjlTextEmbedder.Options.defaults());
    }
}
