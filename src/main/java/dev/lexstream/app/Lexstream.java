package dev.lexstream.app;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.batching.BatchingControl;
import dev.lexstream.batching.BatchingProcessor;
import dev.lexstream.config.ConfigException;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.ModelSettings;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.inference.DeviceSpec;
import dev.lexstream.inference.DjlTextEmbedder;
import dev.lexstream.inference.InferenceExecutor;
import dev.lexstream.inference.LoadedModel;
import dev.lexstream.inference.ModelOutput;
import dev.lexstream.inference.Models;
import dev.lexstream.inference.ModelSource;
import dev.lexstream.inference.Seq2SeqModel;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.kafka.EmbeddedKafka;
import dev.lexstream.kafka.TopicAdmin;
import dev.lexstream.ops.GpuMemory;
import dev.lexstream.ops.Health;
import dev.lexstream.ops.MetricNames;
import dev.lexstream.ops.MicrometerMetrics;
import dev.lexstream.ops.OpsServer;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.topology.GenerativeSteps;
import dev.lexstream.topology.PipelineTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Lexstream service: loads the models, makes sure the topics exist, and runs every
 * pipeline of a config in one Kafka Streams application (starting an in-process broker when the
 * config says {@code kafka.bootstrap: embedded}).
 */
public final class Lexstream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lexstream.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  /** How long a graceful close waits for buffered micro-batches to flush before closing anyway. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);


  private final EmbeddedKafka broker;
  private final String bootstrap;
  private final Map<String, LoadedModel> models;
  private final Map<String, InferenceExecutor> executors;
  private final BatchingControl batching;
  private final KafkaStreams streams;
  private final CloseOptions.GroupMembershipOperation groupOnClose;
  private final MicrometerMetrics metrics;
  private final Health health;
  private final OpsServer ops;
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Summarize/translate steps (external processes) and seq2seq models, closed after the streams. */
  private final List<AutoCloseable> generative;

  private Lexstream(EmbeddedKafka broker, String bootstrap, Map<String, LoadedModel> models,
      Map<String, InferenceExecutor> executors, BatchingControl batching, KafkaStreams streams,
      CloseOptions.GroupMembershipOperation groupOnClose, MicrometerMetrics metrics, Health health, OpsServer ops,
      List<AutoCloseable> generative) {
    this.metrics = metrics;
    this.health = health;
    this.ops = ops;
    this.broker = broker;
    this.bootstrap = bootstrap;
    this.models = models;
    this.executors = executors;
    this.batching = batching;
    this.streams = streams;
    this.groupOnClose = groupOnClose;
    this.generative = generative;
  }

  /**
   * The longest a graceful {@link #close()} takes (the micro-batch drain, Kafka Streams' close, the
   * wait for batches it interrupted, then for a device call still running in a model's executor):
   * a deployment's termination grace period must be longer, or the drain is cut short (nothing is
   * lost then, buffered records are in the changelog, but they are processed again after the restart).
   */
  public static Duration maxCloseTime() {
    return DRAIN_TIMEOUT.plus(CLOSE_TIMEOUT).plus(BatchingControl.STOP_TIMEOUT).plus(InferenceExecutor.WORKER_STOP_TIMEOUT);
  }

  /** Where models are extracted and Kafka Streams keeps its state: {@code -Dlexstream.work}, else ./.lexstream. */
  public static Path defaultWorkDir() {
    return Path.of(System.getProperty("lexstream.work", ".lexstream")).toAbsolutePath();
  }

  /**
   * Starts the service and returns once Kafka Streams has been started (it may still be rebalancing).
   * The ops server (when {@code ops.port} is set) answers from the very start: not ready while the
   * models load and warm up, ready once they are warm and Kafka Streams is RUNNING.
   */
  public static Lexstream start(LexstreamConfig config, Path workDir) {
    MicrometerMetrics metrics = new MicrometerMetrics();
    Health health = new Health();
    OpsServer ops = null;
    Map<String, LoadedModel> models = new LinkedHashMap<>();
    Map<String, InferenceExecutor> executors = new LinkedHashMap<>();
    EmbeddedKafka broker = null;
    KafkaStreams streams = null;
    List<AutoCloseable> generative = new ArrayList<>();
    try {
      metrics.gauge(MetricNames.READY, "1 when ready (models warm, Kafka Streams RUNNING)",
          () -> health.readiness().ok() ? 1 : 0);
      metrics.gauge(MetricNames.LIVE, "1 when live (stream threads and model workers alive)",
          () -> health.liveness().ok() ? 1 : 0);
      if (config.ops().serverEnabled()) {
        try {
          ops = OpsServer.start(config.ops().host(), config.ops().port(), metrics::scrape, health);
        } catch (java.io.UncheckedIOException e) {
          throw new ConfigException("ops.port", "cannot listen on " + config.ops().host() + ":" + config.ops().port()
              + " (" + e.getCause().getMessage() + "); allowed: a free port, or 0 for any free port", e);
        }
      }
      GpuMemory.register(metrics);
      AvroCodec codec = codec(config);
      health.phase(Health.Phase.LOADING_MODELS);
      loadModels(config, workDir, models, metrics);
      Map<String, GenerativeSteps> steps = GenerativeTasks.load(config, embedders(models), generative, metrics);
      health.phase(Health.Phase.WARMING_UP);
      models.forEach((name, model) -> warmUp(name, model, config.models().get(name), metrics));
      models.forEach((name, model) -> {
        ModelSettings settings = config.models().get(name);
        InferenceExecutor executor = InferenceExecutor.start(model, settings.maxBatch(), settings.coalesce(), name, metrics);
        executors.put(name, executor);
        health.worker(name, executor::workerAlive);
        metrics.gauge(MetricNames.QUEUE_DEPTH, "texts waiting for the model's worker", executor::queuedTexts,
            "model", name);
      });
      health.phase(Health.Phase.STARTING_STREAMS);
      String bootstrap = config.kafka().bootstrap();
      if (config.kafka().embedded()) {
        broker = EmbeddedKafka.start(null, 0);
        bootstrap = broker.bootstrap();
        log.info("embedded Kafka broker ready at {}", bootstrap);
      }
      try {
        TopicAdmin.ensurePipelineTopics(bootstrap, clientProperties(config), pipelineTopics(config),
            config.kafka().partitions(), config.kafka().replicationFactor(), Duration.ofSeconds(60));
      } catch (TopicAdmin.NoBrokerException e) {
        // name the setting to check
        throw new org.apache.kafka.common.errors.TimeoutException(e.getMessage() + " (kafka.bootstrap)", e);
      }
      BatchingControl batching = BatchingControl.concurrent();
      metrics.gauge(MetricNames.BATCH_BUFFERED, "records in this instance's micro-batch buffers and in flushed batches not yet forwarded",
          batching::buffered);
      var topology = PipelineTopology.build(config, executors, codec, batching, steps, metrics);
      Properties streamsProperties = streamsProperties(config, bootstrap, workDir);
      streams = new KafkaStreams(topology, streamsProperties);
      Lexstream app = new Lexstream(broker, bootstrap, models, executors, batching, streams,
          groupOnClose(streamsProperties), metrics, health, ops, generative);
      streams.setStateListener((now, before) -> {
        log.info("kafka streams state {} -> {}", before, now);
        if (now == KafkaStreams.State.RUNNING) {
          logAssignment(app.streams, inputTopics(config));
        }
        health.readinessChanged();
        if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
          app.stopped.countDown();
        }
      });
      streams.setUncaughtExceptionHandler(e -> {
        log.error("stream thread failed; shutting the client down", e);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      metrics.bindKafkaStreams(streams);
      health.attach(streams);
      streams.start();
      health.phase(Health.Phase.STARTED);
      return app;
    } catch (RuntimeException e) {
      health.phase(Health.Phase.FAILED);
      if (streams != null) {
        streams.close(Duration.ofSeconds(10));
      }
      generative.forEach(Lexstream::closeQuietly);
      executors.values().forEach(Lexstream::closeQuietly);
      models.values().forEach(Lexstream::closeQuietly);
      if (broker != null) {
        broker.close();
      }
      if (ops != null) {
        ops.close();
      }
      metrics.close();
      throw e;
    }
  }

  /**
   * Which input partitions this instance works on after a rebalance: with several instances sharing an
   * application id, this is how an operator sees the partitions spread (and moved after a stop).
   */
  private static void logAssignment(KafkaStreams streams, Set<String> inputs) {
    List<TopicPartition> active = new ArrayList<>();
    List<TopicPartition> standby = new ArrayList<>();
    try {
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        thread.activeTasks().forEach(task -> active.addAll(task.topicPartitions()));
        thread.standbyTasks().forEach(task -> standby.addAll(task.topicPartitions()));
      }
    } catch (IllegalStateException e) {
      return; // no longer running: the next RUNNING logs it
    }
    List<String> standbyInputs = inputPartitions(standby, inputs);
    log.info("input partitions of this instance: {}{}", inputPartitions(active, inputs),
        standbyInputs.isEmpty() ? "" : "; standby: " + standbyInputs);
  }

  private static List<String> inputPartitions(List<TopicPartition> partitions, Set<String> inputs) {
    return partitions.stream().filter(tp -> inputs.contains(tp.topic()))
        .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
        .map(TopicPartition::toString).toList();
  }

  private static Set<String> inputTopics(LexstreamConfig config) {
    return config.pipelines().stream().map(PipelineSettings::input).collect(Collectors.toSet());
  }

  private static void warmUp(String name, LoadedModel model, ModelSettings settings, MicrometerMetrics metrics) {
    WarmUp.run(name, settings.maxBatch(), metrics, texts -> ModelOutput.run(model, texts));
  }

  /**
   * The output codec, with a registry client whenever a registry URL is configured; with
   * {@code format: registry} the output schemas are registered (or looked up) now, so a registry
   * problem stops the start with its reason.
   */
  private static AvroCodec codec(LexstreamConfig config) {
    AvroCodec codec = AvroCodec.create(config.serialization());
    for (PipelineSettings p : config.pipelines()) {
      codec.prepare(p.output(), EnrichedText.getClassSchema());
      codec.prepare(p.quarantine(), EnrichedText.getClassSchema());
      codec.prepare(p.deadLetter(), DeadLetter.getClassSchema());
    }
    if (codec.registry() != null) {
      log.info("schema registry {} (format {}, subjects by {} strategy)",
          codec.registry().client().options().urls(), config.serialization().format().yamlName(),
          codec.registry().strategy().yamlName());
    }
    return codec;
  }

  /** The sentence encoders among the loaded models (what extractive summaries and safety checks embed with). */
  private static Map<String, TextEmbedder> embedders(Map<String, LoadedModel> models) {
    Map<String, TextEmbedder> embedders = new LinkedHashMap<>();
    models.forEach((name, model) -> {
      if (model instanceof TextEmbedder embedder) {
        embedders.put(name, embedder);
      }
    });
    return embedders;
  }

  private static void loadModels(LexstreamConfig config, Path workDir, Map<String, LoadedModel> loaded,
      MicrometerMetrics metrics) {
    List<String> used = config.pipelines().stream()
        .flatMap(p -> java.util.stream.Stream.concat(p.classify().stream().map(task -> task.model()),
            java.util.stream.Stream.concat(GenerativeTasks.embeddingModels(p).stream(),
                java.util.stream.Stream.ofNullable(p.safety() == null ? null : p.safety().model()))))
        .distinct().toList();
    for (String name : used) {
      ModelSettings settings = config.models().get(name);
      String path = "models." + name;
      ModelSource source;
      DeviceSpec device;
      try {
        source = ModelSource.parse(settings.source());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path + ".source", e.getMessage());
      }
      try {
        device = DeviceSpec.parse(settings.device());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path + ".device", e.getMessage());
      }
      long start = System.nanoTime();
      LoadedModel model = Models.load(source, device, workDir);
      loaded.put(name, model);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      String on = model instanceof DjlTextEmbedder djl ? djl.device() : settings.device();
      metrics.timeGauge(MetricNames.MODEL_LOAD, "time to load the model", took, "model", name, "device", on);
      log.info("model {} ({}) loaded on {} in {} ms", name, settings.source(), on, took.toMillis());
    }
  }

  private static List<TopicAdmin.PipelineTopics> pipelineTopics(LexstreamConfig config) {
    return config.pipelines().stream()
        .map(p -> new TopicAdmin.PipelineTopics(p.name(), p.input(), List.of(p.output(), p.quarantine(), p.deadLetter()),
            config.kafka().applicationId() + "-" + PipelineTopology.bufferStore(p.name()) + "-changelog"))
        .toList();
  }

  private static Map<String, Object> clientProperties(LexstreamConfig config) {
    return new LinkedHashMap<>(config.kafka().properties());
  }

  static Properties streamsProperties(LexstreamConfig config, String bootstrap, Path workDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.kafka().applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, workDir.resolve("state").toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(config.kafka().replicationFactor()));
    // the 5.0 default, set now: without it every start warns
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    // a stream thread waits in poll() up to poll.ms before it can punctuate (flush on maxWait, forward a
    // finished batch): no longer than the batching processors' punctuation interval
    long tick = config.pipelines().stream()
        .mapToLong(p -> BatchingProcessor.tick(p.batching().maxWait()).toMillis()).min().orElse(100);
    props.put(StreamsConfig.POLL_MS_CONFIG, Long.toString(Math.min(100, tick)));
    // the user's pass-through properties win over our defaults, including the processing guarantee
    props.putAll(config.kafka().properties());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // Kafka Streams' 10 s would fence a stream thread that waits longer on a micro-batch (TransactionTimeout)
    TransactionTimeout.applyDefault(props);
    return props;
  }

  /**
   * What a graceful close does with this instance's consumer group membership. Kafka Streams' default
   * stays in the group, so the other instances get the stopped one's partitions only once its session
   * times out ({@code session.timeout.ms}, 45 s by default) and its input waits that long: leave, so that
   * they take over at once. Except with static membership ({@code group.instance.id}), which exists so
   * that an instance restarted within its session gets its partitions back without a rebalance.
   */
  static CloseOptions.GroupMembershipOperation groupOnClose(Properties streamsProperties) {
    boolean staticMember = streamsProperties.stringPropertyNames().stream()
        .anyMatch(key -> key.equals(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
            || key.endsWith("." + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    return staticMember ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
        : CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
  }

  public String bootstrap() {
    return bootstrap;
  }

  /** Liveness and readiness of this instance. */
  public Health health() {
    return health;
  }

  /** The metrics of this instance (what {@code /metrics} serves). */
  public MicrometerMetrics metrics() {
    return metrics;
  }

  /** The port of the ops HTTP server, or -1 when it does not run ({@code ops.port} unset). */
  public int opsPort() {
    return ops == null ? -1 : ops.port();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Blocks until Kafka Streams is RUNNING; false on timeout or when it stopped instead. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (!state.isRunningOrRebalancing() && state != KafkaStreams.State.CREATED) {
        return false;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** Blocks until Kafka Streams stops on its own (error) or the timeout passes. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Records waiting in micro-batch buffers of this instance's tasks. */
  public int buffered() {
    return batching.buffered();
  }

  /**
   * Flushes the micro-batch buffers (bounded wait), then stops polling, commits, and closes the
   * models and the embedded broker. Anything still buffered is safe in the changelog.
   */
  @Override
  public void close() {
    health.phase(Health.Phase.CLOSING);
    if (streams.state() == KafkaStreams.State.RUNNING) {
      batching.drain();
      long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
      while (batching.buffered() > 0 && System.nanoTime() < deadline && streams.state() == KafkaStreams.State.RUNNING) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      log.info("drained micro-batches ({} records left buffered)", batching.buffered());
    }
    if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(groupOnClose))) {
      log.warn("Kafka Streams did not close within {} s; interrupting the batches still running", CLOSE_TIMEOUT.toSeconds());
    }
    // waits (bounded) for the batch threads: they run the generative steps and call the executors and
    // models closed below, and a native model closed under a running call may crash the JVM
    batching.close();
    generative.forEach(Lexstream::closeQuietly);
    executors.values().forEach(Lexstream::closeQuietly);
    models.values().forEach(Lexstream::closeQuietly);
    if (broker != null) {
      broker.close();
    }
    health.phase(Health.Phase.CLOSED);
    if (ops != null) {
      ops.close();
    }
    metrics.close();
  }

  static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("close failed: {}", e.toString());
    }
  }
}
