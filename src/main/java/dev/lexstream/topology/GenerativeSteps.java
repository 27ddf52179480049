package dev.lexstream.topology;

import dev.lexstream.avro.TaskRun;
import dev.lexstream.avro.Translation;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.config.SummarizeSettings;
import dev.lexstream.config.TranslateSettings;
import dev.lexstream.inference.Seq2SeqModel;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.summarize.ExtractiveSummarizer;
import dev.lexstream.summarize.GenerativeSummarizer;
import dev.lexstream.summarize.Summarizer;
import dev.lexstream.translate.ApertiumTranslator;
import dev.lexstream.translate.LanguageDetection;
import dev.lexstream.translate.Seq2SeqTranslator;
import dev.lexstream.translate.TextTranslator;
import dev.lexstream.translate.TranslationBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's summarize and translate tasks (task names {@code summarize} and {@code translate};
 * runs {@code summarize} and {@code translate:<target>}). Each runs once per batch on the records
 * that ask for it.
 */
public final class GenerativeSteps implements AutoCloseable {
  public static final String SUMMARIZE = "summarize";
  public static final String TRANSLATE = "translate";

  static final GenerativeSteps NONE = new GenerativeSteps(null, null);

  private final Summarizer summarizer;
  private final TextTranslator translator;

  /** Either may be null. */
  public GenerativeSteps(Summarizer summarizer, TextTranslator translator) {
    this.summarizer = summarizer;
    this.translator = translator;
  }

  /**
   * The steps of one pipeline's config.
   *
   * @param embedders loaded sentence encoders by model name (extractive summaries)
   * @param seq2seq   loaded seq2seq models by model name (generative summaries, model translation)
   * @throws IllegalStateException when Apertium is needed and not installed (the message says what to install)
   */
  public static GenerativeSteps create(PipelineSettings p, Map<String, TextEmbedder> embedders,
      Map<String, Seq2SeqModel> seq2seq) {
    Summarizer summarizer = null;
    SummarizeSettings s = p.summarize();
    if (s != null) {
      if (s.method() == SummarizeSettings.Method.EXTRACTIVE) {
        summarizer = ExtractiveSummarizer.of(require(embedders.get(s.model()), s.model()), s);
      } else {
        Seq2SeqModel m = require(seq2seq.get(s.model()), s.model());
        summarizer = new GenerativeSummarizer(m, s.prompt(), GenerativeSummarizer.options(m, s.generation()),
            s.generation().maxInputTokens());
      }
    }
    TextTranslator translator = null;
    TranslateSettings t = p.translate();
    if (t != null) {
      TranslationBackend backend;
      if (t.backend() == TranslateSettings.Backend.APERTIUM) {
        ApertiumTranslator apertium = new ApertiumTranslator();
        apertium.check(t.detects() ? "en" : t.source(), t.target());
        backend = apertium;
      } else {
        Seq2SeqModel m = require(seq2seq.get(t.model()), t.model());
        backend = new Seq2SeqTranslator(m, t.prompt(), GenerativeSummarizer.options(m, t.generation()),
            t.generation().maxInputTokens(), t.target());
      }
      translator = new TextTranslator(backend, t.detects() ? new LanguageDetection(t.languages()) : null,
          t.detects() ? null : t.source(), t.target());
    }
    return new GenerativeSteps(summarizer, translator);
  }

  private static <T> T require(T model, String name) {
    if (model == null) {
      throw new IllegalStateException("model '" + name + "' is not loaded");
    }
    return model;
  }

  /** Results of a batch, by position in the batch. */
  record Outcome(String[] summaries, List<List<Translation>> translations, List<List<TaskRun>> runs) {
    String summary(int i) {
      return summaries[i];
    }
  }

  Outcome run(List<PendingText> batch) {
    String[] summaries = new String[batch.size()];
    List<List<Translation>> translations = new ArrayList<>(batch.size());
    List<List<TaskRun>> runs = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      translations.add(new ArrayList<>());
      runs.add(new ArrayList<>());
    }
    if (summarizer != null) {
      List<Integer> rows = rows(batch, SUMMARIZE);
      if (!rows.isEmpty()) {
        long start = System.nanoTime();
        List<String> out = summarizer.summarize(rows.stream().map(r -> batch.get(r).text()).toList(),
            rows.stream().map(r -> batch.get(r).document().getLang()).toList());
        double millis = (System.nanoTime() - start) / 1e6;
        for (int j = 0; j < rows.size(); j++) {
          summaries[rows.get(j)] = out.get(j);
          runs.get(rows.get(j)).add(run(SUMMARIZE, summarizer.modelId(), summarizer.modelVersion(), rows.size(), millis));
        }
      }
    }
    if (translator != null) {
      List<Integer> rows = rows(batch, TRANSLATE);
      if (!rows.isEmpty()) {
        List<TextTranslator.Request> requests = rows.stream()
            .map(r -> new TextTranslator.Request(batch.get(r).text(), batch.get(r).document().getLang(),
                batch.get(r).document().getTargetLang()))
            .toList();
        List<TextTranslator.Result> results = translator.translate(requests);
        for (int j = 0; j < rows.size(); j++) {
          TextTranslator.Result r = results.get(j);
          if (r.translated()) {
            translations.get(rows.get(j)).add(Translation.newBuilder().setTarget(r.target()).setText(r.text()).build());
            runs.get(rows.get(j)).add(run(TRANSLATE + ":" + r.target(), r.modelId(), r.modelVersion(), r.batchSize(),
                r.millis()));
          }
        }
      }
    }
    return new Outcome(summaries, translations, runs);
  }

  private static List<Integer> rows(List<PendingText> batch, String task) {
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (!batch.get(i).skips(task)) {
        rows.add(i);
      }
    }
    return rows;
  }

  private static TaskRun run(String task, String modelId, String version, int batchSize, double millis) {
    return TaskRun.newBuilder().setTask(task).setModelId(modelId).setModelVersion(version).setBatchSize(batchSize)
        .setInferenceMillis(millis).build();
  }

  @Override
  public void close() {
    if (translator != null) {
      translator.close();
    }
    if (summarizer != null) {
      summarizer.close();
    }
  }
}
