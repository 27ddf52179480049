package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lexstream.config.ClassifyTask;
import dev.lexstream.config.ConfigException;
import dev.lexstream.config.TrainSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Which head a classify task gets on which model, and the config errors, on the tiny fixtures. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClassifierBinderTest {

    static final String PATH = "pipelines[0].classify[0]";

    LoadedModel embedder;
    LoadedModel classifier;

    @TempDir
    Path tmp;

    @BeforeAll
    void load() {
        var options = new DjlTextEmbedder.Options(1, 1);
        embedder = Models.load(ModelSource.parse(Fixtures.dir(Fixtures.EMBED_ONNX).toString()), DeviceSpec.cpu(),
                DjlTextEmbedderTest.workDir(), options);
        classifier = Models.load(ModelSource.parse(Fixtures.dir(Fixtures.CLS_ONNX).toString()), DeviceSpec.cpu(),
                DjlTextEmbedderTest.workDir(), options);
    }

    @AfterAll
    void close() {
        embedder.close();
        classifier.close();
    }

    static Map<String, String> labels(String... namesAndDescriptions) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndDescriptions.length; i += 2) {
            m.put(namesAndDescriptions[i], namesAndDescriptions[i + 1]);
        }
        return m;
    }

    Path trainingFile() throws IOException {
        return Files.writeString(tmp.resolve("train.jsonl"), """
                {"text": "the team won the final", "y": "s"}
                {"text": "the players lost the game", "y": "s"}
                {"text": "the coach and the league", "y": "s"}
                {"text": "stock markets fell sharply", "y": "b"}
                {"text": "the bank rate rose", "y": "b"}
                {"text": "prices of stocks fell today", "y": "b"}
                {"text": "new software and data", "y": "t"}
                {"text": "internet research and science", "y": "t"}
                """);
    }

    TrainSettings train(Path file, String head, Integer perLabel) {
        return new TrainSettings(file.toString(), null, List.of("text"), "y",
                labels("s", "Sports", "b", "Business", "t", "Tech"), 0, null, perLabel, head, 10);
    }

    @Test
    void fineTunedModelUsesItsOwnLabels() {
        var bound = ClassifierBinder.bind(new ClassifyTask("mood", "m", Map.of(), Map.of()), PATH, classifier);
        assertThat(bound.method()).isEqualTo("text-classification");
        assertThat(bound.head()).isNull();
        assertThat(bound.labels()).containsExactly("negative", "neutral", "positive");
        var predictions = bound.classify(List.of("I love the new phone", "the cat sat on the mat"));
        assertThat(predictions).hasSize(2).allSatisfy(p -> assertThat(p.scores()).hasSize(3));
        // the same labels in another order, descriptions ignored, are accepted
        var same = ClassifierBinder.bind(new ClassifyTask("mood", "m",
                labels("positive", "", "negative", "x", "neutral", ""), Map.of()), PATH, classifier);
        assertThat(same.labels()).containsExactly("negative", "neutral", "positive");
    }

    @Test
    void fineTunedModelRefusesOtherLabelsExamplesAndTraining() throws IOException {
        assertThatThrownBy(() -> ClassifierBinder.bind(new ClassifyTask("mood", "m",
                labels("good", "g", "bad", "b"), Map.of()), PATH, classifier))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(PATH + ".labels: labels [good, bad] do not match")
                .hasMessageContaining("own labels [negative, neutral, positive]");
        assertThatThrownBy(() -> ClassifierBinder.bind(new ClassifyTask("mood", "m", Map.of(),
                Map.of("positive", List.of("great")), null), PATH, classifier))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(PATH + ".examples:");
        Path file = trainingFile();
        assertThatThrownBy(() -> ClassifierBinder.bind(new ClassifyTask("mood", "m", Map.of(), Map.of(),
                train(file, "logistic", null)), PATH, classifier))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(PATH + ".train:");
    }

    @Test
    void embeddingModelWithoutLabelsOrTrainingIsAConfigError() {
        assertThatThrownBy(() -> ClassifierBinder.bind(new ClassifyTask("t", "m", Map.of(), Map.of()), PATH, embedder))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(PATH + ".labels: missing; required for embedding model 'm'");
    }

    @Test
    void zeroShotAndFewShotOnDescriptions() {
        var zero = ClassifierBinder.bind(new ClassifyTask("t", "m", labels("a", "the cat", "b", "stock markets"),
                Map.of()), PATH, embedder);
        assertThat(zero.method()).isEqualTo("zero-shot");
        assertThat(zero.head()).isInstanceOf(ZeroShotClassifier.class);
        var few = ClassifierBinder.bind(new ClassifyTask("t", "m", labels("a", "the cat", "b", "stock markets"),
                Map.of("a", List.of("the dog sat"))), PATH, embedder);
        assertThat(few.method()).isEqualTo("few-shot");
        assertThat(few.trainingExamples()).isEqualTo(1);
    }

    @Test
    void logisticHeadFromAFileTakesItsLabelsFromTheLabelMap() throws IOException {
        var bound = ClassifierBinder.bind(new ClassifyTask("t", "m", Map.of(), Map.of(),
                train(trainingFile(), "logistic", null)), PATH, embedder);
        assertThat(bound.method()).isEqualTo("logistic");
        assertThat(bound.head()).isInstanceOf(LogisticHead.class);
        assertThat(bound.trainingExamples()).isEqualTo(8);
        assertThat(bound.labels()).containsExactly("Sports", "Business", "Tech");
        var p = bound.classify(List.of("the team won")).get(0);
        assertThat(p.scores().keySet()).containsExactly("Sports", "Business", "Tech");
    }

    @Test
    void prototypesFromAFileWithPerLabelAndDescriptions() throws IOException {
        var bound = ClassifierBinder.bind(new ClassifyTask("t", "m",
                labels("Sports", "sports news", "Business", "business news", "Tech", ""), Map.of(),
                train(trainingFile(), "prototypes", 2)), PATH, embedder);
        assertThat(bound.method()).isEqualTo("few-shot");
        assertThat(bound.trainingExamples()).isEqualTo(6); // 2 + 2 + 2
        assertThat(bound.labels()).containsExactly("Sports", "Business", "Tech");
    }

    @Test
    void trainingErrorsNameTheKey() throws IOException {
        Path file = trainingFile();
        assertThatThrownBy(() -> ClassifierBinder.bind(new ClassifyTask("t", "m", labels("Sports", "s", "Business", "b"),
                Map.of(), train(file, "logistic", null)), PATH, embedder))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(PATH + ".labels: training label 'Tech'")
                .hasMessageContaining("row 7");
        assertThatThrownBy(() -> ClassifierBinder.bind(new ClassifyTask("t", "m", Map.of(), Map.of(),
                train(tmp.resolve("missing.jsonl"), "logistic", null)), PATH, embedder))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(PATH + ".train.file: labelled file")
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> ClassifierBinder.bind(new ClassifyTask("t", "m",
                labels("Sports", "s", "Business", "b", "Tech", "t", "Health", "h"), Map.of(),
                train(file, "logistic", null)), PATH, embedder))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no training example for label(s) [Health]");
    }
}
