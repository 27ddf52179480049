package dev.lexstream.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lexstream.inference.GenerationOptions;
import dev.lexstream.inference.Seq2SeqModel;
import dev.lexstream.translate.ApertiumTranslator;
import dev.lexstream.translate.Seq2SeqTranslator;
import dev.lexstream.translate.TranslationBackend;
import dev.lexstream.translate.TranslationMetrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code eval translate}: chrF2 and BLEU (sacreBLEU defaults) of a backend's translations against references. */
@Command(name = "translate", mixinStandardHelpOptions = true,
    description = "chrF2 and BLEU (sacreBLEU 2 defaults: 13a tokenization, exponential smoothing) of translations "
        + "against references. --data is a JSONL file ({\"source\", \"reference\"} per line) or the common prefix of "
        + "line-aligned files named by ISO 639-3 or 639-1 code (e.g. flores_dev for flores_dev.eng and flores_dev.spa).")
public final class EvalTranslateCommand implements Callable<Integer> {
  private static final Map<String, String> ISO3 = Map.of("en", "eng", "es", "spa", "ca", "cat", "de", "deu",
      "fr", "fra", "pt", "por", "it", "ita");

  @Spec
  CommandSpec spec;

  @Option(names = "--data", required = true, description = "JSONL file or line-aligned file prefix.")
  String data;

  @Option(names = "--from", defaultValue = "en", description = "Source language (ISO 639-1). Default: ${DEFAULT-VALUE}.")
  String from;

  @Option(names = "--to", defaultValue = "es", description = "Target language (ISO 639-1). Default: ${DEFAULT-VALUE}.")
  String to;

  @Option(names = "--backend", defaultValue = "apertium", description = "apertium or model. Default: ${DEFAULT-VALUE}.")
  String backend;

  @Option(names = "--model", description = "backend model: seq2seq model directory.")
  Path model;

  @Option(names = "--prompt", defaultValue = "", description = "backend model: text before each source; {target} is "
      + "replaced by the target language.")
  String prompt;

  @Option(names = "--limit", description = "Only the first N rows.")
  Integer limit;

  @Option(names = "--output", description = "Also write the translations here, one per line.")
  Path output;

  @Option(names = "--batch", defaultValue = "32", description = "Sentences per backend call. Default: ${DEFAULT-VALUE}.")
  int batch;

  record Pair(String source, String reference) {}

  List<Pair> read() throws IOException {
    Path file = Path.of(data);
    List<Pair> rows = new ArrayList<>();
    if (Files.isRegularFile(file)) {
      ObjectMapper json = new ObjectMapper();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          JsonNode n = json.readTree(line);
          rows.add(new Pair(n.get("source").asText(), n.get("reference").asText()));
        }
      }
    } else {
      Path src = aligned(from);
      Path ref = aligned(to);
      List<String> s = Files.readAllLines(src, StandardCharsets.UTF_8);
      List<String> r = Files.readAllLines(ref, StandardCharsets.UTF_8);
      if (s.size() != r.size()) {
        throw new ParameterException(spec.commandLine(), src + " has " + s.size() + " lines but " + ref + " has " + r.size());
      }
      for (int i = 0; i < s.size(); i++) {
        rows.add(new Pair(s.get(i), r.get(i)));
      }
    }
    return limit == null || limit >= rows.size() ? rows : rows.subList(0, limit);
  }

  private Path aligned(String lang) {
    for (String suffix : List.of(ISO3.getOrDefault(lang, lang), lang)) {
      Path p = Path.of(data + "." + suffix);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new ParameterException(spec.commandLine(), "--data: neither " + data + "." + ISO3.getOrDefault(lang, lang)
        + " nor " + data + "." + lang + " exists (and " + data + " is not a file)");
  }

  @Override
  public Integer call() throws Exception {
    EvalCommand.atLeast1(spec, "--limit", limit);
    EvalCommand.atLeast1(spec, "--batch", batch);
    List<Pair> rows = read();
    TranslationBackend b;
    Seq2SeqModel m = null;
    if (backend.equals("apertium")) {
      ApertiumTranslator a = new ApertiumTranslator();
      a.check(from, to);
      b = a;
    } else if (backend.equals("model")) {
      if (model == null) {
        throw new ParameterException(spec.commandLine(), "--model: required with --backend model");
      }
      m = Seq2SeqModel.load(model, null, Device.cpu());
      GenerationOptions o = m.defaults();
      b = new Seq2SeqTranslator(m, prompt, o, null, to);
    } else {
      throw new ParameterException(spec.commandLine(), "--backend: '" + backend + "' is not allowed; allowed: apertium, model");
    }
    List<String> hyps = new ArrayList<>(rows.size());
    long start = System.nanoTime();
    try {
      for (int i = 0; i < rows.size(); i += batch) {
        List<String> chunk = rows.subList(i, Math.min(rows.size(), i + batch)).stream().map(Pair::source).toList();
        hyps.addAll(b.translate(chunk, from, to));
        spec.commandLine().getErr().printf("\rtranslated %d/%d", hyps.size(), rows.size());
      }
      spec.commandLine().getErr().println();
    } finally {
      b.close();
      if (m != null) {
        m.close();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (output != null) {
      Files.write(output, hyps.stream().map(h -> h.replace('\n', ' ')).toList(), StandardCharsets.UTF_8);
    }
    List<List<String>> refs = List.of(rows.stream().map(Pair::reference).toList());
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%d sentences %s->%s with %s in %.1f s (%.1f sentences/s)%n", rows.size(), from, to,
        b.modelId(from, to), seconds, rows.size() / seconds);
    out.printf(Locale.ROOT, "chrF2 = %.2f%n", TranslationMetrics.chrf(hyps, refs));
    out.println(TranslationMetrics.bleu(hyps, refs));
    out.flush();
    return 0;
  }

}
