package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builtins run as their fused graph ({@link BertFusion}); these check that the fused graph is
 * what it says (ONNX Runtime's transformer operators, nothing of the export's reshapes left) and
 * computes what the export computes, on the 60 texts of the TorchScript parity test, one at a time
 * and in one padded batch. The export runs as a model directory holding the builtin's own file.
 */
class BertFusionTest {

    static final DjlTextEmbedder.Options OPTIONS = new DjlTextEmbedder.Options(2, 1);
    static final List<String> TEXTS = TorchScriptParityTest.texts();

    static TextEmbedder fp32;
    static TextEmbedder int8;
    static TextEmbedder fp32Export;
    static TextEmbedder int8Export;

    @BeforeAll
    static void load(@TempDir Path exports) throws IOException {
        Path work = DjlTextEmbedderTest.workDir();
        fp32 = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2"), DeviceSpec.cpu(), work, OPTIONS);
        int8 = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2-q"), DeviceSpec.cpu(), work, OPTIONS);
        fp32Export = DjlTextEmbedder.load(exportDirectory(work, "all-minilm-l6-v2", exports), DeviceSpec.cpu(), work, OPTIONS);
        int8Export = DjlTextEmbedder.load(exportDirectory(work, "all-minilm-l6-v2-q", exports), DeviceSpec.cpu(), work, OPTIONS);
    }

    @AfterAll
    static void close() throws Exception {
        for (TextEmbedder e : new TextEmbedder[] {fp32, int8, fp32Export, int8Export}) {
            if (e != null) {
                e.close();
            }
        }
    }

    /** A model directory with the builtin's export as it came out of its jar (resolved by the loads above). */
    static ModelSource exportDirectory(Path work, String builtin, Path parent) throws IOException {
        Path from = work.resolve("models").resolve(builtin);
        Path dir = Files.createDirectories(parent.resolve(builtin));
        Files.copy(from.resolve(ModelSource.EXPORT_FILE), dir.resolve(ModelSource.EXPORT_FILE));
        Files.copy(from.resolve(ModelSource.TOKENIZER_FILE), dir.resolve(ModelSource.TOKENIZER_FILE));
        return ModelSource.parse(dir.toString());
    }

    static Map<String, Long> operators(Path onnx) throws IOException {
        return OnnxModelFile.read(onnx).nodes().stream()
                .collect(Collectors.groupingBy(OnnxModelFile.Node::opType, Collectors.counting()));
    }

    @Test
    void theBuiltinsRunOnOnnxRuntimesFusedTransformerOperators() throws IOException {
        Path models = DjlTextEmbedderTest.workDir().resolve("models");
        Map<String, Long> fp32Ops = operators(models.resolve("all-minilm-l6-v2").resolve(ModelSource.FUSED_FILE));
        Map<String, Long> int8Ops = operators(models.resolve("all-minilm-l6-v2-q").resolve(ModelSource.FUSED_FILE));
        Map<String, Long> export = operators(models.resolve("all-minilm-l6-v2").resolve(ModelSource.EXPORT_FILE));

        assertThat(export).containsEntry("Transpose", 24L).containsEntry("Reshape", 24L);
        assertThat(fp32Ops).containsEntry("EmbedLayerNormalization", 1L).containsEntry("Attention", 6L)
                .containsEntry("SkipLayerNormalization", 12L).containsEntry("BiasGelu", 6L)
                .containsEntry("MatMul", 18L).doesNotContainKeys("Transpose", "Reshape", "Softmax");
        assertThat(int8Ops).containsEntry("QAttention", 6L).containsEntry("MatMulIntegerToFloat", 18L)
                .containsEntry("SkipLayerNormalization", 12L).doesNotContainKeys("Attention", "MatMul", "MatMulInteger");
        assertThat(fp32Ops.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3 + 1 + 6 * 7);
    }

    @Test
    void fusedFp32EmbedsWhatTheExportEmbedsAloneAndInABatch() {
        float[][] batched = fp32.embed(TEXTS);
        float[][] exportBatched = fp32Export.embed(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(Fixtures.maxAbsDiff(batched[i], exportBatched[i])).as(TEXTS.get(i)).isLessThan(1e-5f);
            float[] alone = fp32.embed(List.of(TEXTS.get(i)))[0];
            assertThat(Fixtures.maxAbsDiff(alone, fp32Export.embed(List.of(TEXTS.get(i)))[0])).as(TEXTS.get(i)).isLessThan(1e-5f);
        }
    }

    /**
     * Dynamic quantization scales each activation tensor by its own min and max, so a rounding
     * difference of one float ulp (the fused kernels order their sums differently) can move an
     * activation to the next uint8 step: int8 vectors cannot match bit for bit. The bound is the
     * export's own noise: its vector for a text alone and in a padded batch (whose padding widens
     * the ranges) differ by up to cosine 0.977 here. The fused graph must stay nearer the export
     * than that, alone and batched, and as near fp32 as the export is (measured: 0.99129 both alone).
     */
    @Test
    void fusedInt8EmbedsWhatTheExportEmbedsUpToQuantizationNoise() {
        float[][] alone = new float[TEXTS.size()][];
        float[][] exportAlone = new float[TEXTS.size()][];
        for (int i = 0; i < TEXTS.size(); i++) {
            alone[i] = int8.embed(List.of(TEXTS.get(i)))[0];
            exportAlone[i] = int8Export.embed(List.of(TEXTS.get(i)))[0];
        }
        float[][] batched = int8.embed(TEXTS);
        float[][] exportBatched = int8Export.embed(TEXTS);
        float[][] reference = fp32Export.embed(TEXTS);
        System.out.printf("BertFusionTest int8: export batched vs alone min cos %.5f; fused vs export alone min cos %.5f mean %.5f; batched min %.5f mean %.5f; "
                        + "vs fp32 alone %.5f (export %.5f), batched %.5f (export %.5f)%n",
                minCosine(exportBatched, exportAlone), minCosine(alone, exportAlone), meanCosine(alone, exportAlone),
                minCosine(batched, exportBatched), meanCosine(batched, exportBatched),
                meanCosine(alone, reference), meanCosine(exportAlone, reference),
                meanCosine(batched, reference), meanCosine(exportBatched, reference));
        double exportsOwnNoise = minCosine(exportBatched, exportAlone);
        assertThat(minCosine(alone, exportAlone)).isGreaterThan(exportsOwnNoise);
        assertThat(minCosine(batched, exportBatched)).isGreaterThan(exportsOwnNoise);
        assertThat(meanCosine(alone, reference)).isCloseTo(meanCosine(exportAlone, reference), within(0.002));
        assertThat(meanCosine(batched, reference)).isCloseTo(meanCosine(exportBatched, reference), within(0.002));
    }

    @Test
    void refusesAGraphThatIsNotTheBertExportItKnows(@TempDir Path dir) {
        Path onnx = Fixtures.dir(Fixtures.EMBED_ONNX).resolve("model.onnx");
        assertThatThrownBy(() -> BertFusion.fuse(onnx, dir.resolve("fused.onnx"), 2, 1e-12f))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a BERT export this can fuse");
        assertThat(dir.resolve("fused.onnx")).doesNotExist();
    }

    static double minCosine(float[][] a, float[][] b) {
        double min = 1;
        for (int i = 0; i < a.length; i++) {
            min = Math.min(min, Vectors.cosine(a[i], b[i]));
        }
        return min;
    }

    static double meanCosine(float[][] a, float[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Vectors.cosine(a[i], b[i]);
        }
        return sum / a.length;
    }

}
