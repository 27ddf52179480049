package dev.lexstream.translate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Against the worked example of sacreBLEU's README (sacreBLEU 2.0 defaults). */
class TranslationMetricsTest {

    static final List<List<String>> REFS = List.of(
            List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));
    static final List<String> SYS = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");

    @Test
    void bleuMatchesSacrebleuReadme() {
        // BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
        TranslationMetrics.Bleu bleu = TranslationMetrics.bleu(SYS, REFS);
        assertThat(bleu.toString()).isEqualTo(
                "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");
    }

    @Test
    void chrfMatchesSacrebleuReadme() {
        // chrF2 = 59.73
        assertThat(TranslationMetrics.chrf(SYS, REFS)).isCloseTo(59.73, within(0.005));
    }

    @Test
    void identicalIsPerfectAndEmptyIsZero() {
        assertThat(TranslationMetrics.bleu(List.of("a b c d e"), List.of(List.of("a b c d e"))).score()).isCloseTo(100, within(1e-9));
        assertThat(TranslationMetrics.chrf(List.of("hola mundo"), List.of(List.of("hola mundo")))).isCloseTo(100, within(1e-9));
        assertThat(TranslationMetrics.bleu(List.of(""), List.of(List.of("a b c d e"))).score()).isZero();
        assertThat(TranslationMetrics.chrf(List.of(""), List.of(List.of("a b")))).isZero();
    }

    @Test
    void tokenizes13a() {
        assertThat(TranslationMetrics.tokenize13a("It wasn't 3.5, \"ok\"-ish 2-3."))
                .isEqualTo("It wasn't 3.5 , \" ok \" -ish 2 - 3 .");
    }
}
