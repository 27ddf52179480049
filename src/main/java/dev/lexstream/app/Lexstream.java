package dev.lexstream.app;

import dev.lexstream.config.ConfigException;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.ModelSettings;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.inference.DeviceSpec;
import dev.lexstream.inference.LoadedModel;
import dev.lexstream.inference.ModelSource;
import dev.lexstream.inference.Models;
import dev.lexstream.kafka.EmbeddedKafka;
import dev.lexstream.kafka.TopicAdmin;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.topology.PipelineTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
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

  private final EmbeddedKafka broker;
  private final String bootstrap;
  private final Map<String, LoadedModel> models;
  private final KafkaStreams streams;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Lexstream(EmbeddedKafka broker, String bootstrap, Map<String, LoadedModel> models, KafkaStreams streams) {
    this.broker = broker;
    this.bootstrap = bootstrap;
    this.models = models;
    this.streams = streams;
  }

  /** Where models are extracted and Kafka Streams keeps its state: {@code -Dlexstream.work}, else ./.lexstream. */
  public static Path defaultWorkDir() {
    return Path.of(System.getProperty("lexstream.work", ".lexstream")).toAbsolutePath();
  }

  /** Starts the service and returns once Kafka Streams has been started (it may still be rebalancing). */
  public static Lexstream start(LexstreamConfig config, Path workDir) {
    AvroCodec codec = codec(config);
    Map<String, LoadedModel> models = loadModels(config, workDir);
    EmbeddedKafka broker = null;
    try {
      String bootstrap = config.kafka().bootstrap();
      if (config.kafka().embedded()) {
        broker = EmbeddedKafka.start(null, 0);
        bootstrap = broker.bootstrap();
        log.info("embedded Kafka broker ready at {}", bootstrap);
      }
      TopicAdmin.ensureTopics(bootstrap, clientProperties(config), topics(config), Duration.ofSeconds(60));
      var topology = PipelineTopology.build(config, models, codec);
      KafkaStreams streams = new KafkaStreams(topology, streamsProperties(config, bootstrap, workDir));
      Lexstream app = new Lexstream(broker, bootstrap, models, streams);
      streams.setStateListener((now, before) -> {
        log.info("kafka streams state {} -> {}", before, now);
        if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
          app.stopped.countDown();
        }
      });
      streams.setUncaughtExceptionHandler(e -> {
        log.error("stream thread failed; shutting the client down", e);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      streams.start();
      return app;
    } catch (RuntimeException e) {
      models.values().forEach(Lexstream::closeQuietly);
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
  }

  private static AvroCodec codec(LexstreamConfig config) {
    try {
      return new AvroCodec(config.serialization().format());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("serialization.format", "'registry' is not available in this version; "
          + "allowed: single-object, json");
    }
  }

  private static Map<String, LoadedModel> loadModels(LexstreamConfig config, Path workDir) {
    Map<String, LoadedModel> loaded = new LinkedHashMap<>();
    List<String> used = config.pipelines().stream()
        .flatMap(p -> p.classify().stream().map(task -> task.model()))
        .distinct().toList();
    try {
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
        loaded.put(name, Models.load(source, device, workDir));
        log.info("model {} ({}) loaded in {} ms", name, settings.source(), (System.nanoTime() - start) / 1_000_000);
      }
      return loaded;
    } catch (RuntimeException e) {
      loaded.values().forEach(Lexstream::closeQuietly);
      throw e;
    }
  }

  private static List<TopicAdmin.TopicSpec> topics(LexstreamConfig config) {
    List<TopicAdmin.TopicSpec> topics = new ArrayList<>();
    for (PipelineSettings p : config.pipelines()) {
      for (String topic : List.of(p.input(), p.output(), p.quarantine(), p.deadLetter())) {
        topics.add(new TopicAdmin.TopicSpec(topic, config.kafka().partitions(), config.kafka().replicationFactor()));
      }
    }
    return topics;
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
    // the user's pass-through properties win over our defaults, including the processing guarantee
    props.putAll(config.kafka().properties());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return props;
  }

  public String bootstrap() {
    return bootstrap;
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

  /** Stops polling, commits what was processed, closes the models and the embedded broker. */
  @Override
  public void close() {
    streams.close(CLOSE_TIMEOUT);
    models.values().forEach(Lexstream::closeQuietly);
    if (broker != null) {
      broker.close();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("close failed: {}", e.toString());
    }
  }
}
