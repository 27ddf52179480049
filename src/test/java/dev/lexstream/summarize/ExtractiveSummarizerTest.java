package dev.lexstream.summarize;

import dev.lexstream.config.SummarizeSettings;
import dev.lexstream.inference.TextEmbedder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExtractiveSummarizerTest {

    /** Vectors chosen per sentence: A and A2 say the same thing, B and C are other topics. */
    static final Map<String, float[]> VECTORS = Map.of(
            "Alpha one.", unit(1, 0.2f, 0),
            "Alpha two.", unit(1, 0.25f, 0),
            "Beta here.", unit(0.6f, 1, 0),
            "Gamma there.", unit(0.2f, 0, 1));

    static float[] unit(float... v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }

    static final class FakeEmbedder implements TextEmbedder {
        int calls;

        @Override public String modelId() { return "fake"; }
        @Override public String modelVersion() { return "1"; }
        @Override public int dimension() { return 3; }
        @Override public int maxTokens() { return 256; }
        @Override public int countTokens(String text) { return 1; }
        @Override public void close() {}

        @Override
        public float[][] embed(List<String> texts) {
            calls++;
            return texts.stream().map(VECTORS::get).toArray(float[][]::new);
        }
    }

    static final String TEXT = "Alpha one. Beta here. Alpha two. Gamma there.";

    @Test
    void centralityKeepsTheMostCentralSentencesInTextOrder() {
        ExtractiveSummarizer s = new ExtractiveSummarizer(new FakeEmbedder(), new SentenceSplitter(),
                SummarizeSettings.Ranking.CENTRALITY, 2, null, 0.7);
        assertThat(s.summarize(List.of(TEXT), null)).containsExactly("Alpha one. Alpha two.");
    }

    @Test
    void mmrAvoidsSayingTheSameThingTwice() {
        ExtractiveSummarizer s = new ExtractiveSummarizer(new FakeEmbedder(), new SentenceSplitter(),
                SummarizeSettings.Ranking.MMR, 2, null, 0.5);
        String summary = s.summarize(List.of(TEXT), null).get(0);
        assertThat(summary).contains("Alpha").doesNotContain("Alpha one. Alpha two.");
        assertThat(summary.indexOf("Alpha")).isLessThan(summary.indexOf(summary.contains("Beta") ? "Beta" : "Gamma"));
    }

    @Test
    void budgetFollowsMaxSentencesAndMaxRatioAndShortTextsStayWhole() {
        FakeEmbedder embedder = new FakeEmbedder();
        ExtractiveSummarizer s = new ExtractiveSummarizer(embedder, new SentenceSplitter(),
                SummarizeSettings.Ranking.MMR, 3, 0.25, 0.7);
        assertThat(s.budget(4)).isEqualTo(1);
        assertThat(s.budget(9)).isEqualTo(3);
        assertThat(s.budget(1)).isEqualTo(1);
        List<String> out = s.summarize(List.of("Beta here.", TEXT, "  "), null);
        assertThat(out.get(0)).isEqualTo("Beta here.");
        assertThat(out.get(1)).isIn("Alpha one.", "Alpha two.");
        assertThat(out.get(2)).isEmpty();
        assertThat(embedder.calls).as("one model call for the batch").isEqualTo(1);
    }
}
