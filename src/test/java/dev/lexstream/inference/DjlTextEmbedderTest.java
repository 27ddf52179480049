package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DjlTextEmbedderTest {

    static final String CAT = "The cat sits on the mat";
    static final String CAT2 = "A cat is sitting on a rug";
    static final String STOCKS = "Stock markets fell sharply today";

    static Path workDir() {
        return Path.of(System.getProperty("lexstream.work", "target/lexstream-work"));
    }

    TextEmbedder fp32;
    TextEmbedder int8;

    @BeforeAll
    void load() {
        var options = new DjlTextEmbedder.Options(2, 2);
        fp32 = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2"), DeviceSpec.cpu(), workDir(), options);
        int8 = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2-q"), DeviceSpec.cpu(), workDir(), options);
    }

    @AfterAll
    void close() {
        if (fp32 != null) {
            fp32.close();
        }
        if (int8 != null) {
            int8.close();
        }
    }

    static double cos(float[] a, float[] b) {
        return Vectors.dot(a, b);
    }

    @Test
    void aCountedTextIsNotTokenizedAgainAndEmbedsTheSame() {
        DjlModel model = ((DjlTextEmbedder) int8).model();
        List<String> texts = List.of(CAT, CAT2, STOCKS, CAT);
        float[][] uncounted = int8.embed(texts);
        for (String text : texts) {
            int8.countTokens(text);
        }
        assertThat(model.countedTexts()).isEqualTo(3);
        float[][] counted = int8.embed(texts);
        assertThat(model.countedTexts()).as("run texts leave the store").isZero();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(counted[i]).containsExactly(uncounted[i]);
        }
    }

    @Test
    void tokenRowsAreWhatDjlsEncodingSaysTruncatedAtTheModelsMaximum() {
        var tokenizer = ((DjlTextEmbedder) int8).model().tokenizer();
        String longText = String.join(" ", java.util.Collections.nCopies(400, "markets"));
        for (String text : List.of(CAT, STOCKS, "naïve café — 東京", longText)) {
            var encoding = tokenizer.encode(text);
            TokenBatch.Row row = TokenBatch.row(tokenizer, text);
            assertThat(row.ids()).containsExactly(encoding.getIds());
            assertThat(row.mask()).containsExactly(encoding.getAttentionMask());
            assertThat(row.types()).containsExactly(encoding.getTypeIds());
        }
        assertThat(TokenBatch.row(tokenizer, longText).ids()).hasSize(int8.maxTokens());
        TokenBatch batch = TokenBatch.encode(tokenizer, List.of(CAT, longText), new java.util.HashMap<>());
        assertThat(batch.ids()[0]).containsExactly(tokenizer.encode(CAT).getIds());
        assertThat(batch.ids()[1]).hasSize(int8.maxTokens());
    }

    @Test
    void embedsWithExpectedSimilarities() {
        float[][] f = fp32.embed(List.of(CAT, CAT2, STOCKS));
        assertThat(cos(f[0], f[1])).isCloseTo(0.7695, within(0.01));
        assertThat(cos(f[0], f[2])).isCloseTo(0.0526, within(0.02));
        for (float[] v : f) {
            assertThat(Vectors.dot(v, v)).isCloseTo(1.0, within(1e-5));
        }

        float[][] q = int8.embed(List.of(CAT, CAT2, STOCKS));
        assertThat(cos(q[0], q[1])).isCloseTo(0.7695, within(0.05));
        assertThat(cos(q[0], q[2])).isCloseTo(0.0526, within(0.05));

        // padding must not change results: a mixed-length batch equals each text alone
        List<String> texts = List.of(
                "Hi",
                CAT,
                "Central banks in several countries raised interest rates again this week, citing "
                        + "persistent inflation in services and a tight labour market.",
                STOCKS);
        float[][] batch = fp32.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = fp32.embed(List.of(texts.get(i)))[0];
            assertThat(maxAbsDiff(batch[i], alone)).as("fp32 text %d", i).isLessThan(1e-4f);
        }
        // The int8 model quantizes activations dynamically with one scale per tensor, i.e. per
        // batch: batch-mates shift each other's vectors slightly even without any padding
        // (measured: "Hi" batched with "Yo", same length, cos 0.981 to "Hi" alone). Only a
        // loose bound holds there.
        float[][] qBatch = int8.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = int8.embed(List.of(texts.get(i)))[0];
            assertThat(cos(qBatch[i], alone)).as("int8 text %d", i).isGreaterThan(0.97);
        }
        float[][] twins = int8.embed(List.of(texts.get(0), texts.get(0)));
        assertThat(maxAbsDiff(twins[0], int8.embed(List.of(texts.get(0)))[0])).isLessThan(1e-6f);
    }

    @Test
    void reportsModelMetadata() {
        assertThat(fp32.modelId()).isEqualTo("builtin:all-minilm-l6-v2");
        assertThat(int8.modelId()).isEqualTo("builtin:all-minilm-l6-v2-q");
        assertThat(int8.modelVersion()).isEqualTo("1.19.0-beta29");
        assertThat(int8.dimension()).isEqualTo(384);
        assertThat(fp32.dimension()).isEqualTo(384);
        assertThat(int8.maxTokens()).isEqualTo(256);
        assertThat(int8.embed(List.of())).isEmpty();
    }

    @Test
    void countsTokensAndTruncatesAtMaxTokens() {
        // [CLS] the cat sits on the mat [SEP]
        assertThat(int8.countTokens(CAT)).isEqualTo(8);
        String longText = "word ".repeat(1000);
        assertThat(int8.countTokens(longText)).isEqualTo(256);
        // the tail past max tokens is cut off, so it cannot change the embedding
        float[][] v = int8.embed(List.of(longText, longText + " completely different ending about finance"));
        assertThat(maxAbsDiff(v[0], v[1])).isLessThan(1e-6f);
    }

    @Test
    void isSafeToCallFromSeveralThreads() throws Exception {
        List<String> texts = List.of(CAT, CAT2, STOCKS, "Another short sentence");
        float[][] expected = int8.embed(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> int8.embed(texts)));
            }
            for (Future<float[][]> r : results) {
                float[][] got = r.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(maxAbsDiff(got[i], expected[i])).isLessThan(1e-5f);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadsADirectorySourceWithHashVersion(@TempDir Path dir) throws IOException {
        Path extracted = workDir().resolve("models/all-minilm-l6-v2-q");
        Path modelDir = Files.createDirectory(dir.resolve("minilm-int8"));
        Files.copy(extracted.resolve("model.onnx"), modelDir.resolve("encoder.onnx"));
        Files.copy(extracted.resolve("tokenizer.json"), modelDir.resolve("tokenizer.json"));
        Files.writeString(modelDir.resolve("model.properties"), "kind=text-embedding\nmax_tokens=128\n");

        try (TextEmbedder e = DjlTextEmbedder.load(
                ModelSource.parse(modelDir.toString()), DeviceSpec.cpu(), workDir(), new DjlTextEmbedder.Options(1, 1))) {
            assertThat(e.modelId()).isEqualTo("minilm-int8");
            assertThat(e.modelVersion()).matches("sha256:[0-9a-f]{12}");
            assertThat(e.maxTokens()).isEqualTo(128);
            assertThat(e.countTokens("word ".repeat(500))).isEqualTo(128);
            float[] mine = e.embed(List.of(CAT))[0];
            assertThat(maxAbsDiff(mine, int8.embed(List.of(CAT))[0])).isLessThan(1e-6f);
        }
    }

    @Test
    void anInterruptedSplitBatchReturnsOnlyOnceEveryPartHasEnded() throws Exception {
        // two predictors: a batch of 64 is cut into parts that a pool thread runs beside the caller
        TextEmbedder e = DjlTextEmbedder.load(
                ModelSource.parse("builtin:all-minilm-l6-v2-q"), DeviceSpec.cpu(), workDir(), new DjlTextEmbedder.Options(1, 2));
        try {
            DjlModel model = ((DjlTextEmbedder) e).model();
            List<String> texts = java.util.Collections.nCopies(64, (STOCKS + " ").repeat(6));
            // whether a part is still running when the caller leaves is a race: several rounds
            for (int round = 0; round < 5; round++) {
                Thread caller = new Thread(() -> {
                    try {
                        e.embed(texts);
                    } catch (RuntimeException interrupted) {
                        // expected: the caller leaves early
                    }
                });
                caller.start();
                while (model.idlePredictors() > 0 && caller.isAlive()) {
                    Thread.onSpinWait(); // until both predictors run a part
                }
                caller.interrupt();
                caller.join();
                // a part still running would hold a predictor, and close() could free its session under it
                assertThat(model.idlePredictors()).as("round %d", round).isEqualTo(2);
            }
        } finally {
            e.close();
        }
    }

    @Test
    void refusesUseAfterCloseAsShutdown() {
        TextEmbedder e = DjlTextEmbedder.load(
                ModelSource.parse("builtin:all-minilm-l6-v2-q"), DeviceSpec.cpu(), workDir(), new DjlTextEmbedder.Options(1, 1));
        e.close();
        e.close();
        assertThatThrownBy(() -> e.embed(List.of(CAT))).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.countTokens(CAT)).isInstanceOf(RejectedExecutionException.class);
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
