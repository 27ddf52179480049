package dev.lexstream.topology;

import dev.lexstream.avro.Classification;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.TaskRun;
import dev.lexstream.inference.EmbeddingClassifier;
import dev.lexstream.inference.LoadedModel;
import dev.lexstream.inference.ModelOutput;
import dev.lexstream.inference.ZeroShotClassifier;
import java.time.Instant;
import java.util.ArrayList;
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
   * One classify task of the pipeline, bound to its loaded model.
   *
   * @param classifier the head on the model's embeddings; null for a text-classification model
   */
  record ClassifyStep(String name, LoadedModel model, EmbeddingClassifier classifier) {}

  private final String pipeline;
  private final List<ClassifyStep> steps;

  Enricher(String pipeline, List<ClassifyStep> steps) {
    this.pipeline = pipeline;
    this.steps = List.copyOf(steps);
  }

  List<EnrichedText> enrich(List<PendingText> batch) {
    Map<LoadedModel, ModelPass> passes = new IdentityHashMap<>();
    for (ClassifyStep step : steps) {
      passes.computeIfAbsent(step.model(), model -> ModelPass.run(model, batch));
    }
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
        ModelPass pass = passes.get(step.model());
        ZeroShotClassifier.Prediction prediction = pass.output().prediction(i, step.classifier());
        classifications.add(Classification.newBuilder()
            .setName(step.name())
            .setLabel(prediction.label())
            .setScore(prediction.score())
            .setScores(new LinkedHashMap<>(prediction.scores()))
            .build());
        runs.add(TaskRun.newBuilder()
            .setTask("classify:" + step.name())
            .setModelId(step.model().modelId())
            .setModelVersion(step.model().modelVersion())
            .setBatchSize(batch.size())
            .setInferenceMillis(pass.millis())
            .build());
      }
      out.add(EnrichedText.newBuilder()
          .setId(record.id())
          .setPipeline(pipeline)
          .setText(record.text())
          .setLang(record.document().getLang())
          .setTenant(record.document().getTenant())
          .setMetadata(record.document().getMetadata())
          .setClassifications(classifications)
          .setSafety(SafetyVerdict.newBuilder().setAction("allow").setFindings(List.of()).build())
          .setRuns(runs)
          .setSource(record.source())
          .setProcessedAt(now)
          .build());
    }
    return out;
  }

  /** One model's output on a whole batch, and how long the model took. */
  private record ModelPass(ModelOutput output, double millis) {
    static ModelPass run(LoadedModel model, List<PendingText> batch) {
      long start = System.nanoTime();
      ModelOutput output = ModelOutput.run(model, batch.stream().map(PendingText::text).toList());
      return new ModelPass(output, (System.nanoTime() - start) / 1e6);
    }
  }
}
