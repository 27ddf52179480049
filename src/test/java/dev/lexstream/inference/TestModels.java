// The builtin int8 MiniLM loaded once per test JVM and shared by the test classes that run it, as TestKafka shares a broker.
package dev.lexstream.inference;

import java.nio.file.Path;

public final class TestModels {

    private static TextEmbedder minilm;

    private TestModels() {
    }

    /** The shared model, loaded on first use and closed when the test JVM exits; callers must not close it. */
    public static synchronized TextEmbedder minilm() {
        if (minilm == null) {
            minilm = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2-q"), DeviceSpec.cpu(),
                    Path.of(System.getProperty("lexstream.work", "target/lexstream-work")));
            Runtime.getRuntime().addShutdownHook(new Thread(minilm::close, "test-models-shutdown"));
        }
        return minilm;
    }
}
