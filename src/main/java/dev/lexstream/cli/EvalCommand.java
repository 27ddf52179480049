package dev.lexstream.cli;

import dev.lexstream.app.Lexstream;
import dev.lexstream.config.ClassifyTask;
import dev.lexstream.config.ConfigException;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.ModelSettings;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.config.TrainSettings;
import dev.lexstream.inference.ClassifierBinder;
import dev.lexstream.inference.DeviceSpec;
import dev.lexstream.inference.LabelledTexts;
import dev.lexstream.inference.LoadedModel;
import dev.lexstream.inference.ModelSource;
import dev.lexstream.inference.Models;
import dev.lexstream.inference.ZeroShotClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code eval}: quality metrics on a labelled file. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Print quality metrics of a configured task on a labelled file.",
    subcommands = {EvalCommand.Classify.class, EvalSummarizeCommand.class, EvalTranslateCommand.class,
        EvalSafetyCommand.class})
final class EvalCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "missing subcommand; allowed: " + String.join(", ", spec.subcommands().keySet()));
  }

  /** A count option (rows, batch size, beams): below 1 it would read nothing or loop forever, so it is a usage error. */
  static void atLeast1(CommandSpec spec, String option, Integer value) {
    if (value != null && value < 1) {
      throw new ParameterException(spec.commandLine(), option + ": must be >= 1, got " + value);
    }
  }

  /** {@code eval classify}: accuracy, macro-F1, per-label scores and the confusion matrix of one classify task. */
  @Command(name = "classify", mixinStandardHelpOptions = true,
      description = {
          "Run a classify task of a config (its model, its head: zero-shot, few-shot, logistic, or a fine-tuned "
              + "model) on a labelled CSV (with a header) or JSONL file, and print accuracy, macro-F1, per-label "
              + "precision/recall/F1 and the confusion matrix.",
          "Columns default to the task's train settings (text, label, labelMap), else 'text' and 'label'. "
              + "Example (AG News, logistic head trained on rows 1-600, tested on 601-1200):",
          "  lexstream eval classify --config config/agnews-logistic.yaml --task topic "
              + "--data ../shared/data/ag_news_dev.csv --skip 600"})
  static final class Classify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Labelled CSV (with a header) or JSONL file.")
    Path data;

    @Option(names = "--config", required = true, description = "Pipeline config (YAML) holding the task and its model.")
    Path config;

    @Option(names = "--task", required = true, description = "Name of the classify task.")
    String task;

    @Option(names = "--pipeline", description = "Pipeline of the task, when several pipelines have a task of that name.")
    String pipeline;

    @Option(names = "--format", description = "csv or jsonl (default: by the file's extension).")
    String format;

    @Option(names = "--text-field", split = ",", description = "Column(s)/field(s) joined with a space into the "
        + "text, e.g. title,description (default: the task's train.text, else text).")
    List<String> textFields;

    @Option(names = "--label-field", description = "Column/field of the label (default: the task's train.label, "
        + "else label).")
    String labelField;

    @Option(names = "--label-map", split = ",", description = "Raw label values to task labels, e.g. "
        + "1=World,2=Sports,3=Business,4=Sci/Tech (default: the task's train.labelMap).")
    List<String> labelMap;

    @Option(names = "--skip", defaultValue = "0", description = "Data rows to skip first (default: ${DEFAULT-VALUE}); "
        + "e.g. the rows the head was trained on.")
    int skip;

    @Option(names = "--limit", description = "At most this many rows after --skip (default: all).")
    Integer limit;

    @Option(names = "--batch", defaultValue = "32", description = "Texts per model call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
      if (skip < 0) {
        throw new ParameterException(spec.commandLine(), "--skip: must be >= 0, got " + skip);
      }
      if (limit != null && limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit: must be >= 1, got " + limit);
      }
      if (batch < 1) {
        throw new ParameterException(spec.commandLine(), "--batch: must be >= 1, got " + batch);
      }
      if (format != null && !List.of("csv", "jsonl").contains(format)) {
        throw new ParameterException(spec.commandLine(), "--format: allowed: csv, jsonl; got " + format);
      }
      LexstreamConfig loaded = Configs.load(config, null);
      Located located = locate(loaded);
      ClassifyTask t = located.task();
      TrainSettings train = t.train();
      List<String> text = textFields != null ? textFields : train != null ? train.text() : List.of("text");
      String label = labelField != null ? labelField : train != null ? train.label() : "label";
      Map<String, String> map = labelMap != null ? parseLabelMap(labelMap)
          : train != null ? train.labelMap() : Map.of();

      List<LabelledTexts.Example> rows;
      try {
        rows = LabelledTexts.read(new LabelledTexts.Spec(data, format, text, label, map, skip, limit));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--data: " + e.getMessage());
      }
      if (rows.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--data: no rows after --skip " + skip);
      }

      ModelSettings settings = loaded.models().get(t.model());
      String modelPath = "models." + t.model();
      ModelSource source;
      DeviceSpec device;
      try {
        source = ModelSource.parse(settings.source());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(modelPath + ".source", e.getMessage());
      }
      try {
        device = DeviceSpec.parse(settings.device());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(modelPath + ".device", e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      long loadStart = System.nanoTime();
      try (LoadedModel model = Models.load(source, device, Lexstream.defaultWorkDir())) {
        ClassifierBinder.Bound bound = ClassifierBinder.bind(t, located.path(), model);
        double setupSeconds = (System.nanoTime() - loadStart) / 1e9;
        ClassificationReport report = new ClassificationReport(bound.labels());
        for (LabelledTexts.Example row : rows) {
          if (!bound.labels().contains(row.label())) {
            throw new ParameterException(spec.commandLine(), "--data: " + data + " row " + row.row() + ": label '"
                + row.label() + "' is not one of the task's labels " + bound.labels()
                + "; map raw labels with --label-map");
          }
        }
        long start = System.nanoTime();
        for (int s = 0; s < rows.size(); s += batch) {
          List<LabelledTexts.Example> chunk = rows.subList(s, Math.min(rows.size(), s + batch));
          List<ZeroShotClassifier.Prediction> predictions =
              bound.classify(chunk.stream().map(LabelledTexts.Example::text).toList());
          for (int i = 0; i < chunk.size(); i++) {
            report.add(chunk.get(i).label(), predictions.get(i).label());
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "task      %s (pipeline %s): %s%s on model %s = %s (%s)%n", t.name(), located.pipeline(),
            bound.method(), bound.trainingExamples() > 0 ? " from " + bound.trainingExamples() + " examples" : "",
            t.model(), model.modelId(), model.modelVersion());
        out.printf(Locale.ROOT, "data      %s rows %d-%d (%d texts)%n", data, rows.get(0).row(),
            rows.get(rows.size() - 1).row(), rows.size());
        for (String line : report.lines()) {
          out.println(line);
        }
        out.printf(Locale.ROOT, "%ntime      %.1f s to load and build the head, %.1f s for %d texts (%.0f texts/s)%n",
            setupSeconds, seconds, rows.size(), rows.size() / seconds);
        out.flush();
      }
      return 0;
    }

    private record Located(String pipeline, String path, ClassifyTask task) {}

    private Located locate(LexstreamConfig loaded) {
      List<Located> found = new ArrayList<>();
      List<String> all = new ArrayList<>();
      for (int p = 0; p < loaded.pipelines().size(); p++) {
        PipelineSettings ps = loaded.pipelines().get(p);
        for (int i = 0; i < ps.classify().size(); i++) {
          ClassifyTask t = ps.classify().get(i);
          all.add(ps.name() + "/" + t.name());
          if (t.name().equals(task) && (pipeline == null || pipeline.equals(ps.name()))) {
            found.add(new Located(ps.name(), "pipelines[" + p + "].classify[" + i + "]", t));
          }
        }
      }
      if (found.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--task: no classify task '" + task + "'"
            + (pipeline == null ? "" : " in pipeline '" + pipeline + "'") + " in " + config + "; tasks: "
            + (all.isEmpty() ? "(none)" : String.join(", ", all)));
      }
      if (found.size() > 1) {
        throw new ParameterException(spec.commandLine(), "--task: '" + task + "' is in several pipelines ("
            + String.join(", ", found.stream().map(Located::pipeline).toList()) + "); choose one with --pipeline");
      }
      return found.get(0);
    }

    private Map<String, String> parseLabelMap(List<String> pairs) {
      Map<String, String> map = new LinkedHashMap<>();
      for (String pair : pairs) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || eq == pair.length() - 1) {
          throw new ParameterException(spec.commandLine(), "--label-map: '" + pair + "' is not RAW=LABEL; e.g. "
              + "1=World,2=Sports");
        }
        map.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
      return map;
    }
  }
}
