// Model files on disk plus the provenance and descriptor that go with them.
package dev.lexstream.inference;

import java.nio.file.Path;

record ResolvedModel(
        String id, String version, Path weightsFile, WeightsFormat format, Path tokenizerFile, ModelDescriptor descriptor) {

    int maxTokens() {
        return descriptor.maxTokens();
    }
}
