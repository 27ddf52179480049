package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code eval classify} end to end on the tiny generated text-classification model, whose outputs are known. */
class EvalCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir
  Path tmp;

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(EvalCommandTest.class.getClassLoader().getResource("fixtures/" + name).toURI());
  }

  /** Data whose gold labels are the model's own predictions for all but the first two texts: accuracy 5/7. */
  private Path data() throws Exception {
    JsonNode ref = new ObjectMapper().readTree(fixture("tiny-cls-onnx").resolve("reference.json").toFile());
    List<String> labels = List.of("negative", "neutral", "positive");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < ref.get("texts").size(); i++) {
      JsonNode logits = ref.get("logits").get(i);
      int best = 0;
      for (int j = 1; j < 3; j++) {
        if (logits.get(j).asDouble() > logits.get(best).asDouble()) {
          best = j;
        }
      }
      int gold = i < 2 ? (best + 1) % 3 : best;
      lines.add(new ObjectMapper().createObjectNode().put("body", ref.get("texts").get(i).asText())
          .put("y", gold).toString()); // numeric labels, mapped with --label-map
    }
    return Files.write(tmp.resolve("data.jsonl"), lines);
  }

  private Path config() throws Exception {
    return Files.writeString(tmp.resolve("c.yaml"), "models:\n  tiny: { source: \""
        + fixture("tiny-cls-onnx").toString().replace("\\", "/") + "\", device: cpu }\n"
        + "pipelines:\n  - name: p\n    input: in\n    classify:\n      - name: mood\n        model: tiny\n");
  }

  @Test
  void withoutASubcommandItNamesEveryOne() {
    assertThat(run("eval")).isEqualTo(2);
    assertThat(err.toString()).contains("missing subcommand; allowed: classify, summarize, translate, safety");
  }

  @Test
  void printsAccuracyMacroF1AndTheConfusionMatrix() throws Exception {
    int code = run("eval", "classify", "--config", config().toString(), "--task", "mood", "--data", data().toString(),
        "--text-field", "body", "--label-field", "y", "--label-map", "0=negative,1=neutral,2=positive", "--batch", "3");
    assertThat(code).as(err.toString()).isZero();
    String printed = out.toString();
    assertThat(printed).contains("task      mood (pipeline p): text-classification on model tiny = tiny-cls-onnx");
    assertThat(printed).contains("rows 1-7 (7 texts)");
    assertThat(printed).contains("accuracy  0.7143  (5 of 7)");
    assertThat(printed).contains("macro-F1", "confusion matrix (rows: true label, columns: predicted)", "negative",
        "neutral", "positive");
  }

  @Test
  void skipAndLimitSelectTheRows() throws Exception {
    int code = run("eval", "classify", "--config", config().toString(), "--task", "mood", "--data", data().toString(),
        "--text-field", "body", "--label-field", "y", "--label-map", "0=negative,1=neutral,2=positive",
        "--skip", "2", "--limit", "3");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("rows 3-5 (3 texts)", "accuracy  1.0000  (3 of 3)");
  }

  @Test
  void usageErrorsExitWith2AndSayWhy() throws Exception {
    assertThat(run("eval", "classify", "--config", config().toString(), "--task", "nope", "--data",
        data().toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--task: no classify task 'nope'", "tasks: p/mood");
    assertThat(run("eval", "classify", "--config", config().toString(), "--task", "mood", "--data", data().toString(),
        "--text-field", "body", "--label-field", "y", "--label-map", "0negative")).isEqualTo(2);
    assertThat(err.toString()).contains("--label-map: '0negative' is not RAW=LABEL");
    assertThat(run("eval", "classify", "--config", config().toString(), "--task", "mood", "--data", data().toString(),
        "--text-field", "body", "--label-field", "y")).isEqualTo(2);
    assertThat(err.toString()).contains("row 1: label '2' is not one of the task's labels [negative, neutral, positive]",
        "--label-map");
    assertThat(run("eval", "classify", "--config", config().toString(), "--task", "mood", "--data", data().toString(),
        "--text-field", "text")).isEqualTo(2);
    assertThat(err.toString()).contains("no field 'text'");
  }

  @Test
  void evalHasHelp() {
    assertThat(run("eval", "classify", "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: lexstream eval classify").contains("--label-map", "--skip");
  }

}
