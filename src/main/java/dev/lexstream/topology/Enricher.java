package dev.lexstream.topology;

import dev.lexstream.avro.Classification;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.TaskRun;
import dev.lexstream.inference.EmbeddingClassifier;
import dev.lexstream.inference.InferenceExecutor;
import dev.lexstream.inference.InferenceExecutor.Embedding;
import dev.lexstream.inference.ZeroShotClassifier;
import dev.lexstream.safety.BatchGuard;
import dev.lexstream.safety.Verdicts;
import java.time.Instant;
import dev.lexstream.ops.Metrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pipeline's model tasks on a batch of texts and assembles one {@link EnrichedText} per
 * text. Each model runs on the batch once; every classify task on that model reuses its output
 * (embeddings for an embedding model, predictions for a text-classification model).
 */
final class Enricher {
  /**
   * One classify task of the pipeline, bound to its model's executor.
   *
   * @param classifier the head on the model's embeddings; null for a text-classification model
   */
  record ClassifyStep(String name, InferenceExecutor model, EmbeddingClassifier classifier) {}

  private final String pipeline;
  private final List<ClassifyStep> steps;
  private final List<InferenceExecutor> models;
  private final BatchGuard guard;
  private final InferenceExecutor guardModel;
  private final GenerativeSteps generative;
  private final Metrics metrics;

  /**
   * @param guard      the safety checks that run on the batch after the models; null when none
   * @param guardModel the executor of the guard's embedding model; null when it needs none
   * @param generative the pipeline's summarize and translate tasks
   * @param metrics    told of every task run (once per device call, as {@code EnrichedText.runs} records them)
   */
  Enricher(String pipeline, List<ClassifyStep> steps, BatchGuard guard, InferenceExecutor guardModel,
      GenerativeSteps generative, Metrics metrics) {
    this.metrics = metrics;
    this.pipeline = pipeline;
    this.steps = List.copyOf(steps);
    this.models = steps.stream().map(ClassifyStep::model).distinct().toList();
    this.guard = guard;
    this.guardModel = guard == null || guard.embedder() == null ? null : guardModel;
    this.generative = generative;
  }

  /** Tokens the text costs in a batch: the most any of the pipeline's models counts for it. */
  int countTokens(PendingText record) {
    int tokens = 1;
    for (InferenceExecutor model : models) {
      tokens = Math.max(tokens, model.model().countTokens(record.text()));
    }
    return tokens;
  }

  /** @throws RuntimeException when a model fails on the batch; callers isolate the bad record */
  List<EnrichedText> enrich(List<PendingText> batch) {
    List<String> texts = batch.stream().map(PendingText::text).toList();
    Map<InferenceExecutor, List<Embedding>> embeddings = new IdentityHashMap<>();
    for (InferenceExecutor model : models) {
      embeddings.put(model, model.embed("classify", texts));
    }
    GenerativeSteps.Outcome generated = generative.run(batch);
    Instant now = Instant.now();
    List<EnrichedText> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      PendingText record = batch.get(i);
      List<Classification> classifications = new ArrayList<>();
      List<TaskRun> runs = new ArrayList<>();
      for (ClassifyStep step : steps) {
        if (record.skips(step.name())) {
          continue;
        }
        Embedding embedding = embeddings.get(step.model()).get(i);
        ZeroShotClassifier.Prediction prediction = embedding.prediction() != null ? embedding.prediction()
            : step.classifier().classify(embedding.vector());
        classifications.add(Classification.newBuilder()
            .setName(step.name())
            .setLabel(prediction.label())
            .setScore(prediction.score())
            .setScores(new LinkedHashMap<>(prediction.scores()))
            .build());
        runs.add(TaskRun.newBuilder()
            .setTask("classify:" + step.name())
            .setModelId(step.model().model().modelId())
            .setModelVersion(step.model().model().modelVersion())
            .setBatchSize(embedding.batchSize())
            .setInferenceMillis(embedding.inferenceMillis())
            .build());
      }
      runs.addAll(generated.runs().get(i));
      out.add(EnrichedText.newBuilder()
          .setId(record.id())
          .setPipeline(pipeline)
          .setText(record.text())
          .setLang(record.document().getLang())
          .setTenant(record.document().getTenant())
          .setMetadata(record.document().getMetadata())
          .setClassifications(classifications)
          .setSummary(generated.summary(i))
          .setTranslations(generated.translations().get(i))
          .setSafety(record.safety() == null ? Verdicts.allow() : record.safety())
          .setRuns(runs)
          .setSource(record.source())
          .setProcessedAt(now)
          .build());
    }
    if (guard != null) {
      // after every model task: the guard reads generated fields and reuses the batch's embeddings
      float[][] vectors = null;
      if (guardModel != null) {
        List<Embedding> e = embeddings.computeIfAbsent(guardModel, model -> model.embed("safety", texts));
        vectors = e.stream().map(Embedding::vector).toArray(float[][]::new);
      }
      guard.apply(out, batch.stream().map(PendingText::safety).toList(), vectors, guardModel == null ? null
          : outputs -> guardModel.embed("safety", outputs).stream().map(Embedding::vector).toArray(float[][]::new));
    }
    reportRuns(out);
    return out;
  }

  /** Each distinct task run of the batch once (records of one device call share the same run). */
  private void reportRuns(List<EnrichedText> out) {
    Set<List<Object>> seen = new HashSet<>();
    for (EnrichedText record : out) {
      for (TaskRun run : record.getRuns()) {
        if (seen.add(List.of(run.getTask(), run.getModelId(), run.getBatchSize(), run.getInferenceMillis()))) {
          metrics.taskRun(pipeline, run.getTask(), run.getModelId(), run.getBatchSize(), run.getInferenceMillis());
        }
      }
    }
  }
}
