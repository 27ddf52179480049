package dev.lexstream.app;

import ai.djl.Device;
import dev.lexstream.config.ConfigException;
import dev.lexstream.config.GenerationSettings;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.config.SummarizeSettings;
import dev.lexstream.config.TranslateSettings;
import dev.lexstream.inference.DeviceSpec;
import dev.lexstream.inference.GenerationOptions;
import dev.lexstream.inference.Seq2SeqModel;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.ops.MetricNames;
import dev.lexstream.ops.MicrometerMetrics;
import dev.lexstream.summarize.GenerativeSummarizer;
import dev.lexstream.topology.GenerativeSteps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads what the pipelines' summarize and translate tasks need: seq2seq models, Apertium, language detection. */
final class GenerativeTasks {
  private static final Logger log = LoggerFactory.getLogger(GenerativeTasks.class);
  /** Tokens generated per warm-up input: the first few steps are what initializes lazily. */
  private static final int WARM_UP_NEW_TOKENS = 4;

  private GenerativeTasks() {}

  /** Models a pipeline uses as sentence encoders for extractive summaries. */
  static List<String> embeddingModels(PipelineSettings p) {
    SummarizeSettings s = p.summarize();
    return s != null && s.method() == SummarizeSettings.Method.EXTRACTIVE ? List.of(s.model()) : List.of();
  }

  /** Models a pipeline uses as seq2seq models, with the config path that names each. */
  private static Map<String, String> seq2seqModels(List<PipelineSettings> pipelines) {
    Map<String, String> used = new LinkedHashMap<>();
    for (int i = 0; i < pipelines.size(); i++) {
      PipelineSettings p = pipelines.get(i);
      if (p.summarize() != null && p.summarize().method() == SummarizeSettings.Method.GENERATIVE) {
        used.putIfAbsent(p.summarize().model(), "pipelines[" + i + "].summarize.model");
      }
      if (p.translate() != null && p.translate().backend() == TranslateSettings.Backend.MODEL) {
        used.putIfAbsent(p.translate().model(), "pipelines[" + i + "].translate.model");
      }
    }
    return used;
  }

  /** Warms the model up with decoding cut short: lazy initialization happens on the first encoder and decoder steps. */
  private static void warmUp(String name, Seq2SeqModel model, int maxBatch, MicrometerMetrics metrics) {
    GenerationOptions d = model.defaults();
    GenerationOptions options = new GenerationOptions(Math.min(d.maxNewTokens(), WARM_UP_NEW_TOKENS), d.numBeams(),
        d.lengthPenalty(), d.noRepeatNgramSize(), d.earlyStopping());
    WarmUp.run(name, maxBatch, metrics, texts -> model.generate(texts, "", options));
  }

  /**
   * A task's maxNewTokens must fit the model's decoder positions: beyond them, the warm-up (4 tokens)
   * passes and then every record whose output does not end sooner fails in the model.
   */
  private static void checkMaxNewTokens(Seq2SeqModel model, GenerationSettings settings, String path) {
    int limit = model.maxNewTokensLimit();
    int maxNewTokens = GenerativeSummarizer.options(model, settings).maxNewTokens();
    if (limit > 0 && maxNewTokens > limit) {
      throw new ConfigException(path, maxNewTokens + (settings.maxNewTokens() == null
          ? " (from the model's generation_config.json or config.json)" : "") + " is too large for model "
          + model.modelId() + ", whose decoder has " + limit + " positions (max_position_embeddings in its "
          + "config.json); allowed: 1 to " + limit);
    }
  }

  /**
   * @param closeables receives everything loaded here, to be closed by the caller
   * @param metrics    receives each seq2seq model's load and warm-up time
   * @return steps by pipeline name
   */
  static Map<String, GenerativeSteps> load(LexstreamConfig config, Map<String, TextEmbedder> embedders,
      List<AutoCloseable> closeables, MicrometerMetrics metrics) {
    Map<String, Seq2SeqModel> seq2seq = new LinkedHashMap<>();
    seq2seqModels(config.pipelines()).forEach((name, usedAt) -> {
      var settings = config.models().get(name);
      String source = settings.source();
      if (source.startsWith("builtin:")) {
        throw new ConfigException("models." + name + ".source", "'" + source + "' is a sentence encoder, used as a "
            + "seq2seq model at " + usedAt + "; allowed: a seq2seq model directory (model.properties kind=seq2seq)");
      }
      DeviceSpec device;
      try {
        device = DeviceSpec.parse(settings.device());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("models." + name + ".device", e.getMessage());
      }
      Device on = device.resolve();
      long start = System.nanoTime();
      Seq2SeqModel model;
      try {
        model = Seq2SeqModel.load(Path.of(source), null, on);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("models." + name + ".source", e.getMessage());
      }
      closeables.add(model);
      seq2seq.put(name, model);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      metrics.timeGauge(MetricNames.MODEL_LOAD, "time to load the model", took, "model", name, "device", on.toString());
      log.info("seq2seq model {} ({}) loaded with {} on {} in {} ms", name, model.modelVersion(), model.engine(), on,
          took.toMillis());
      warmUp(name, model, settings.maxBatch(), metrics);
    });
    Map<String, GenerativeSteps> steps = new LinkedHashMap<>();
    for (int i = 0; i < config.pipelines().size(); i++) {
      PipelineSettings p = config.pipelines().get(i);
      if (p.summarize() == null && p.translate() == null) {
        continue;
      }
      if (p.summarize() != null && p.summarize().method() == SummarizeSettings.Method.GENERATIVE) {
        checkMaxNewTokens(seq2seq.get(p.summarize().model()), p.summarize().generation(),
            "pipelines[" + i + "].summarize.generation.maxNewTokens");
      }
      if (p.translate() != null && p.translate().backend() == TranslateSettings.Backend.MODEL) {
        checkMaxNewTokens(seq2seq.get(p.translate().model()), p.translate().generation(),
            "pipelines[" + i + "].translate.generation.maxNewTokens");
      }
      try {
        GenerativeSteps s = GenerativeSteps.create(p, embedders, seq2seq);
        closeables.add(s);
        steps.put(p.name(), s);
      } catch (IllegalStateException e) {
        throw new ConfigException("pipelines[" + i + "].translate.backend", e.getMessage());
      }
    }
    return steps;
  }
}
