package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DeviceSpecTest {

    @Test
    void parsesAllowedValues() {
        assertThat(DeviceSpec.parse("auto")).isEqualTo(DeviceSpec.auto());
        assertThat(DeviceSpec.parse(" CPU ")).isEqualTo(DeviceSpec.cpu());
        assertThat(DeviceSpec.parse("gpu")).hasToString("gpu:0");
        assertThat(DeviceSpec.parse("gpu:3")).hasToString("gpu:3");
        assertThat(DeviceSpec.parse("auto").isAuto()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "tpu", "gpu:", "gpu:-1", "gpu:x", "cuda:0", "gpu0"})
    void rejectsOtherValuesNamingTheAllowedOnes(String bad) {
        assertThatThrownBy(() -> DeviceSpec.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, cpu, gpu, gpu:N");
    }

    @Test
    void resolvesAgainstTheUsableGpus() {
        assertThat(DeviceSpec.auto().resolve(0)).isEqualTo(Device.cpu());
        assertThat(DeviceSpec.auto().resolve(2)).isEqualTo(Device.gpu(0));
        assertThat(DeviceSpec.cpu().resolve(2)).isEqualTo(Device.cpu());
        assertThat(DeviceSpec.parse("gpu:1").resolve(2)).isEqualTo(Device.gpu(1));
        assertThatThrownBy(() -> DeviceSpec.parse("gpu:2").resolve(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gpu:2")
                .hasMessageContaining("2 usable GPU(s)");
        assertThatThrownBy(() -> DeviceSpec.parse("gpu").resolve(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0 usable GPU(s)");
    }

    @Test
    void resolvesOnThisMachine() {
        assertThat(DeviceSpec.cpu().resolve()).isEqualTo(Device.cpu());
        // auto never fails: a GPU when ONNX Runtime can use one, else the CPU
        assertThat(DeviceSpec.auto().resolve()).isIn(Device.cpu(), Device.gpu(0));
    }
}
