package dev.lexstream.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @Test
    void parsesUnitsAndDecimals() {
        assertThat(Durations.parse("50ms")).isEqualTo(Duration.ofMillis(50));
        assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("0.5ms")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(Durations.parse(" 10ms ")).isEqualTo(Duration.ofMillis(10));
        assertThat(Durations.parse("0ms")).isEqualTo(Duration.ZERO);
    }

    @Test
    void parsesIso8601() {
        assertThat(Durations.parse("PT0.05S")).isEqualTo(Duration.ofMillis(50));
        assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"50", "50 ms", "fast", "-5ms", "5us", "1d", "PTX", "PT-1S", "", "1.s"})
    void rejectsBadFormsNamingAllowedForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed:")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9999999h", "PT9223372036854775807S", "P106752D"})
    void rejectsDurationsBeyondWhatTimersTakeNamingTheLimit(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed: up to 2562047h");
    }

    @Test
    void formatsReadably() {
        assertThat(Durations.format(Duration.ofMillis(50))).isEqualTo("50ms");
        assertThat(Durations.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Durations.format(Duration.ofMinutes(3))).isEqualTo("3m");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.parse(Durations.format(Duration.ofNanos(123)))).isEqualTo(Duration.ofNanos(123));
    }
}
