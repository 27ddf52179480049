// Model files on disk plus the provenance and descriptor that go with them.
package dev.lexstream.inference;

import java.nio.file.Path;

record ResolvedModel(
        String id, String version, Path weightsFile, WeightsFormat format, Path tokenizerFile, ModelDescriptor descriptor) {

    int maxTokens() {
        return descriptor.maxTokens();
    }

    /** The weights file (named so since the first version only knew ONNX). */
    Path onnxFile() {
        return weightsFile;
    }
}
