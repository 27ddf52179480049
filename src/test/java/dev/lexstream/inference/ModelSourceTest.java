package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourceTest {

    @TempDir
    Path tmp;

    @Test
    void parsesBuiltins() {
        ModelSource q = ModelSource.parse("builtin:all-minilm-l6-v2-q");
        assertThat(q.isBuiltin()).isTrue();
        assertThat(q.id()).isEqualTo("builtin:all-minilm-l6-v2-q");
        assertThat(ModelSource.parse(" builtin:all-minilm-l6-v2 ").id()).isEqualTo("builtin:all-minilm-l6-v2");
        assertThat(ModelSource.builtins()).containsExactly("builtin:all-minilm-l6-v2", "builtin:all-minilm-l6-v2-q");
    }

    @Test
    void unknownBuiltinNamesTheAllowedValues() {
        assertThatThrownBy(() -> ModelSource.parse("builtin:bert-base"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("builtin:bert-base")
                .hasMessageContaining("builtin:all-minilm-l6-v2, builtin:all-minilm-l6-v2-q")
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> ModelSource.parse(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("builtin:all-minilm-l6-v2");
        assertThatThrownBy(() -> ModelSource.parse(tmp.resolve("nope").toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an existing directory")
                .hasMessageContaining("builtin:all-minilm-l6-v2-q");
    }

    @Test
    void directoryWithoutTokenizerIsRejected() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("m"));
        Files.writeString(dir.resolve("model.onnx"), "x");
        assertThatThrownBy(() -> ModelSource.parse(dir.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no tokenizer.json");
    }

    @Test
    void aTokenizerUnderAnotherNameIsNamedInTheError() throws IOException {
        // the layout of the langchain4j model jars, unzipped as they come
        Path dir = Files.createDirectory(tmp.resolve("m"));
        Files.writeString(dir.resolve("all-minilm-l6-v2-q.onnx"), "x");
        Files.writeString(dir.resolve("all-minilm-l6-v2-q-tokenizer.json"), "{}");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{}");
        assertThatThrownBy(() -> ModelSource.parse(dir.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no tokenizer.json")
                .hasMessageContaining("found all-minilm-l6-v2-q-tokenizer.json: if that is the model's tokenizer, rename it to tokenizer.json")
                .hasMessageNotContaining("tokenizer_config.json");
    }

    @Test
    void directoryNeedsExactlyOneOnnxFile() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("m"));
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        assertThatThrownBy(() -> ModelSource.parse(dir.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one weights file (*.onnx for ONNX Runtime or *.pt TorchScript for PyTorch), found 0");
        Files.writeString(dir.resolve("a.onnx"), "x");
        Files.writeString(dir.resolve("b.onnx"), "y");
        assertThatThrownBy(() -> ModelSource.parse(dir.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found 2 [a.onnx, b.onnx]");
    }

    @Test
    void directoryOfAnotherKindIsRejected() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("m"));
        Files.writeString(dir.resolve("model.onnx"), "x");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.writeString(dir.resolve("model.properties"), "kind=seq2seq\n");
        assertThatThrownBy(() -> ModelSource.parse(dir.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kind 'seq2seq'");
    }

    @Test
    void directoryResolvesToItsFilesWithAHashVersion() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("my-model"));
        Files.writeString(dir.resolve("weights.onnx"), "abc");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        ModelSource source = ModelSource.parse(dir.toString());
        assertThat(source.isBuiltin()).isFalse();
        assertThat(source.id()).isEqualTo("my-model");
        ResolvedModel m = source.resolve(tmp.resolve("work"));
        assertThat(m.weightsFile()).isEqualTo(dir.resolve("weights.onnx"));
        assertThat(m.tokenizerFile()).isEqualTo(dir.resolve("tokenizer.json"));
        // sha-256("abc") = ba7816bf8f01...
        assertThat(m.version()).isEqualTo("sha256:ba7816bf8f01");
        assertThat(m.maxTokens()).isEqualTo(256);
    }

    @Test
    void builtinIsExtractedAndFusedOnceIntoTheWorkDirectory() throws IOException {
        Path work = tmp.resolve("work");
        Path dir = work.resolve("models/all-minilm-l6-v2-q");
        ResolvedModel m = ModelSource.parse("builtin:all-minilm-l6-v2-q").resolve(work);
        Path export = dir.resolve("model.onnx");
        assertThat(m.weightsFile()).isEqualTo(dir.resolve("model-fused-v1.onnx"));
        assertThat(m.tokenizerFile()).isEqualTo(dir.resolve("tokenizer.json"));
        assertThat(Files.size(export)).isEqualTo(22_972_370L);
        assertThat(m.version()).isEqualTo("1.19.0-beta29");

        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(export, old);
        Files.setLastModifiedTime(m.weightsFile(), old);
        ModelSource.parse("builtin:all-minilm-l6-v2-q").resolve(work);
        assertThat(Files.getLastModifiedTime(export)).as("same size: reused").isEqualTo(old);
        assertThat(Files.getLastModifiedTime(m.weightsFile())).as("not older than the export: reused").isEqualTo(old);

        Files.setLastModifiedTime(export, FileTime.fromMillis(old.toMillis() + 1000));
        ModelSource.parse("builtin:all-minilm-l6-v2-q").resolve(work);
        assertThat(Files.getLastModifiedTime(m.weightsFile())).as("export newer: fused again").isNotEqualTo(old);

        Files.writeString(m.tokenizerFile(), "truncated");
        ModelSource.parse("builtin:all-minilm-l6-v2-q").resolve(work);
        assertThat(Files.size(m.tokenizerFile())).as("size differs: extracted again").isEqualTo(711_661L);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.onnx", "model-fused-v1.onnx", "tokenizer.json");
        }
    }
}
