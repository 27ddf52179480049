package dev.lexstream.translate;

import dev.lexstream.batching.Shutdown;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApertiumTranslatorTest {

    private ApertiumTranslator apertium;

    @BeforeAll
    void start() {
        apertium = new ApertiumTranslator();
    }

    @AfterAll
    void stop() {
        apertium.close();
    }

    private void assumeEngSpa() {
        assumeTrue(ApertiumTranslator.installed(),
                "Apertium is not installed: apt-get install apertium apertium-eng-spa apertium-eng-cat");
        assumeTrue(apertium.supports("en", "es"), "apertium-eng-spa is not installed");
    }

    @Test
    void escapesTheStreamFormatAndRestoresIt() {
        String text = "a\\b ^c$ d/e <f> [g] {h} @i\nj";
        String escaped = ApertiumTranslator.escape(text);
        assertThat(escaped).isEqualTo("a\\\\b \\^c\\$ d\\/e \\<f\\> \\[g\\] \\{h\\} \\@i[\\n]j[]");
        assertThat(ApertiumTranslator.unescape(escaped)).isEqualTo(text);
    }

    @Test
    void namesPairsAndPackages() {
        assertThat(ApertiumTranslator.pair("en", "es")).isEqualTo("eng-spa");
        assertThat(ApertiumTranslator.debianPackage("es", "en")).isEqualTo("apertium-eng-spa");
        assertThat(ApertiumTranslator.debianPackage("en", "ca")).isEqualTo("apertium-cat-eng");
    }

    @Test
    void missingPairNamesThePackage() {
        ApertiumTranslator none = new ApertiumTranslator(List.of(Path.of("/nonexistent")), Duration.ofSeconds(5));
        assertThat(none.supports("en", "es")).isFalse();
        assertThatThrownBy(() -> none.translate(List.of("Hello."), "en", "es"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apertium-eng-spa");
    }

    @Test
    void translatesABatchKeepingSpecialCharactersAndLines() {
        assumeEngSpa();
        List<String> out = apertium.translate(List.of(
                "The cat is on the table.",
                "I have a dog.\nIt costs $5 <really> [ok] {x} @home a/b \\ ^.",
                "Hello world."), "en", "es");
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isEqualTo("El gato es en la mesa.");
        assertThat(out.get(1)).startsWith("Tengo un perro.\n").contains("$5", "<", ">", "[", "]", "{x}", "@", "/b", "\\", "^");
        assertThat(out.get(2)).isEqualTo("Hola Mundo.");
        assertThat(apertium.modelId("en", "es")).isEqualTo("apertium:eng-spa");
        assertThat(apertium.modelVersion("en", "es")).isNotBlank();
    }

    @Test
    void restartsAfterACrash() {
        assumeEngSpa();
        assertThat(apertium.translate(List.of("Good morning."), "en", "es")).hasSize(1);
        apertium.killForTest("en", "es");
        assertThat(apertium.translate(List.of("The cat is on the table."), "en", "es"))
                .containsExactly("El gato es en la mesa.");
    }

    @Test
    void aClosedTranslatorRefusesCallsAsShutdownWhetherOrNotApertiumIsInstalled() {
        ApertiumTranslator closed = new ApertiumTranslator(List.of(Path.of("/nonexistent")), Duration.ofSeconds(5));
        closed.close();

        // refused before the installation is looked at: not a failure of the text, which would be dead-lettered
        assertThatThrownBy(() -> closed.translate(List.of("Hello."), "en", "es"))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessage("apertium is closed")
                .satisfies(e -> assertThat(Shutdown.caused(e)).isTrue());
    }

    @Test
    void aCallAfterCloseDoesNotStartTheProcessAgain() {
        assumeEngSpa();
        ApertiumTranslator own = new ApertiumTranslator();
        assertThat(own.translate(List.of("Good morning."), "en", "es")).hasSize(1);
        assertThat(own).hasToString("ApertiumTranslator[eng-spa]");

        own.close();

        assertThatThrownBy(() -> own.translate(List.of("The cat is on the table."), "en", "es"))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(own).hasToString("ApertiumTranslator[]");
    }

    @Test
    void catalan() {
        assumeTrue(ApertiumTranslator.installed() && apertium.supports("en", "ca"), "apertium-eng-cat is not installed");
        assertThat(apertium.translate(List.of("The cat is on the table."), "en", "ca").get(0)).contains("gat");
    }
}
