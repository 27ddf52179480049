package dev.lexstream.topology;

import dev.lexstream.config.ClassifyTask;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.inference.ZeroShotClassifier;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.InputDecoder;
import dev.lexstream.serde.RecordSerializer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * Builds the Kafka Streams topology of every pipeline in one readable place:
 * <pre>
 *   input ─▶ decode+validate ─▶ enrich (models) ─▶ output
 *                  │                   │
 *                  └────────┬──────────┘
 *                           ▼
 *                      dead letters
 * </pre>
 * Each output record goes to the partition its input came from. The quarantine topic exists from
 * the start; the safety policy is what feeds it.
 */
public final class PipelineTopology {
  private PipelineTopology() {}

  /** @param models loaded models by config name; must hold every model the pipelines use */
  public static Topology build(LexstreamConfig config, Map<String, TextEmbedder> models, AvroCodec codec) {
    return build(config, models, codec, Map.of());
  }

  /** @param generative summarize/translate tasks by pipeline name (pipelines without them may be absent) */
  public static Topology build(LexstreamConfig config, Map<String, TextEmbedder> models, AvroCodec codec,
      Map<String, GenerativeSteps> generative) {
    Topology topology = new Topology();
    RecordSerializer values = new RecordSerializer(codec);
    ByteArraySerializer keys = new ByteArraySerializer();
    SourcePartitioner partitioner = new SourcePartitioner();
    for (PipelineSettings p : config.pipelines()) {
      String source = p.name() + "-source";
      String decode = p.name() + "-decode";
      String enrich = p.name() + "-enrich";
      String output = p.name() + "-output";
      String deadLetters = p.name() + "-dead-letters";
      Enricher enricher = enricher(p, models, generative.getOrDefault(p.name(), GenerativeSteps.NONE));
      topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), p.input());
      topology.addProcessor(decode, () -> new DecodeProcessor(p.name(), new InputDecoder(p.inputFormat()),
          new TextValidator(p.maxTextBytes()), enrich, deadLetters), source);
      topology.addProcessor(enrich, () -> new EnrichProcessor(p.name(), enricher, output, deadLetters), decode);
      topology.addSink(output, p.output(), keys, values, partitioner, enrich);
      topology.addSink(deadLetters, p.deadLetter(), keys, values, partitioner, decode, enrich);
    }
    return topology;
  }

  private static Enricher enricher(PipelineSettings pipeline, Map<String, TextEmbedder> models,
      GenerativeSteps generative) {
    List<Enricher.ClassifyStep> steps = pipeline.classify().stream()
        .map(task -> classifyStep(task, models.get(task.model())))
        .toList();
    return new Enricher(pipeline.name(), steps, generative);
  }

  private static Enricher.ClassifyStep classifyStep(ClassifyTask task, TextEmbedder model) {
    if (model == null) {
      throw new IllegalStateException("model '" + task.model() + "' of classify task '" + task.name() + "' is not loaded");
    }
    return new Enricher.ClassifyStep(task.name(), model,
        ZeroShotClassifier.create(model, task.labels(), task.examples()));
  }
}
