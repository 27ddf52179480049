package dev.lexstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lexstream.app.Lexstream;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.config.SerializationSettings;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.AvroJson;
import dev.lexstream.serde.registry.RegistryCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: an in-process broker, the demo pipeline and a producer of built-in samples; prints
 * every outcome (enriched, quarantine, dlq) as one JSON line and exits once all are out.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start an embedded Kafka broker and the demo pipeline, send built-in sample texts "
        + "(including poison records), print each outcome as one JSON line, exit when all are out.")
final class DemoCommand implements Callable<Integer> {
  private static final Duration OUTCOME_TIMEOUT = Duration.ofMinutes(3);
  /** The encoding of DemoSamples' Avro samples. */
  private static final AvroCodec AVRO = new AvroCodec(SerializationSettings.Format.SINGLE_OBJECT);

  @Spec CommandSpec spec;

  @Option(names = "--records", description = "Number of input records to send (the samples repeat with new "
      + "ids); default: each built-in sample once.")
  Integer records;

  @Option(names = "--config", description = "Pipeline config; default: config/demo.yaml of the Lexstream "
      + "checkout.")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (records != null && records < 1) {
      throw new ParameterException(spec.commandLine(), "--records: must be >= 1, got " + records);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LexstreamConfig loaded = withoutMissingApertium(Configs.load(config == null ? defaultConfig() : config, null), err);
    PipelineSettings pipeline = loaded.pipelines().get(0);
    List<DemoSamples.Sample> samples = DemoSamples.all(pipeline.maxTextBytes());
    List<DemoSamples.Sample> inputs = inputs(samples, records == null ? samples.size() : records);
    try (Lexstream app = Lexstream.start(loaded, Lexstream.defaultWorkDir())) {
      if (!app.awaitRunning(Duration.ofMinutes(2))) {
        err.println("demo: Kafka Streams did not reach RUNNING (state " + app.state() + ")");
        return Main.EXIT_RUNTIME_ERROR;
      }
      produce(app.bootstrap(), pipeline.input(), inputs);
      RegistryCodec registry = loaded.serialization().registryUrl() == null ? null
          : RegistryCodec.create(loaded.serialization());
      long seen = printOutcomes(app.bootstrap(), pipeline, inputs.size(), out, registry);
      if (seen < inputs.size()) {
        err.println("demo: only " + seen + " of " + inputs.size() + " outcomes within " + OUTCOME_TIMEOUT);
        return Main.EXIT_RUNTIME_ERROR;
      }
      err.println("demo: " + seen + " outcomes from " + inputs.size() + " input records");
      return 0;
    }
  }

  /** The demo translates when Apertium is installed; without it, it says how to get it and runs without translation. */
  static LexstreamConfig withoutMissingApertium(LexstreamConfig config, PrintWriter err) {
    boolean wanted = config.pipelines().stream().anyMatch(p -> p.translate() != null
        && p.translate().backend() == dev.lexstream.config.TranslateSettings.Backend.APERTIUM);
    if (!wanted || dev.lexstream.translate.ApertiumTranslator.installed()) {
      return config;
    }
    err.println("demo: translation is off: Apertium is not installed; to see translations, install the Debian "
        + "packages: apt-get install apertium apertium-eng-spa apertium-eng-cat");
    List<PipelineSettings> pipelines = config.pipelines().stream().map(p -> p.translate() == null
        || p.translate().backend() != dev.lexstream.config.TranslateSettings.Backend.APERTIUM ? p
        : new PipelineSettings(p.name(), p.input(), p.output(), p.quarantine(), p.deadLetter(), p.inputFormat(),
            p.batching(), p.classify(), p.maxTextBytes(), p.summarize(), null, p.safety())).toList();
    return new LexstreamConfig(config.kafka(), config.serialization(), config.models(), pipelines);
  }

  private static Path defaultConfig() {
    Path home = Path.of(System.getProperty("lexstream.home", "."));
    Path file = home.resolve("config").resolve("demo.yaml");
    return Files.exists(file) ? file : Path.of("config", "demo.yaml");
  }

  /** {@code n} input records: the samples, then later rounds of them. */
  static List<DemoSamples.Sample> inputs(List<DemoSamples.Sample> samples, int n) {
    List<DemoSamples.Sample> inputs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      DemoSamples.Sample sample = samples.get(i % samples.size());
      int round = i / samples.size();
      inputs.add(round == 0 ? sample : renumbered(sample, round));
    }
    return inputs;
  }

  /** Later rounds of the samples get fresh ids, in key and value, so every outcome can be told apart. */
  private static DemoSamples.Sample renumbered(DemoSamples.Sample sample, int round) {
    String id = sample.key() + "-r" + round;
    return new DemoSamples.Sample(id, withId(sample.value(), id));
  }

  /**
   * The value with its id set: JSON objects and single-object Avro documents carry one. Plain text
   * carries none (Lexstream names it by its coordinates), and the poison records that do not decode
   * are meant not to: both are sent as they are.
   */
  private static byte[] withId(byte[] value, String id) {
    try {
      if (AvroCodec.isSingleObject(value)) {
        TextDocument document = AvroCodec.decodeSingleObject(value, TextDocument.class);
        document.setId(id);
        return AVRO.encode(document);
      }
      if (AvroJson.MAPPER.readTree(value) instanceof ObjectNode object && object.has("id")) {
        return AvroJson.MAPPER.writeValueAsBytes(object.put("id", id));
      }
    } catch (IOException | RuntimeException e) {
      // a poison record: it stays as broken as it was
    }
    return value;
  }

  private static void produce(String bootstrap, String topic, List<DemoSamples.Sample> inputs) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (DemoSamples.Sample sample : inputs) {
        producer.send(new ProducerRecord<>(topic, sample.key().getBytes(StandardCharsets.UTF_8), sample.value()));
      }
      producer.flush();
    }
  }

  private static long printOutcomes(String bootstrap, PipelineSettings pipeline, int expected, PrintWriter out,
      RegistryCodec registry) {
    Map<String, String> outcomes = Map.of(pipeline.output(), "enriched", pipeline.quarantine(), "quarantine",
        pipeline.deadLetter(), "dlq");
    long seen = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ConsumeCommand.consumerProperties(bootstrap),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : outcomes.keySet()) {
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + OUTCOME_TIMEOUT.toNanos();
      while (seen < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          JsonNode node = ConsumeCommand.render(record.topic(), record.partition(), record.offset(), record.value(),
              registry);
          ObjectNode line = AvroJson.MAPPER.createObjectNode().put("outcome", outcomes.get(record.topic()));
          out.println(node instanceof ObjectNode object ? line.setAll(object) : line.set("value", node));
          out.flush();
          seen++;
        }
      }
    }
    return seen;
  }
}
