package dev.lexstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CloseNamesTest {

    @Test
    void countsInsertionsDeletionsSubstitutionsAndSwapsOfNeighboursAsOneEditEach() {
        assertThat(CloseNames.distance("orders", "orders")).isZero();
        assertThat(CloseNames.distance("orders", "ordres")).isEqualTo(1);
        assertThat(CloseNames.distance("orders", "ordxrs")).isEqualTo(1);
        assertThat(CloseNames.distance("demo.raw", "demo.raws")).isEqualTo(1);
        assertThat(CloseNames.distance("", "abc")).isEqualTo(3);
    }

    @Test
    void picksTheNamesAFewEditsAwayClosestFirstLeavingOutTheNameItselfAndFarOnes() {
        List<String> topics = List.of("demo.raw", "demo.enriched", "demo.dlq", "demo.rav", "other.raw", "demo.raws");

        assertThat(CloseNames.closest("demo.raw", topics, 3)).containsExactly("demo.rav", "demo.raws");
        assertThat(CloseNames.closest("demo.rwa", topics, 3)).containsExactly("demo.raw", "demo.rav", "demo.raws");
        assertThat(CloseNames.closest("demo.rwa", topics, 1)).containsExactly("demo.raw");
        assertThat(CloseNames.closest("payments", topics, 3)).isEmpty();
    }
}
