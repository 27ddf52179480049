package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LogisticHeadTest {

    /** Three separable clusters on the unit sphere in 8 dimensions, like normalized embeddings. */
    static void blobs(Random random, int perClass, List<float[]> x, List<String> y) {
        String[] labels = {"red", "green", "blue"};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < perClass; i++) {
                float[] v = new float[8];
                for (int d = 0; d < 8; d++) {
                    v[d] = (float) (random.nextGaussian() * 0.3);
                }
                v[c] += 1f;
                x.add(Vectors.normalize(v));
                y.add(labels[c]);
            }
        }
    }

    @Test
    void learnsSeparableClassesWithProbabilities() {
        List<float[]> x = new ArrayList<>();
        List<String> y = new ArrayList<>();
        blobs(new Random(1), 40, x, y);
        LogisticHead head = LogisticHead.train(x, y, List.of("blue", "green", "red"), 10);
        assertThat(head.labels()).containsExactly("blue", "green", "red");
        assertThat(head.dimension()).isEqualTo(8);

        List<float[]> tx = new ArrayList<>();
        List<String> ty = new ArrayList<>();
        blobs(new Random(2), 30, tx, ty);
        int correct = 0;
        for (int i = 0; i < tx.size(); i++) {
            ZeroShotClassifier.Prediction p = head.classify(tx.get(i));
            assertThat(p.scores().keySet()).containsExactly("blue", "green", "red");
            assertThat(p.scores().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-6));
            assertThat(p.score()).isEqualTo(p.scores().get(p.label()));
            if (p.label().equals(ty.get(i))) {
                correct++;
            }
        }
        assertThat(correct / (double) tx.size()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void sameDataGivesTheSameHead() {
        List<float[]> x = new ArrayList<>();
        List<String> y = new ArrayList<>();
        blobs(new Random(3), 20, x, y);
        float[] probe = x.get(7);
        var a = LogisticHead.train(x, y, List.of("red", "green", "blue"), 5).classify(probe);
        var b = LogisticHead.train(x, y, List.of("red", "green", "blue"), 5).classify(probe);
        assertThat(a.scores()).isEqualTo(b.scores());
    }

    @Test
    void refusesBadTrainingData() {
        List<float[]> x = List.of(new float[] {1, 0}, new float[] {0, 1});
        assertThatThrownBy(() -> LogisticHead.train(x, List.of("a"), List.of("a", "b"), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as many labels as embeddings");
        assertThatThrownBy(() -> LogisticHead.train(x, List.of("a", "a"), List.of("a", "b"), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b' has no training example");
        assertThatThrownBy(() -> LogisticHead.train(x, List.of("a", "c"), List.of("a", "b", "c"), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b' has no training example");
        LogisticHead head = LogisticHead.train(x, List.of("a", "b"), List.of("a", "b"), 5);
        assertThatThrownBy(() -> head.classify(new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension 3");
    }
}
