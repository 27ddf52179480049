package dev.lexstream.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lexstream.app.Lexstream;
import dev.lexstream.config.SummarizeSettings;
import dev.lexstream.inference.DeviceSpec;
import dev.lexstream.inference.DjlTextEmbedder;
import dev.lexstream.inference.GenerationOptions;
import dev.lexstream.inference.ModelSource;
import dev.lexstream.inference.Seq2SeqModel;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.summarize.ExtractiveSummarizer;
import dev.lexstream.summarize.GenerativeSummarizer;
import dev.lexstream.summarize.Rouge;
import dev.lexstream.summarize.SentenceSplitter;
import dev.lexstream.summarize.Summarizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * {@code eval summarize}: ROUGE-1/2/L F1 of summaries against references, with the Lead-1 baseline
 * (the first sentence) in the same run.
 */
@Command(name = "summarize", mixinStandardHelpOptions = true,
    description = "ROUGE-1/2/L (F1, rouge-score tokenization, no stemming) of summaries against references on a "
        + "JSONL file ({\"article\"|\"text\", \"reference\"|\"summary\"} per line), next to the Lead-1 baseline.")
public final class EvalSummarizeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--data", required = true, description = "JSONL file with an article and a reference summary per line.")
  Path data;

  @Option(names = "--model", defaultValue = "builtin:all-minilm-l6-v2-q",
      description = "Sentence encoder (builtin:NAME or directory) for extractive summaries, or a seq2seq model "
          + "directory for generative ones. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--ranking", split = ",", defaultValue = "mmr,centrality",
      description = "Extractive rankings to score, comma-separated (mmr, centrality). Default: ${DEFAULT-VALUE}.")
  List<String> rankings;

  @Option(names = "--max-sentences", defaultValue = "1", description = "Extractive: sentences per summary. Default: ${DEFAULT-VALUE}.")
  int maxSentences;

  @Option(names = "--diversity", defaultValue = "0.7", description = "MMR: centrality weight in [0, 1]. Default: ${DEFAULT-VALUE}.")
  double diversity;

  @Option(names = "--prompt", defaultValue = "", description = "Generative: text before each article (e.g. 'summarize: ').")
  String prompt;

  @Option(names = "--beams", description = "Generative: beam size (default: the model's).")
  Integer beams;

  @Option(names = "--limit", description = "Only the first N rows.")
  Integer limit;

  @Option(names = "--batch", defaultValue = "16", description = "Articles per model call. Default: ${DEFAULT-VALUE}.")
  int batch;

  record Row(String article, String reference) {}

  static List<Row> read(Path file, Integer limit) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = json.readTree(line);
        JsonNode article = node.has("article") ? node.get("article") : node.get("text");
        JsonNode reference = node.has("reference") ? node.get("reference") : node.get("summary");
        if (article == null || reference == null) {
          throw new IllegalArgumentException(file + " line " + n + ": needs \"article\" (or \"text\") and "
              + "\"reference\" (or \"summary\")");
        }
        rows.add(new Row(article.asText(), reference.asText()));
        if (limit != null && rows.size() >= limit) {
          break;
        }
      }
    }
    return rows;
  }

  @Override
  public Integer call() throws Exception {
    EvalCommand.atLeast1(spec, "--max-sentences", maxSentences);
    EvalCommand.atLeast1(spec, "--beams", beams);
    EvalCommand.atLeast1(spec, "--limit", limit);
    EvalCommand.atLeast1(spec, "--batch", batch);
    if (!(diversity >= 0 && diversity <= 1)) {
      throw new ParameterException(spec.commandLine(), "--diversity: must be from 0 to 1, got " + diversity);
    }
    if (!Files.isRegularFile(data)) {
      throw new ParameterException(spec.commandLine(), "--data: no such file: " + data);
    }
    List<Row> rows = read(data, limit);
    List<String> references = rows.stream().map(Row::reference).toList();
    List<String> articles = rows.stream().map(Row::article).toList();
    PrintWriter out = spec.commandLine().getOut();
    SentenceSplitter splitter = new SentenceSplitter();
    Map<String, List<String>> systems = new LinkedHashMap<>();
    systems.put("lead-1", articles.stream().map(a -> {
      List<String> s = splitter.sentences(a, "en");
      return s.isEmpty() ? "" : s.get(0);
    }).toList());
    Map<String, Double> seconds = new LinkedHashMap<>();
    seconds.put("lead-1", 0.0);
    Path dir = model.startsWith("builtin:") ? null : Path.of(model);
    if (dir != null && Seq2SeqModel.isSeq2Seq(dir)) {
      try (Seq2SeqModel m = Seq2SeqModel.load(dir, null, Device.cpu())) {
        GenerationOptions d = m.defaults();
        GenerationOptions o = new GenerationOptions(d.maxNewTokens(), beams != null ? beams : d.numBeams(),
            d.lengthPenalty(), d.noRepeatNgramSize(), d.earlyStopping());
        run(systems, seconds, "generative:" + m.modelId(), new GenerativeSummarizer(m, prompt, o), articles);
      }
    } else {
      try (TextEmbedder embedder = DjlTextEmbedder.load(ModelSource.parse(model), DeviceSpec.cpu(),
          Lexstream.defaultWorkDir())) {
        for (String r : rankings) {
          SummarizeSettings.Ranking ranking = switch (r.strip()) {
            case "mmr" -> SummarizeSettings.Ranking.MMR;
            case "centrality" -> SummarizeSettings.Ranking.CENTRALITY;
            default -> throw new ParameterException(spec.commandLine(), "--ranking: '" + r + "' is not allowed; "
                + "allowed: mmr, centrality");
          };
          run(systems, seconds, "extractive-" + r.strip() + "-" + maxSentences,
              new ExtractiveSummarizer(embedder, splitter, ranking, maxSentences, null, diversity), articles);
        }
      }
    }
    out.printf(Locale.ROOT, "%d articles from %s; ROUGE F1 x100 (rouge-score tokenization, no stemming)%n",
        rows.size(), data);
    out.printf(Locale.ROOT, "%-28s %8s %8s %8s %8s %10s%n", "system", "ROUGE-1", "ROUGE-2", "ROUGE-L", "words", "seconds");
    for (Map.Entry<String, List<String>> e : systems.entrySet()) {
      Rouge.Corpus c = Rouge.corpus(e.getValue(), references);
      double words = e.getValue().stream().mapToInt(s -> s.isBlank() ? 0 : s.strip().split("\\s+").length).average()
          .orElse(0);
      out.printf(Locale.ROOT, "%-28s %8.2f %8.2f %8.2f %8.1f %10.1f%n", e.getKey(), 100 * c.rouge1(), 100 * c.rouge2(),
          100 * c.rougeL(), words, seconds.get(e.getKey()));
    }
    out.flush();
    return 0;
  }

  private void run(Map<String, List<String>> systems, Map<String, Double> seconds, String name, Summarizer s,
      List<String> articles) {
    long start = System.nanoTime();
    List<String> summaries = new ArrayList<>(articles.size());
    for (int i = 0; i < articles.size(); i += batch) {
      List<String> chunk = articles.subList(i, Math.min(articles.size(), i + batch));
      summaries.addAll(s.summarize(chunk, chunk.stream().map(a -> "en").toList()));
      spec.commandLine().getErr().printf("\r%s: %d/%d", name, summaries.size(), articles.size());
    }
    spec.commandLine().getErr().println();
    seconds.put(name, (System.nanoTime() - start) / 1e9);
    systems.put(name, summaries);
  }

}
