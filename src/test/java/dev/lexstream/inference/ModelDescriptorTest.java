package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDescriptorTest {

    @TempDir
    Path tmp;

    static ModelDescriptor parse(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return ModelDescriptor.parse(p, "model.properties");
    }

    @Test
    void defaultsAreAMeanPooledNormalizedEmbedder() throws IOException {
        ModelDescriptor d = parse("");
        assertThat(d).isEqualTo(ModelDescriptor.textEmbedding());
        assertThat(d.inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(d.output()).isEqualTo("last_hidden_state");
        assertThat(d.poolingGiven()).isFalse();
        assertThat(parse("pooling=mean\n").poolingGiven()).isTrue();
    }

    @Test
    void classificationWithIdToLabel() throws IOException {
        ModelDescriptor d = parse("kind=text-classification\nid2label.1=POSITIVE\nid2label.0=NEGATIVE\n"
                + "multi_label=true\nmax_tokens=128\ninputs=input_ids, attention_mask\n");
        assertThat(d.isClassification()).isTrue();
        assertThat(d.labels()).containsExactly("NEGATIVE", "POSITIVE");
        assertThat(d.multiLabel()).isTrue();
        assertThat(d.maxTokens()).isEqualTo(128);
        assertThat(d.inputs()).containsExactly("input_ids", "attention_mask");
        assertThat(d.output()).isEqualTo("logits");
        assertThat(parse("kind=text-classification\nlabels=a, b ,c\n").labels()).containsExactly("a", "b", "c");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> parse("knd=text-embedding\n")).hasMessageContaining("unknown key 'knd'")
                .hasMessageContaining("allowed: inputs, kind, labels, max_tokens");
        assertThatThrownBy(() -> parse("kind=seq2seq\n")).hasMessageContaining("kind 'seq2seq' is not supported here");
        assertThatThrownBy(() -> parse("kind=text-classification\nlabels=a,b\npooling=cls\n"))
                .hasMessageContaining("pooling is only for kind=text-embedding");
        assertThatThrownBy(() -> parse("kind=text-classification\nlabels=a,b\nnormalize=false\n"))
                .hasMessageContaining("normalize is only for kind=text-embedding");
        assertThatThrownBy(() -> parse("kind=text-classification\n")).hasMessageContaining("needs its labels");
        assertThatThrownBy(() -> parse("kind=text-classification\nid2label.0=a\nid2label.2=c\n"))
                .hasMessageContaining("id 1 is missing");
        assertThatThrownBy(() -> parse("kind=text-classification\nlabels=a,a\n")).hasMessageContaining("'a' appears twice");
        assertThatThrownBy(() -> parse("kind=text-classification\nlabels=a,b\nid2label.0=a\n")).hasMessageContaining("not both");
        assertThatThrownBy(() -> parse("labels=a,b\n")).hasMessageContaining("only for kind=text-classification");
        assertThatThrownBy(() -> parse("multi_label=true\n")).hasMessageContaining("only for kind=text-classification");
        assertThatThrownBy(() -> parse("pooling=max\n")).hasMessageContaining("allowed: mean, cls, none");
        assertThatThrownBy(() -> parse("normalize=yes\n")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> parse("inputs=attention_mask\n")).hasMessageContaining("input_ids plus optionally");
        assertThatThrownBy(() -> parse("max_tokens=1\n")).hasMessageContaining("integer >= 2");
    }

    @Test
    void directoryWithTorchScriptWeightsRunsOnPyTorch() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("pt"));
        Files.writeString(dir.resolve("encoder.pt"), "x");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        ResolvedModel m = ModelSource.parse(dir.toString()).resolve(tmp);
        assertThat(m.format()).isEqualTo(WeightsFormat.TORCHSCRIPT);
        assertThat(m.format().engine()).isEqualTo("PyTorch");
        assertThat(m.weightsFile()).isEqualTo(dir.resolve("encoder.pt"));
    }

    @Test
    void severalWeightsNeedWeightsKey() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("both"));
        Files.writeString(dir.resolve("model.onnx"), "x");
        Files.writeString(dir.resolve("model.pt"), "y");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        assertThatThrownBy(() -> ModelSource.parse(dir.toString()))
                .hasMessageContaining("found 2 [model.onnx, model.pt]").hasMessageContaining("weights=");
        Files.writeString(dir.resolve("model.properties"), "weights=model.pt\n");
        assertThat(ModelSource.parse(dir.toString()).resolve(tmp).format()).isEqualTo(WeightsFormat.TORCHSCRIPT);
        Files.writeString(dir.resolve("model.properties"), "weights=../elsewhere.onnx\n");
        assertThatThrownBy(() -> ModelSource.parse(dir.toString())).hasMessageContaining("is not a *.onnx or *.pt file in the directory");
        Files.writeString(dir.resolve("model.properties"), "kind=text-classification\nlabels=a,b\nweights=model.onnx\n");
        assertThat(ModelSource.parse(dir.toString()).kind()).isEqualTo("text-classification");
    }

    @Test
    void tokenizerInfoFindsTheLargestId() throws IOException {
        Path t = Files.writeString(tmp.resolve("t.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0, \"b\": 7}},"
                + " \"added_tokens\": [{\"id\": 9, \"content\": \"[X]\"}]}");
        assertThat(TokenizerInfo.read(t).maxId()).isEqualTo(9);
        Path unigram = Files.writeString(tmp.resolve("u.json"), "{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", 0.1], [\"b\", 0.2]]}}");
        assertThat(TokenizerInfo.read(unigram).vocabSize()).isEqualTo(2);
        Path bad = Files.writeString(tmp.resolve("b.json"), "{}");
        assertThatThrownBy(() -> TokenizerInfo.read(bad)).hasMessageContaining("not a Hugging Face tokenizer.json");
    }
}
