package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * DJL runs offline however the JVM was started: the build's test JVM and the launcher pass
 * {@code -Dai.djl.offline=true} themselves, so without this test nothing would notice the model
 * loader no longer setting it.
 */
class DjlOfflineTest {

    @Test
    void loadingAModelTurnsDjlOfflineWhenTheJvmWasStartedWithoutIt() {
        String before = System.clearProperty(DjlOffline.PROPERTY);
        try {
            try (LoadedModel model = Models.load(ModelSource.parse(Fixtures.dir(Fixtures.EMBED_ONNX).toString()),
                    DeviceSpec.cpu(), TinyModelEnginesTest.work(), TinyModelEnginesTest.OPTIONS)) {
                assertThat(model).isInstanceOf(DjlTextEmbedder.class);
                assertThat(System.getProperty(DjlOffline.PROPERTY)).isEqualTo("true");
            }
        } finally {
            restore(before);
        }
    }

    private static void restore(String value) {
        if (value == null) {
            System.clearProperty(DjlOffline.PROPERTY);
        } else {
            System.setProperty(DjlOffline.PROPERTY, value);
        }
    }
}
