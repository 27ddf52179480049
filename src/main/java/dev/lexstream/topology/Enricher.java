package dev.lexstream.topology;

import dev.lexstream.avro.Classification;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.TaskRun;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.inference.ZeroShotClassifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pipeline's model tasks on a batch of texts and assembles one {@link EnrichedText} per
 * text. Each model embeds the batch once; every classify task on that model reuses the embeddings.
 */
final class Enricher {
  /** One classify task of the pipeline, bound to its loaded model. */
  record ClassifyStep(String name, TextEmbedder embedder, ZeroShotClassifier classifier) {}

  private final String pipeline;
  private final List<ClassifyStep> steps;
  private final GenerativeSteps generative;

  Enricher(String pipeline, List<ClassifyStep> steps) {
    this(pipeline, steps, GenerativeSteps.NONE);
  }

  /** @param generative the pipeline's summarize and translate tasks */
  Enricher(String pipeline, List<ClassifyStep> steps, GenerativeSteps generative) {
    this.pipeline = pipeline;
    this.steps = List.copyOf(steps);
    this.generative = generative;
  }

  List<EnrichedText> enrich(List<PendingText> batch) {
    Map<TextEmbedder, ModelPass> passes = new IdentityHashMap<>();
    for (ClassifyStep step : steps) {
      passes.computeIfAbsent(step.embedder(), embedder -> ModelPass.run(embedder, batch));
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
        ModelPass pass = passes.get(step.embedder());
        ZeroShotClassifier.Prediction prediction = step.classifier().classify(pass.embeddings()[i]);
        classifications.add(Classification.newBuilder()
            .setName(step.name())
            .setLabel(prediction.label())
            .setScore(prediction.score())
            .setScores(new LinkedHashMap<>(prediction.scores()))
            .build());
        runs.add(TaskRun.newBuilder()
            .setTask("classify:" + step.name())
            .setModelId(step.embedder().modelId())
            .setModelVersion(step.embedder().modelVersion())
            .setBatchSize(batch.size())
            .setInferenceMillis(pass.millis())
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
          .setSafety(SafetyVerdict.newBuilder().setAction("allow").setFindings(List.of()).build())
          .setRuns(runs)
          .setSource(record.source())
          .setProcessedAt(now)
          .build());
    }
    return out;
  }

  /** Embeddings of a whole batch from one model, and how long the model took. */
  private record ModelPass(float[][] embeddings, double millis) {
    static ModelPass run(TextEmbedder embedder, List<PendingText> batch) {
      long start = System.nanoTime();
      float[][] embeddings = embedder.embed(batch.stream().map(PendingText::text).toList());
      return new ModelPass(embeddings, (System.nanoTime() - start) / 1e6);
    }
  }
}
