package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both engines (PyTorch for *.pt, ONNX Runtime for *.onnx) and both model kinds on the tiny
 * generated fixtures, against the reference outputs torch computed when it generated them.
 */
class TinyModelEnginesTest {

    static final DjlTextEmbedder.Options OPTIONS = new DjlTextEmbedder.Options(1, 1);

    @TempDir
    Path tmp;

    static Path work() {
        return DjlTextEmbedderTest.workDir();
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.EMBED_PT, Fixtures.EMBED_ONNX, Fixtures.CLS_PT, Fixtures.CLS_ONNX})
    void tokenizerProducesTheReferenceIds(String fixture) throws IOException {
        JsonNode ref = Fixtures.reference(fixture);
        List<String> texts = Fixtures.texts(ref);
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(Fixtures.dir(fixture).resolve("tokenizer.json"))) {
            for (int i = 0; i < texts.size(); i++) {
                assertThat(tok.encode(texts.get(i)).getIds()).as(texts.get(i))
                        .containsExactly(Fixtures.longs(ref.get("ids").get(i)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.EMBED_PT, Fixtures.EMBED_ONNX})
    void embeddingModelsMatchTheReferenceBatchedAndAlone(String fixture) {
        JsonNode ref = Fixtures.reference(fixture);
        List<String> texts = Fixtures.texts(ref);
        float[][] expected = Fixtures.matrix(ref.get("embeddings"));
        try (LoadedModel loaded = Models.load(ModelSource.parse(Fixtures.dir(fixture).toString()), DeviceSpec.cpu(), work(), OPTIONS)) {
            assertThat(loaded).isInstanceOf(DjlTextEmbedder.class);
            DjlTextEmbedder e = (DjlTextEmbedder) loaded;
            assertThat(e.engine()).isEqualTo(fixture.endsWith("-pt") ? "PyTorch" : "OnnxRuntime");
            assertThat(e.dimension()).isEqualTo(32);
            assertThat(e.maxTokens()).isEqualTo(64);
            assertThat(e.modelVersion()).startsWith("sha256:");
            float[][] batch = e.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(Fixtures.maxAbsDiff(batch[i], expected[i])).as("batched %s", texts.get(i)).isLessThan(1e-5f);
                float[] alone = e.embed(List.of(texts.get(i)))[0];
                assertThat(Fixtures.maxAbsDiff(alone, expected[i])).as("alone %s", texts.get(i)).isLessThan(1e-5f);
            }
            assertThat(e.countTokens(texts.get(0))).isEqualTo(ref.get("ids").get(0).size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.EMBED_PT, Fixtures.EMBED_ONNX})
    void aBatchSplitOverSeveralPredictorsKeepsTheOrder(String fixture) {
        JsonNode ref = Fixtures.reference(fixture);
        List<String> once = Fixtures.texts(ref);
        List<String> texts = new java.util.ArrayList<>(once);
        List<String> reversed = new java.util.ArrayList<>(once);
        java.util.Collections.reverse(reversed);
        texts.addAll(reversed);
        texts.addAll(once);
        float[][] expected = Fixtures.matrix(ref.get("embeddings"));
        try (TextEmbedder e = DjlTextEmbedder.load(ModelSource.parse(Fixtures.dir(fixture).toString()), DeviceSpec.cpu(),
                work(), new DjlTextEmbedder.Options(1, 3))) {
            float[][] got = e.embed(texts); // 21 texts: 3 parts of 7, sorted by length
            for (int i = 0; i < texts.size(); i++) {
                int j = once.indexOf(texts.get(i));
                assertThat(Fixtures.maxAbsDiff(got[i], expected[j])).as("text %d", i).isLessThan(1e-5f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.CLS_PT, Fixtures.CLS_ONNX})
    void classificationModelsGiveSoftmaxOverTheirLabels(String fixture) {
        JsonNode ref = Fixtures.reference(fixture);
        List<String> texts = Fixtures.texts(ref);
        float[][] logits = Fixtures.matrix(ref.get("logits"));
        float[][] softmax = Fixtures.matrix(ref.get("softmax"));
        try (LoadedModel loaded = Models.load(ModelSource.parse(Fixtures.dir(fixture).toString()), DeviceSpec.cpu(), work(), OPTIONS)) {
            assertThat(loaded).isInstanceOf(DjlTextClassifier.class);
            DjlTextClassifier c = (DjlTextClassifier) loaded;
            assertThat(c.kind()).isEqualTo("text-classification");
            assertThat(c.labels()).containsExactly("negative", "neutral", "positive");
            assertThat(c.multiLabel()).isFalse();
            float[][] got = c.logits(texts);
            List<ZeroShotClassifier.Prediction> predictions = c.classify(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(Fixtures.maxAbsDiff(got[i], logits[i])).as(texts.get(i)).isLessThan(1e-4f);
                ZeroShotClassifier.Prediction p = predictions.get(i);
                assertThat(p.scores().keySet()).containsExactly("negative", "neutral", "positive");
                assertThat(p.scores().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
                for (int j = 0; j < 3; j++) {
                    assertThat(p.scores().get(c.labels().get(j))).isCloseTo(softmax[i][j], within(1e-4));
                }
                assertThat(p.label()).isEqualTo(c.labels().get(argmax(logits[i])));
                assertThat(p.score()).isEqualTo(p.scores().get(p.label()));
            }
        }
    }

    @Test
    void nonFiniteLogitsFailThePredictionInsteadOfGivingTheFirstLabelANaNScore() {
        // before: label "negative" with score NaN (every comparison with NaN is false), into the output topic
        List<String> labels = List.of("negative", "neutral", "positive");
        for (boolean multiLabel : new boolean[] {false, true}) {
            assertThatThrownBy(() -> DjlTextClassifier.predict(labels, new float[] {Float.NaN, 1f, 2f}, multiLabel))
                    .isInstanceOf(InferenceException.class).hasMessageContaining("NaN");
        }
        assertThatThrownBy(() -> DjlTextClassifier.predict(labels, new float[] {1f, Float.POSITIVE_INFINITY, 2f}, false))
                .isInstanceOf(InferenceException.class).hasMessageContaining("Infinity");
        assertThat(DjlTextClassifier.predict(labels, new float[] {1f, 3f, 2f}, false).label()).isEqualTo("neutral");
    }

    @Test
    void aNonFiniteEmbeddingFailsTheCallSoTheTextCanBeIsolated() {
        // a model broken for one token: "cat" (id 26, in the first text only) embeds as NaN, and with it
        // every token of a text that holds it; before, embed returned the NaN vector, and zero-shot
        // classification gave it the first label with NaN scores, into the enriched topic
        JsonNode ref = Fixtures.reference(Fixtures.EMBED_ONNX);
        assertThat(ref.get("ids").get(0).toString()).contains(",26,");
        Path dir = Fixtures.copy(Fixtures.EMBED_ONNX, tmp.resolve("nan"));
        Fixtures.setOnnxRow(dir.resolve("model.onnx"), "word_embeddings.weight", 26, Float.NaN);
        List<String> texts = Fixtures.texts(ref);
        float[][] expected = Fixtures.matrix(ref.get("embeddings"));
        try (TextEmbedder e = DjlTextEmbedder.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS)) {
            assertThatThrownBy(() -> e.embed(texts)).isInstanceOf(InferenceException.class).hasMessageContaining("NaN");
            assertThatThrownBy(() -> e.embed(List.of(texts.get(0)))).isInstanceOf(InferenceException.class)
                    .hasMessageContaining("text 0 of 1");
            // the other texts are unharmed, batched together: what bisection leaves once the text is isolated
            float[][] rest = e.embed(texts.subList(1, texts.size()));
            for (int i = 1; i < texts.size(); i++) {
                assertThat(Fixtures.maxAbsDiff(rest[i - 1], expected[i])).as(texts.get(i)).isLessThan(1e-5f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.EMBED_ONNX, Fixtures.CLS_ONNX})
    void aModelThatReturnsNaNOnTheProbeInputsIsRefusedAtLoad(String fixture) {
        // position 0 set to NaN: every text holds it, so every record would fail; before, the model
        // loaded and each record was dead-lettered alone after bisection
        Path dir = Fixtures.copy(fixture, tmp.resolve("nan-everywhere"));
        boolean cls = fixture.equals(Fixtures.CLS_ONNX);
        Fixtures.setOnnxRow(dir.resolve("model.onnx"), (cls ? "inner.bert." : "") + "position_embeddings.weight", 0,
                Float.NaN);
        ModelSource source = ModelSource.parse(dir.toString());
        assertThatThrownBy(() -> Models.load(source, DeviceSpec.cpu(), work(), OPTIONS).close())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("model " + source + " returned NaN (" + (cls ? "logit" : "dimension") + " 0)")
                .hasMessageContaining("on the load probe's input of 64 tokens of id 124, and on 2 tokens of id 0");
    }

    @Test
    void aModelBrokenOnlyForTheProbesTokenStillLoads() {
        // the probe runs the largest id, 124: NaN there (as for 'cat' in the test above) is one token's
        // fault, and the texts without it embed as before
        JsonNode ref = Fixtures.reference(Fixtures.EMBED_ONNX);
        assertThat(ref.get("ids").get(4).toString()).contains(",124,");
        Path dir = Fixtures.copy(Fixtures.EMBED_ONNX, tmp.resolve("nan-max-id"));
        Fixtures.setOnnxRow(dir.resolve("model.onnx"), "word_embeddings.weight", 124, Float.NaN);
        List<String> texts = Fixtures.texts(ref);
        float[][] expected = Fixtures.matrix(ref.get("embeddings"));
        try (TextEmbedder e = DjlTextEmbedder.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS)) {
            assertThatThrownBy(() -> e.embed(List.of(texts.get(4)))).isInstanceOf(InferenceException.class)
                    .hasMessageContaining("NaN");
            for (int i = 0; i < texts.size(); i++) {
                if (i != 4) {
                    assertThat(Fixtures.maxAbsDiff(e.embed(List.of(texts.get(i)))[0], expected[i])).as(texts.get(i))
                            .isLessThan(1e-5f);
                }
            }
        }
    }

    @Test
    void multiLabelModelsGiveIndependentSigmoids() throws IOException {
        JsonNode ref = Fixtures.reference(Fixtures.CLS_ONNX);
        Path dir = Fixtures.copy(Fixtures.CLS_ONNX, tmp.resolve("multi"));
        Files.writeString(dir.resolve("model.properties"), "kind=text-classification\nmax_tokens=64\n"
                + "id2label.0=negative\nid2label.1=neutral\nid2label.2=positive\nmulti_label=true\n"
                + "inputs=input_ids, attention_mask\n");
        float[][] sigmoid = Fixtures.matrix(ref.get("sigmoid"));
        List<String> texts = Fixtures.texts(ref);
        try (TextClassifier c = DjlTextClassifier.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS)) {
            assertThat(c.multiLabel()).isTrue();
            List<ZeroShotClassifier.Prediction> predictions = c.classify(texts);
            for (int i = 0; i < texts.size(); i++) {
                for (int j = 0; j < 3; j++) {
                    assertThat(predictions.get(i).scores().get(c.labels().get(j))).isCloseTo(sigmoid[i][j], within(1e-4));
                }
                assertThat(predictions.get(i).label()).isEqualTo(c.labels().get(argmax(sigmoid[i])));
            }
        }
    }

    @Test
    void wrongKindIsRefusedWithBothKindsNamed() {
        ModelSource cls = ModelSource.parse(Fixtures.dir(Fixtures.CLS_PT).toString());
        assertThatThrownBy(() -> DjlTextEmbedder.load(cls, DeviceSpec.cpu(), work(), OPTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("of kind 'text-classification'")
                .hasMessageContaining("a text-embedding model is needed");
        ModelSource emb = ModelSource.parse(Fixtures.dir(Fixtures.EMBED_ONNX).toString());
        assertThatThrownBy(() -> DjlTextClassifier.load(emb, DeviceSpec.cpu(), work(), OPTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("of kind 'text-embedding'");
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.EMBED_PT, Fixtures.EMBED_ONNX})
    void tokenizerWithMoreIdsThanTheModelIsDetectedAtLoad(String fixture) throws IOException {
        Path dir = Fixtures.copy(fixture, tmp.resolve("mismatch"));
        // another model's tokenizer: same pipeline, 500 entries where the model has 131 embedding rows
        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
        ObjectNode vocab = (ObjectNode) tokenizer.get("model").get("vocab");
        int rows = vocab.size();
        for (int i = rows; i < 500; i++) {
            vocab.put("extra" + i, i);
        }
        json.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizer);
        assertThatThrownBy(() -> DjlTextEmbedder.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("tokenizer does not match model")
                .hasMessageContaining("ids up to 499 (a vocabulary of 500)")
                .hasMessageContaining("embedding table has " + rows + " rows");
    }

    @Test
    void maxTokensBeyondThePositionEmbeddingsIsDetectedAtLoad() throws IOException {
        Path dir = Fixtures.copy(Fixtures.EMBED_ONNX, tmp.resolve("long"));
        Files.writeString(dir.resolve("model.properties"), "kind=text-embedding\nmax_tokens=100\n");
        assertThatThrownBy(() -> DjlTextEmbedder.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("fails on a sequence of max_tokens=100 tokens");
    }

    @Test
    void labelCountMustMatchTheLogits() throws IOException {
        Path dir = Fixtures.copy(Fixtures.CLS_PT, tmp.resolve("labels"));
        Files.writeString(dir.resolve("model.properties"), "kind=text-classification\nmax_tokens=64\nlabels=a,b\n");
        assertThatThrownBy(() -> DjlTextClassifier.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("outputs 3 logits")
                .hasMessageContaining("names 2 labels [a, b]");
    }

    @Test
    void wrongInputNamesAreReportedAtLoad() throws IOException {
        Path dir = Fixtures.copy(Fixtures.CLS_ONNX, tmp.resolve("inputs"));
        // the ONNX graph takes two inputs; the default is three
        Files.writeString(dir.resolve("model.properties"), "kind=text-classification\nlabels=a,b,c\nmax_tokens=64\n");
        assertThatThrownBy(() -> DjlTextClassifier.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("takes inputs [input_ids, attention_mask]")
                .hasMessageContaining("inputs=input_ids,attention_mask,token_type_ids (the default)");
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.EMBED_ONNX, Fixtures.CLS_ONNX})
    void aMisspelledOutputIsRefusedAtLoadWithTheModelsOutputNames(String fixture) throws IOException {
        // before: the model's first output was read instead, whatever output= said
        Path dir = Fixtures.copy(fixture, tmp.resolve("output"));
        String name = fixture.equals(Fixtures.CLS_ONNX) ? "logits" : "last_hidden_state";
        String properties = Files.readString(dir.resolve("model.properties"));
        Files.writeString(dir.resolve("model.properties"), properties + "output=" + name + "_\n");
        ModelSource source = ModelSource.parse(dir.toString());
        assertThatThrownBy(() -> Models.load(source, DeviceSpec.cpu(), work(), OPTIONS).close())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("output '" + name + "_' is not an output of the model; allowed: " + name);
        Files.writeString(dir.resolve("model.properties"), properties + "output=" + name + "\n");
        try (LoadedModel loaded = Models.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS)) {
            assertThat(loaded.kind()).isEqualTo(fixture.equals(Fixtures.CLS_ONNX) ? "text-classification" : "text-embedding");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.EMBED_PT, Fixtures.EMBED_ONNX})
    void poolingNoneOnPerTokenOutputIsRefusedAtLoad(String fixture) throws IOException {
        // pooling=none means the output is already one vector per text; before, a [batch, tokens,
        // hidden] output was mean-pooled anyway, as if pooling=mean had been written
        Path dir = Fixtures.copy(fixture, tmp.resolve("pooling"));
        Files.writeString(dir.resolve("model.properties"), "kind=text-embedding\nmax_tokens=64\npooling=none\n");
        ModelSource source = ModelSource.parse(dir.toString());
        assertThatThrownBy(() -> DjlTextEmbedder.load(source, DeviceSpec.cpu(), work(), OPTIONS).close())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("pooling 'none' needs output last_hidden_state already pooled, [batch, hidden]")
                .hasMessageContaining("but it is (1, 64, 32), [batch, tokens, hidden]")
                .hasMessageContaining("allowed with this output: pooling=mean, pooling=cls");
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.CLS_PT, Fixtures.CLS_ONNX})
    void poolingClsOrMeanOnAnAlreadyPooledOutputIsRefusedAtLoad(String fixture) throws IOException {
        // a classifier's logits, [batch, 3], read as a model that pools itself; before, pooling=cls and
        // pooling=mean loaded and gave the normalized output as it is, what pooling=none gives
        JsonNode ref = Fixtures.reference(fixture);
        List<String> texts = Fixtures.texts(ref);
        float[][] logits = Fixtures.matrix(ref.get("logits"));
        Path dir = Fixtures.copy(fixture, tmp.resolve("pooled"));
        boolean onnx = fixture.equals(Fixtures.CLS_ONNX);
        String properties = "kind=text-embedding\nmax_tokens=64\n" + (onnx ? "inputs=input_ids,attention_mask\n" : "");
        String output = onnx ? "logits" : "last_hidden_state"; // TorchScript outputs are unnamed: the one asked for
        for (String pooling : List.of("cls", "mean")) {
            Files.writeString(dir.resolve("model.properties"), properties + "pooling=" + pooling + "\n");
            ModelSource source = ModelSource.parse(dir.toString());
            assertThatThrownBy(() -> DjlTextEmbedder.load(source, DeviceSpec.cpu(), work(), OPTIONS).close())
                    .as("pooling=%s", pooling)
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("pooling '" + pooling + "' needs output " + output + " of one vector per token, "
                            + "[batch, tokens, hidden]")
                    .hasMessageContaining("but it is (1, 3), [batch, hidden]")
                    .hasMessageContaining("allowed with this output: pooling=none");
        }
        // pooling=none, or no pooling= at all, takes the pooled output as it is
        for (String pooling : List.of("pooling=none\n", "")) {
            Files.writeString(dir.resolve("model.properties"), properties + pooling);
            try (TextEmbedder e = DjlTextEmbedder.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS)) {
                assertThat(e.dimension()).isEqualTo(3);
                float[] expected = Vectors.normalize(logits[0].clone());
                assertThat(Fixtures.maxAbsDiff(e.embed(List.of(texts.get(0)))[0], expected)).as(pooling).isLessThan(1e-4f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.EMBED_PT, Fixtures.EMBED_ONNX})
    void aClassifierOutputOfAnotherRankIsReportedAtLoadByTheOutputRead(String fixture) throws IOException {
        // an encoder labelled a classifier: it has no output 'logits', so its first output,
        // last_hidden_state (ONNX names it; TorchScript outputs are unnamed), is read. Before, the error
        // named 'logits' and, retried on shorter inputs, ended as "fails on a 2-token input"
        Path dir = Fixtures.copy(fixture, tmp.resolve("rank"));
        Files.writeString(dir.resolve("model.properties"), "kind=text-classification\nmax_tokens=64\nlabels=a,b,c\n");
        boolean onnx = fixture.equals(Fixtures.EMBED_ONNX);
        assertThatThrownBy(() -> DjlTextClassifier.load(ModelSource.parse(dir.toString()), DeviceSpec.cpu(), work(), OPTIONS))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("output " + (onnx ? "last_hidden_state" : "logits") + " is (1, 64, 32), rank 3, "
                        + "but a text-classification model's logits are [batch, labels], rank 2")
                .hasMessageContaining(onnx ? "the model has no output 'logits'; its first output was read" : "")
                .hasMessageNotContaining("2-token");
    }

    @Test
    void anEmbeddingOutputOfNeitherRankIsReportedByTheOutputRead() {
        DjlOffline.useWorkDir(work());
        EmbeddingTranslator translator = new EmbeddingTranslator(ModelDescriptor.textEmbedding());
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray out = manager.create(new float[16], new Shape(1, 2, 2, 4));
            out.setName("hidden_states");
            // an OutputMismatchException, which the load probe reports at once instead of retrying shorter inputs
            assertThatThrownBy(() -> translator.processOutput(null, new NDList(out)))
                    .isInstanceOf(OutputMismatchException.class)
                    .hasMessageContaining("output hidden_states is (1, 2, 2, 4), rank 4, but a text-embedding model's "
                            + "output is [batch, tokens, hidden], rank 3, or already pooled, [batch, hidden], rank 2")
                    .hasMessageContaining("the model has no output 'last_hidden_state'; its first output was read");
        }
    }

    @Test
    void gpuOnPyTorchWithoutACudaLibtorchSaysHowToGetOne() {
        DjlOffline.useWorkDir(work());
        Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "a GPU is visible to PyTorch here");
        assertThatThrownBy(() -> DeviceSpec.parse("gpu").resolve(WeightsFormat.TORCHSCRIPT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PyTorch sees 0 GPU(s)")
                .hasMessageContaining("PYTORCH_LIBRARY_PATH");
        assertThat(DeviceSpec.auto().resolve(WeightsFormat.TORCHSCRIPT).toString()).isEqualTo("cpu()");
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
