package dev.lexstream.topology;

import dev.lexstream.batching.BatchPolicy;
import dev.lexstream.batching.BatchingControl;
import dev.lexstream.batching.BatchingProcessor;
import dev.lexstream.config.BatchingSettings;
import dev.lexstream.config.ClassifyTask;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.inference.InferenceExecutor;
import dev.lexstream.inference.ClassifierBinder;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.ops.Metrics;
import dev.lexstream.safety.BatchGuard;
import dev.lexstream.safety.InputGuard;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.InputDecoder;
import dev.lexstream.serde.KeySerializer;
import dev.lexstream.serde.RecordSerializer;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the Kafka Streams topology of every pipeline in one readable place:
 * <pre>
 *   input ─▶ decode+validate+input guard ─▶ batch (durable buffer ─▶ models ─▶ batch guard) ─▶ output | quarantine
 *                  │                                          │
 *                  └─────────────────────┬────────────────────┘
 *                                        ▼
 *                                   dead letters
 * </pre>
 * Each output record goes to the partition its input came from. The safety verdict on each
 * enriched record decides between output, quarantine and dead letters.
 */
public final class PipelineTopology {
  private PipelineTopology() {}

  /** Name of the batch buffer store of a pipeline (its changelog is {@code <appId>-<name>-changelog}). */
  public static String bufferStore(String pipeline) {
    return pipeline + "-batch-buffer";
  }

  /**
   * @param models     one executor per model config name; must hold every model the pipelines use
   * @param generative summarize/translate tasks by pipeline name (pipelines without them may be absent)
   */
  public static Topology build(LexstreamConfig config, Map<String, InferenceExecutor> models, AvroCodec codec,
      BatchingControl control, Map<String, GenerativeSteps> generative) {
    return build(config, models, codec, control, generative, Metrics.NOOP);
  }

  /**
   * @param models     one executor per model config name; must hold every model the pipelines use
   * @param generative summarize/translate tasks by pipeline name (pipelines without them may be absent)
   * @param metrics    told of every record leaving for a sink (the sinks' value serializer counts) and every flush
   * @throws dev.lexstream.config.ConfigException when a classify task does not fit its model (or its training file)
   */
  public static Topology build(LexstreamConfig config, Map<String, InferenceExecutor> models, AvroCodec codec,
      BatchingControl control, Map<String, GenerativeSteps> generative, Metrics metrics) {
    Topology topology = new Topology();
    RecordSerializer serializer = new RecordSerializer(codec);
    CountingSerializer values = new CountingSerializer(serializer, outcomes(config), metrics);
    KeySerializer keys = new KeySerializer(codec);
    SourcePartitioner partitioner = new SourcePartitioner();
    RequestSizeLimit limit = new RequestSizeLimit(config.kafka().maxRequestSize());
    for (int index = 0; index < config.pipelines().size(); index++) {
      PipelineSettings p = config.pipelines().get(index);
      metrics.pipelineBuilt(p.name(), DeadLetterStages.ALL);
      String source = p.name() + "-source";
      String decode = p.name() + "-decode";
      String batch = p.name() + "-batch";
      String output = p.name() + "-output";
      String quarantine = p.name() + "-quarantine";
      String deadLetters = p.name() + "-dead-letters";
      String store = bufferStore(p.name());
      String safetyPath = "pipelines[" + index + "].safety";
      InputGuard inputGuard = p.safety() == null ? null : InputGuard.of(p.safety());
      InferenceExecutor safetyModel = p.safety() == null || p.safety().model() == null ? null
          : models.get(p.safety().model());
      BatchGuard batchGuard = p.safety() == null ? null
          : BatchGuard.of(p.safety(), safetyModel == null ? null : embedder(safetyModel, safetyPath + ".model"),
              safetyPath);
      Enricher enricher = enricher(p, "pipelines[" + index + "]", models, batchGuard, safetyModel,
          generative.getOrDefault(p.name(), GenerativeSteps.NONE), metrics);
      BatchPolicy policy = policy(p.batching());
      SinkSizes sizes = new SinkSizes(limit, keys, serializer,
          Map.of(output, p.output(), quarantine, p.quarantine(), deadLetters, p.deadLetter()));
      topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), p.input());
      topology.addProcessor(decode, () -> new DecodeProcessor(p.name(),
          new InputDecoder(p.inputFormat(), codec.registry()), new TextValidator(p.maxTextBytes()), inputGuard,
          new BufferEntryCheck(new PendingTextCodec(), limit), batch, deadLetters, sizes), source);
      topology.addProcessor(batch, () -> new BatchingProcessor<>(store, policy, new PendingTextCodec(),
          enricher::countTokens, new EnrichBatch(p.name(), enricher, output, quarantine, deadLetters, sizes), control,
          (trigger, records, tokens) -> metrics.batchFlushed(p.name(), trigger, records, tokens)), decode);
      // cached: a record flushed within one commit interval costs one changelog tombstone, not a put and a delete
      topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
          Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), batch);
      topology.addSink(output, p.output(), keys, values, partitioner, batch);
      topology.addSink(quarantine, p.quarantine(), keys, values, partitioner, batch);
      topology.addSink(deadLetters, p.deadLetter(), keys, values, partitioner, decode, batch);
    }
    return topology;
  }

  /** The outcome each output topic stands for, for the metrics. */
  private static Map<String, String> outcomes(LexstreamConfig config) {
    Map<String, String> outcomes = new HashMap<>();
    for (PipelineSettings p : config.pipelines()) {
      outcomes.put(p.output(), Metrics.ENRICHED);
      outcomes.put(p.quarantine(), Metrics.QUARANTINE);
      outcomes.put(p.deadLetter(), Metrics.DLQ);
    }
    return outcomes;
  }

  private static BatchPolicy policy(BatchingSettings batching) {
    return new BatchPolicy(batching.maxRecords(), batching.maxTokens(), batching.maxWait(), batching.inFlight(),
        batching.flushWhenIdle());
  }

  private static Enricher enricher(PipelineSettings pipeline, String path, Map<String, InferenceExecutor> models,
      BatchGuard guard, InferenceExecutor guardModel, GenerativeSteps generative, Metrics metrics) {
    List<Enricher.ClassifyStep> steps = new ArrayList<>();
    for (int i = 0; i < pipeline.classify().size(); i++) {
      ClassifyTask task = pipeline.classify().get(i);
      steps.add(classifyStep(task, path + ".classify[" + i + "]", models.get(task.model())));
    }
    return new Enricher(pipeline.name(), steps, guard, guardModel, generative, metrics);
  }

  private static Enricher.ClassifyStep classifyStep(ClassifyTask task, String path, InferenceExecutor model) {
    if (model == null) {
      throw new IllegalStateException("model '" + task.model() + "' of classify task '" + task.name() + "' is not loaded");
    }
    ClassifierBinder.Bound bound = ClassifierBinder.bind(task, path, model.model());
    return new Enricher.ClassifyStep(task.name(), model, bound.head());
  }

  /** The safety checks embed text: their model must be a sentence encoder. */
  private static TextEmbedder embedder(InferenceExecutor model, String path) {
    if (model.model() instanceof TextEmbedder embedder) {
      return embedder;
    }
    throw new dev.lexstream.config.ConfigException(path, "'" + model.model().modelId() + "' is a "
        + model.model().kind() + " model; allowed: a text-embedding model");
  }
}
