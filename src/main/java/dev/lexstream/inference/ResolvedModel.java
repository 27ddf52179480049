// Model files on disk plus the provenance that goes with them.
package dev.lexstream.inference;

import java.nio.file.Path;

record ResolvedModel(String id, String version, Path onnxFile, Path tokenizerFile, int maxTokens) {}
