package dev.lexstream.summarize;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RougeTest {

    @Test
    void matchesHuggingFaceEvaluateExample() {
        // evaluate.load("rouge").compute(predictions=["hello there", "general kenobi"], references=["hello there", "general kenobi"])
        Rouge.Corpus same = Rouge.corpus(List.of("hello there", "general kenobi"), List.of("hello there", "general kenobi"));
        assertThat(same.rouge1()).isEqualTo(1.0);
        assertThat(same.rouge2()).isEqualTo(1.0);
        assertThat(same.rougeL()).isEqualTo(1.0);
        // predictions=["hello goodbye", "ankh morpork"], references=["goodbye", "ankh morpork"]
        // -> rouge1 0.8333, rouge2 0.5, rougeL 0.8333
        Rouge.Corpus c = Rouge.corpus(List.of("hello goodbye", "ankh morpork"), List.of("goodbye", "ankh morpork"));
        assertThat(c.rouge1()).isCloseTo(0.8333, within(1e-4));
        assertThat(c.rouge2()).isCloseTo(0.5, within(1e-9));
        assertThat(c.rougeL()).isCloseTo(0.8333, within(1e-4));
    }

    @Test
    void rougeScoreReadmePair() {
        // rouge_scorer.RougeScorer(['rouge1', 'rougeL']).score('The quick brown fox jumps over the lazy dog',
        //                                                      'The quick brown dog jumps on the log.')
        String target = "The quick brown fox jumps over the lazy dog";
        String prediction = "The quick brown dog jumps on the log.";
        Rouge.Score r1 = Rouge.rougeN(prediction, target, 1);
        assertThat(r1.precision()).isCloseTo(0.75, within(1e-9));
        assertThat(r1.recall()).isCloseTo(6.0 / 9, within(1e-9));
        assertThat(r1.f1()).isCloseTo(0.7058823, within(1e-6));
        Rouge.Score rl = Rouge.rougeL(prediction, target);
        assertThat(rl.precision()).isCloseTo(0.625, within(1e-9));
        assertThat(rl.recall()).isCloseTo(5.0 / 9, within(1e-9));
        assertThat(rl.f1()).isCloseTo(0.5882352, within(1e-6));
    }

    @Test
    void tokenizesLikeRougeScore() {
        assertThat(Rouge.tokens("It's £80m -- U.S. jobs!")).containsExactly("it", "s", "80m", "u", "s", "jobs");
        assertThat(Rouge.rougeL("", "a b").f1()).isZero();
    }
}
