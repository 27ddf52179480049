package dev.lexstream.inference;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Java generation loop against the reference decodes of tools/gen_seq2seq_fixtures.py (which
 * recomputes the whole prefix at every step, without a KV cache), token for token, on ONNX Runtime
 * and PyTorch, batched and one input at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Seq2SeqModelTest {

    static final Path FIXTURE = Path.of("src/test/resources/seq2seq/tiny");

    private JsonNode reference;
    private Seq2SeqModel onnx;
    private Seq2SeqModel torch;

    @BeforeAll
    void load() throws Exception {
        reference = new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());
        onnx = Seq2SeqModel.load(FIXTURE, DjlSeq2SeqBackend.ONNX_RUNTIME, Device.cpu());
        torch = Seq2SeqModel.load(FIXTURE, DjlSeq2SeqBackend.PYTORCH, Device.cpu());
    }

    @AfterAll
    void close() {
        if (onnx != null) {
            onnx.close();
        }
        if (torch != null) {
            torch.close();
        }
    }

    private Seq2SeqModel model(String engine) {
        return engine.equals(DjlSeq2SeqBackend.ONNX_RUNTIME) ? onnx : torch;
    }

    private static long[] ids(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    @Test
    void tokenizerJsonEncodesAndDecodesLikeTheScript() {
        for (int i = 0; i < reference.get("texts").size(); i++) {
            assertThat(onnx.encode(reference.get("texts").get(i).asText()))
                    .as("text %d", i).containsExactly(ids(reference.get("inputIds").get(i)));
        }
        for (JsonNode c : reference.get("cases")) {
            for (int i = 0; i < c.get("outputs").size(); i++) {
                assertThat(onnx.decode(ids(c.get("outputs").get(i)))).isEqualTo(c.get("texts").get(i).asText());
            }
        }
    }

    @Test
    void readsSpecialIdsAndDefaultsFromTheConfig() {
        Seq2SeqTokens t = onnx.tokens();
        assertThat(t.decoderStartTokenId()).isZero();
        assertThat(t.padTokenId()).isZero();
        assertThat(t.eosTokenIds()).containsExactly(1L);
        assertThat(t.bannedTokenIds()).containsExactly(0L);
        assertThat(t.forcedBosTokenId()).isEqualTo(-1);
        assertThat(onnx.defaults()).isEqualTo(new GenerationOptions(12, 1, 1.0, 0, false));
        assertThat(onnx.maxInputTokens()).isEqualTo(64);
        assertThat(onnx.modelId()).isEqualTo("tiny");
        assertThat(onnx.modelVersion()).startsWith("sha256:");
    }

    @ParameterizedTest
    @ValueSource(strings = {DjlSeq2SeqBackend.ONNX_RUNTIME, DjlSeq2SeqBackend.PYTORCH})
    void reproducesReferenceDecodesBatchedAndUnbatched(String engine) {
        Seq2SeqModel model = model(engine);
        List<long[]> inputs = new ArrayList<>();
        reference.get("inputIds").forEach(a -> inputs.add(ids(a)));
        for (JsonNode c : reference.get("cases")) {
            GenerationOptions options = new GenerationOptions(c.get("maxNewTokens").asInt(), c.get("numBeams").asInt(),
                    c.get("lengthPenalty").asDouble(), c.get("noRepeatNgramSize").asInt(), false);
            List<long[]> batched = model.generateIds(inputs, options);
            for (int i = 0; i < inputs.size(); i++) {
                long[] expected = ids(c.get("outputs").get(i));
                String what = engine + " " + c.get("name").asText() + " input " + i;
                assertThat(batched.get(i)).as(what + " batched").containsExactly(expected);
                assertThat(model.generateIds(List.of(inputs.get(i)), options).get(0)).as(what + " alone")
                        .containsExactly(expected);
            }
        }
    }

    @Test
    void generatesTextWithAPromptToken() {
        // ">>es<< a dog ran" is reference text 1: the prompt is tokenized as the special token
        JsonNode greedy = reference.get("cases").get(0);
        List<Seq2SeqModel.Generation> out = onnx.generate(List.of("a dog ran"), ">>es<< ", onnx.defaults());
        assertThat(out.get(0).ids()).containsExactly(ids(greedy.get("outputs").get(1)));
        assertThat(out.get(0).text()).isEqualTo(greedy.get("texts").get(1).asText());
        assertThat(Arrays.stream(out.get(0).ids()).filter(id -> id == 0).count()).isZero();
    }

    @Test
    void rejectsIncompleteDirectories(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Seq2SeqModel.load(dir, null, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind=seq2seq");
        java.nio.file.Files.writeString(dir.resolve("model.properties"), "kind=seq2seq\n");
        java.nio.file.Files.writeString(dir.resolve("decoder_model_merged.onnx"), "");
        assertThatThrownBy(() -> Seq2SeqModel.load(dir, DjlSeq2SeqBackend.ONNX_RUNTIME, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no encoder_model.onnx (a merged decoder is not supported");
    }

    /** The tiny seq2seq fixture's files in {@code dir}, for a test to write its own model.properties. */
    private static void copyFixture(Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(FIXTURE)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void maxInputTokensBeyondThePositionEmbeddingsIsRefusedAtLoad(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // the fixture's encoder has 64 positions: a longer input fails in the model, on every long record
        copyFixture(dir);
        java.nio.file.Files.writeString(dir.resolve("model.properties"), "kind=seq2seq\n");
        assertThatThrownBy(() -> Seq2SeqModel.load(dir, null, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_input_tokens is 512 (the default)")
                .hasMessageContaining("set max_input_tokens=64 or less");
        java.nio.file.Files.writeString(dir.resolve("model.properties"), "kind=seq2seq\nmax_input_tokens=65\n");
        assertThatThrownBy(() -> Seq2SeqModel.load(dir, null, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_input_tokens is 65,");
        java.nio.file.Files.writeString(dir.resolve("model.properties"), "kind=seq2seq\nmax_input_tokens=sixty\n");
        assertThatThrownBy(() -> Seq2SeqModel.load(dir, null, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.properties: max_input_tokens 'sixty' is not allowed");
        java.nio.file.Files.writeString(dir.resolve("model.properties"), "kind=seq2seq\nmax_input_tokens=64\n");
        try (Seq2SeqModel model = Seq2SeqModel.load(dir, null, Device.cpu())) {
            String longText = "a dog ran ".repeat(60);
            assertThat(model.encode(longText)).hasSize(64);
            assertThat(model.generate(List.of(longText), "", GenerationOptions.greedy(4))).hasSize(1);
        }
    }

    @Test
    void unknownKeysInModelPropertiesAreRefusedWithTheAllowedOnes(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // before: a misspelled key loaded with that setting's default, as if it were not there
        copyFixture(dir);
        java.nio.file.Files.writeString(dir.resolve("model.properties"), "kind=seq2seq\nmax_input_tokens=64\nengnie=PyTorch\n");
        assertThatThrownBy(() -> Seq2SeqModel.load(dir, null, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toAbsolutePath() + "/model.properties")
                .hasMessageContaining("unknown key 'engnie'; allowed: engine, kind, max_input_tokens");
        java.nio.file.Files.writeString(dir.resolve("model.properties"), "kind=seq2seq\nmax_imput_tokens=32\n");
        assertThatThrownBy(() -> Seq2SeqModel.load(dir, null, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown key 'max_imput_tokens'; allowed: engine, kind, max_input_tokens");
    }

    @Test
    void refusesEveryCallOnceClosedAsShutdownRatherThanUsingFreedMemory() {
        Seq2SeqModel model = Seq2SeqModel.load(FIXTURE, DjlSeq2SeqBackend.ONNX_RUNTIME, Device.cpu());
        long[] input = model.encode("a b c");
        model.close();
        model.close();
        GenerationOptions options = model.defaults();
        assertThatThrownBy(() -> model.encode("a b c")).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> model.decode(input)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> model.generateIds(List.of(input), options))
            .isInstanceOf(RejectedExecutionException.class)
            .hasMessageContaining("closed");
    }
}
