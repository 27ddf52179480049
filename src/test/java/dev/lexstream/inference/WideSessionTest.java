package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The wide ONNX Runtime session that runs batches too small to split over the predictors: where
 * it exists, which calls take it, and that it gives the vectors the narrow predictors give.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WideSessionTest {

    static final List<String> TEXTS = List.of(
            "Hi",
            DjlTextEmbedderTest.CAT,
            DjlTextEmbedderTest.CAT2,
            DjlTextEmbedderTest.STOCKS,
            "Central banks in several countries raised interest rates again this week, citing persistent "
                    + "inflation in services and a tight labour market.",
            "The match was postponed because of heavy rain",
            "A new species of frog was found in the rainforest",
            "Quarterly revenue beat expectations on strong cloud sales",
            "She plays the violin in the city orchestra");

    DjlTextEmbedder fp32;
    DjlTextEmbedder int8;

    @BeforeAll
    void load() {
        var options = new DjlTextEmbedder.Options(1, 2, 2);
        fp32 = (DjlTextEmbedder) DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2"), DeviceSpec.cpu(),
                DjlTextEmbedderTest.workDir(), options);
        int8 = (DjlTextEmbedder) DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2-q"), DeviceSpec.cpu(),
                DjlTextEmbedderTest.workDir(), options);
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

    @Test
    void theWidePathGivesTheNarrowPathsVectors() {
        DjlModel m = fp32.model();
        assertThat(m.wideThreads()).isEqualTo(2);
        for (List<String> batch : List.of(TEXTS.subList(0, 1), TEXTS.subList(4, 5), TEXTS.subList(0, 7))) {
            float[][] wide = m.predictUnsplit(batch, true);
            float[][] narrow = m.predictUnsplit(batch, false);
            for (int i = 0; i < batch.size(); i++) {
                assertThat(Vectors.cosine(wide[i], narrow[i])).as("fp32 %s", batch.get(i)).isGreaterThanOrEqualTo(0.99999);
            }
        }
        // int8: the same batch gets the same activation scales on either path, so only the
        // threads' summation order differs
        float[][] wide = int8.model().predictUnsplit(TEXTS.subList(0, 7), true);
        float[][] narrow = int8.model().predictUnsplit(TEXTS.subList(0, 7), false);
        for (int i = 0; i < wide.length; i++) {
            assertThat(Vectors.cosine(wide[i], narrow[i])).as("int8 %s", TEXTS.get(i)).isGreaterThanOrEqualTo(0.999);
        }
    }

    @Test
    void batchesTooSmallToSplitRunOnTheWideSessionAndSplitOnesDoNot() {
        DjlModel m = fp32.model();
        long runs = m.wideRuns();
        float[][] one = fp32.embed(TEXTS.subList(0, 1));
        assertThat(m.wideRuns()).isEqualTo(runs + 1);
        float[][] seven = fp32.embed(TEXTS.subList(0, 7)); // 7 / MIN_PART = 1 part: not split
        assertThat(m.wideRuns()).isEqualTo(runs + 2);
        float[][] eight = fp32.embed(TEXTS.subList(0, 2 * DjlModel.MIN_PART)); // 2 parts of 4
        assertThat(m.wideRuns()).isEqualTo(runs + 2);

        // and each text gets the vector it gets alone on a narrow predictor, whichever path ran it
        float[][] alone = new float[TEXTS.size()][];
        for (int i = 0; i < TEXTS.size(); i++) {
            alone[i] = m.predictUnsplit(List.of(TEXTS.get(i)), false)[0];
        }
        assertThat(Vectors.cosine(one[0], alone[0])).isGreaterThanOrEqualTo(0.99999);
        for (int i = 0; i < 7; i++) {
            assertThat(Vectors.cosine(seven[i], alone[i])).as("7 texts, text %d", i).isGreaterThanOrEqualTo(0.99999);
        }
        for (int i = 0; i < 8; i++) {
            assertThat(Vectors.cosine(eight[i], alone[i])).as("8 texts, text %d", i).isGreaterThanOrEqualTo(0.99999);
        }
    }

    @Test
    void aLargeBatchCutIntoMorePartsThanPredictorsGivesEachTextItsOwnVectorInOrder() {
        DjlModel m = fp32.model();
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) { // lengths from 1 word to a paragraph, unsorted
            String base = TEXTS.get(i % TEXTS.size());
            texts.add((i % 3 == 0 ? base + " " + base + " " + base : base) + " #" + i);
        }
        assertThat(DjlModel.partCount(texts.size(), 2)).as("more parts than predictors").isEqualTo(4);
        long wide = m.wideRuns();
        float[][] batched = fp32.embed(texts);
        assertThat(m.wideRuns()).isEqualTo(wide);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = m.predictUnsplit(List.of(texts.get(i)), false)[0];
            assertThat(Vectors.cosine(batched[i], alone)).as("text %d", i).isGreaterThanOrEqualTo(0.99999);
        }
    }

    @Test
    void cutsBatchesIntoAMultipleOfThePredictorsSoNoneRunsALastPartAlone() {
        assertThat(DjlModel.partCount(8, 2)).isEqualTo(2);
        assertThat(DjlModel.partCount(24, 2)).as("3 parts of 8 would leave one alone").isEqualTo(2);
        assertThat(DjlModel.partCount(32, 2)).isEqualTo(4);
        assertThat(DjlModel.partCount(64, 2)).isEqualTo(4);
        assertThat(DjlModel.partCount(48, 3)).isEqualTo(6);
        assertThat(DjlModel.partCount(47, 3)).isEqualTo(3);
    }

    @Test
    void concurrentSmallBatchesShareTheWideSessionSafely() throws Exception {
        DjlModel m = fp32.model();
        List<String> texts = TEXTS.subList(1, 4);
        float[][] expected = m.predictUnsplit(texts, false);
        long runs = m.wideRuns();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> fp32.embed(texts)));
            }
            for (Future<float[][]> r : results) {
                float[][] got = r.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(Vectors.cosine(got[i], expected[i])).isGreaterThanOrEqualTo(0.99999);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // a caller that finds the wide session busy takes a narrow predictor instead of waiting
        assertThat(m.wideRuns() - runs).isBetween(1L, 16L);
    }

    @Test
    void thereIsNoWideSessionWhereItCannotHelp() {
        String onnx = Fixtures.dir(Fixtures.EMBED_ONNX).toString();
        String torch = Fixtures.dir(Fixtures.EMBED_PT).toString();
        assertThat(wideThreads(onnx, new DjlTextEmbedder.Options(1, 2, 2))).isEqualTo(2);
        assertThat(wideThreads(onnx, new DjlTextEmbedder.Options(1, 2, 0))).as("turned off").isZero();
        assertThat(wideThreads(onnx, new DjlTextEmbedder.Options(1, 2))).as("the two-argument options").isZero();
        assertThat(wideThreads(onnx, new DjlTextEmbedder.Options(1, 1, 2))).as("one predictor: nothing is split")
                .isZero();
        assertThat(wideThreads(onnx, new DjlTextEmbedder.Options(2, 2, 2))).as("no wider than a narrow one").isZero();
        assertThat(wideThreads(torch, new DjlTextEmbedder.Options(1, 2, 2))).as("PyTorch: threads per process")
                .isZero();
    }

    private static int wideThreads(String dir, DjlTextEmbedder.Options options) {
        try (DjlTextEmbedder e = (DjlTextEmbedder) DjlTextEmbedder.load(ModelSource.parse(dir), DeviceSpec.cpu(),
                DjlTextEmbedderTest.workDir(), options)) {
            return e.model().wideThreads();
        }
    }

    @Test
    void classifiersGetTheWideSessionToo() {
        JsonNode ref = Fixtures.reference(Fixtures.CLS_ONNX);
        List<String> texts = Fixtures.texts(ref);
        float[][] logits = Fixtures.matrix(ref.get("logits"));
        try (DjlTextClassifier c = (DjlTextClassifier) DjlTextClassifier.load(
                ModelSource.parse(Fixtures.dir(Fixtures.CLS_ONNX).toString()), DeviceSpec.cpu(),
                DjlTextEmbedderTest.workDir(), new DjlTextEmbedder.Options(1, 2, 2))) {
            assertThat(c.model().wideThreads()).isEqualTo(2);
            for (int i = 0; i < texts.size(); i++) {
                float[] got = c.logits(List.of(texts.get(i)))[0];
                assertThat(Fixtures.maxAbsDiff(got, logits[i])).as(texts.get(i)).isLessThan(1e-4f);
            }
            assertThat(c.model().wideRuns()).isEqualTo(texts.size());
        }
    }

    @Test
    void defaultsPutEveryCoreOnTheWideSessionUnlessToldOtherwise() {
        int cores = Runtime.getRuntime().availableProcessors();
        String threads = System.getProperty(DjlTextEmbedder.Options.THREADS_PROPERTY);
        String wide = System.getProperty(DjlTextEmbedder.Options.WIDE_THREADS_PROPERTY);
        try {
            System.clearProperty(DjlTextEmbedder.Options.THREADS_PROPERTY);
            System.clearProperty(DjlTextEmbedder.Options.WIDE_THREADS_PROPERTY);
            assertThat(DjlTextEmbedder.Options.defaults().wideThreads()).isEqualTo(cores > 1 ? cores : 0);
            System.setProperty(DjlTextEmbedder.Options.WIDE_THREADS_PROPERTY, "0");
            System.setProperty(DjlTextEmbedder.Options.THREADS_PROPERTY, "1");
            assertThat(DjlTextEmbedder.Options.defaults()).isEqualTo(new DjlTextEmbedder.Options(1, cores, 0));
            System.setProperty(DjlTextEmbedder.Options.WIDE_THREADS_PROPERTY, "all");
            assertThatThrownBy(DjlTextEmbedder.Options::defaults).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-D" + DjlTextEmbedder.Options.WIDE_THREADS_PROPERTY + "='all'");
        } finally {
            restore(DjlTextEmbedder.Options.THREADS_PROPERTY, threads);
            restore(DjlTextEmbedder.Options.WIDE_THREADS_PROPERTY, wide);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
