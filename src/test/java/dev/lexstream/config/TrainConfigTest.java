package dev.lexstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classify task's {@code train:} block and when {@code labels} may be left out. */
class TrainConfigTest {

    static LexstreamConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml", Map.of());
    }

    static ConfigException error(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("no error for:\n" + yaml);
    }

    static String task(String body) {
        return "models: { m: { source: \"builtin:all-minilm-l6-v2-q\" } }\n"
                + "pipelines:\n  - name: p\n    input: in\n    classify:\n      - name: t\n        model: m\n" + body;
    }

    @Test
    void trainBlockWithDefaults() {
        ClassifyTask t = parse(task("        train: { file: data/x.csv }\n")).pipelines().get(0).classify().get(0);
        assertThat(t.labels()).isEmpty();
        TrainSettings s = t.train();
        assertThat(s.file()).isEqualTo("data/x.csv");
        assertThat(s.format()).isNull();
        assertThat(s.text()).containsExactly("text");
        assertThat(s.label()).isEqualTo("label");
        assertThat(s.labelMap()).isEmpty();
        assertThat(s.skip()).isZero();
        assertThat(s.limit()).isNull();
        assertThat(s.perLabel()).isNull();
        assertThat(s.head()).isEqualTo("logistic");
        assertThat(s.epochs()).isEqualTo(TrainSettings.DEFAULT_EPOCHS);
    }

    @Test
    void trainBlockInFull() {
        TrainSettings s = parse(task("""
                        labels: { World: w, Sports: s }
                        train:
                          file: ../shared/data/ag_news_dev.csv
                          text: [title, description]
                          label: label
                          labelMap: { 1: World, "2": Sports }
                          skip: 10
                          limit: 200
                          perLabel: 16
                          head: prototypes
                          epochs: 5
                """)).pipelines().get(0).classify().get(0).train();
        assertThat(s.text()).containsExactly("title", "description");
        assertThat(s.labelMap()).containsExactly(Map.entry("1", "World"), Map.entry("2", "Sports"));
        assertThat(s.skip()).isEqualTo(10);
        assertThat(s.limit()).isEqualTo(200);
        assertThat(s.perLabel()).isEqualTo(16);
        assertThat(s.head()).isEqualTo("prototypes");
        assertThat(s.epochs()).isEqualTo(5);
    }

    @Test
    void badTrainValuesNameTheKey() {
        assertThat(error(task("        train: { text: t }\n")).path()).isEqualTo("pipelines[0].classify[0].train.file");
        ConfigException head = error(task("        train: { file: x.csv, head: svm }\n"));
        assertThat(head.getMessage()).isEqualTo("pipelines[0].classify[0].train.head: 'svm' is not valid; allowed: "
                + "logistic, prototypes");
        assertThat(error(task("        train: { file: x.txt }\n")).path()).isEqualTo("pipelines[0].classify[0].train.format");
        assertThat(error(task("        train: { file: x.txt, format: xml }\n")).getMessage())
                .contains("allowed: csv, jsonl");
        assertThat(error(task("        train: { file: x.csv, skip: -1 }\n")).path()).isEqualTo("pipelines[0].classify[0].train.skip");
        assertThat(error(task("        train: { file: x.csv, perLabel: 0 }\n")).path()).isEqualTo("pipelines[0].classify[0].train.perLabel");
        assertThat(error(task("        train: { file: x.csv, text: [] }\n")).path()).isEqualTo("pipelines[0].classify[0].train.text");
        assertThat(error(task("        train: { file: x.csv, bogus: 1 }\n")).getMessage()).contains("unknown key 'bogus'");
        parse(task("        train: { file: x.txt, format: jsonl }\n"));
    }

    @Test
    void labelsStayRequiredForAnEmbeddingModelWithoutTraining() {
        ConfigException e = error(task(""));
        assertThat(e.path()).isEqualTo("pipelines[0].classify[0].labels");
        assertThat(e.getMessage()).contains("unless 'train' names a labelled file or the model is a text-classification model");
    }

    @Test
    void aTextClassificationModelDirectoryMayLeaveLabelsOutOrListThemWithoutDescriptions(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("model.properties"), "kind=text-classification\nlabels=neg,pos\n");
        String models = "models: { m: { source: \"" + dir.toString().replace("\\", "/") + "\" } }\n";
        LexstreamConfig c = parse(models + "pipelines: [{name: p, input: in, classify: [{name: t, model: m}]}]\n");
        assertThat(c.pipelines().get(0).classify().get(0).labels()).isEmpty();
        LexstreamConfig named = parse(models
                + "pipelines: [{name: p, input: in, classify: [{name: t, model: m, labels: {neg: , pos: }}]}]\n");
        assertThat(named.pipelines().get(0).classify().get(0).labels()).containsOnlyKeys("neg", "pos");
    }
}
