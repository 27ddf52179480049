package dev.lexstream.topology;

import dev.lexstream.config.ClassifyTask;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.inference.ClassifierBinder;
import dev.lexstream.inference.LoadedModel;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.InputDecoder;
import dev.lexstream.serde.RecordSerializer;
import java.util.ArrayList;
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

  /**
   * @param models loaded models by config name; must hold every model the pipelines use
   * @throws dev.lexstream.config.ConfigException when a classify task does not fit its model (or its training file)
   */
  public static Topology build(LexstreamConfig config, Map<String, ? extends LoadedModel> models, AvroCodec codec) {
    Topology topology = new Topology();
    RecordSerializer values = new RecordSerializer(codec);
    ByteArraySerializer keys = new ByteArraySerializer();
    SourcePartitioner partitioner = new SourcePartitioner();
    for (int index = 0; index < config.pipelines().size(); index++) {
      PipelineSettings p = config.pipelines().get(index);
      String source = p.name() + "-source";
      String decode = p.name() + "-decode";
      String enrich = p.name() + "-enrich";
      String output = p.name() + "-output";
      String deadLetters = p.name() + "-dead-letters";
      Enricher enricher = enricher(p, "pipelines[" + index + "]", models);
      topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), p.input());
      topology.addProcessor(decode, () -> new DecodeProcessor(p.name(), new InputDecoder(p.inputFormat()),
          new TextValidator(p.maxTextBytes()), enrich, deadLetters), source);
      topology.addProcessor(enrich, () -> new EnrichProcessor(p.name(), enricher, output, deadLetters), decode);
      topology.addSink(output, p.output(), keys, values, partitioner, enrich);
      topology.addSink(deadLetters, p.deadLetter(), keys, values, partitioner, decode, enrich);
    }
    return topology;
  }

  private static Enricher enricher(PipelineSettings pipeline, String path, Map<String, ? extends LoadedModel> models) {
    List<Enricher.ClassifyStep> steps = new ArrayList<>();
    for (int i = 0; i < pipeline.classify().size(); i++) {
      ClassifyTask task = pipeline.classify().get(i);
      steps.add(classifyStep(task, path + ".classify[" + i + "]", models.get(task.model())));
    }
    return new Enricher(pipeline.name(), steps);
  }

  private static Enricher.ClassifyStep classifyStep(ClassifyTask task, String path, LoadedModel model) {
    if (model == null) {
      throw new IllegalStateException("model '" + task.model() + "' of classify task '" + task.name() + "' is not loaded");
    }
    ClassifierBinder.Bound bound = ClassifierBinder.bind(task, path, model);
    return new Enricher.ClassifyStep(task.name(), bound.model(), bound.head());
  }
}
