package dev.lexstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lexstream.config.SerializationSettings;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.AvroJson;
import dev.lexstream.serde.registry.RegistryCodec;
import dev.lexstream.serde.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code consume}: prints a topic from the beginning as JSON lines, decoding Avro (single-object, or
 * the schema-registry wire format with {@code --registry}) or JSON values.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = "Print a topic from the beginning (read_committed), one JSON object per line.")
final class ConsumeCommand implements Callable<Integer> {
  private static final Duration TOPIC_WAIT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(names = "--topic", required = true, description = "Topic to read.")
  String topic;

  @Option(names = "--max", description = "Stop after this many records.")
  Long max;

  @Option(names = "--idle-timeout", defaultValue = "10",
      description = "Stop after this many seconds without a new record. Default: ${DEFAULT-VALUE}.")
  double idleTimeoutSeconds;

  @Option(names = "--registry", defaultValue = "${env:" + SerializationSettings.ENV_REGISTRY_URL + "}",
      description = "Schema registry URL(s), comma-separated, to decode schema-registry wire-format values "
          + "(default: $" + SerializationSettings.ENV_REGISTRY_URL + "). Basic auth from $"
          + SerializationSettings.ENV_REGISTRY_USERNAME + " and $" + SerializationSettings.ENV_REGISTRY_PASSWORD + ".")
  String registryUrl;

  @Override
  public Integer call() {
    RegistryCodec registry = registry();
    if (max != null && max < 1) {
      throw new ParameterException(spec.commandLine(), "--max: must be >= 1, got " + max);
    }
    if (idleTimeoutSeconds <= 0) {
      throw new ParameterException(spec.commandLine(), "--idle-timeout: must be > 0 seconds");
    }
    TopicOption.requireExisting(spec.commandLine(), bootstrap, topic, TOPIC_WAIT,
        "A pipeline's topics exist once its run has started.");
    PrintWriter out = spec.commandLine().getOut();
    long printed = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(bootstrap),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = Optional.ofNullable(consumer.partitionsFor(topic, Duration.ofSeconds(30)))
          .orElse(List.of()).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      if (partitions.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--topic: topic '" + topic + "' does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long idleNanos = (long) (idleTimeoutSeconds * 1e9);
      long lastRecord = System.nanoTime();
      while (max == null || printed < max) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          if (System.nanoTime() - lastRecord > idleNanos) {
            break;
          }
          continue;
        }
        lastRecord = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          out.println(render(record.topic(), record.partition(), record.offset(), record.value(), registry));
          out.flush();
          printed++;
          if (max != null && printed >= max) {
            break;
          }
        }
      }
    }
    return 0;
  }

  private RegistryCodec registry() {
    if (registryUrl == null || registryUrl.isBlank()) {
      return null;
    }
    SchemaRegistryClient.Options options;
    try {
      options = SchemaRegistryClient.Options.of(registryUrl);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--registry: " + e.getMessage());
    }
    String user = System.getenv(SerializationSettings.ENV_REGISTRY_USERNAME);
    if (user != null && !user.isBlank()) {
      options = options.withBasicAuth(user.strip(), System.getenv(SerializationSettings.ENV_REGISTRY_PASSWORD));
    }
    return RegistryCodec.forReading(new SchemaRegistryClient(options));
  }

  /** Read-committed, group-less consumer properties shared by consume and demo. */
  static Properties consumerProperties(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // partitionsFor() looks the topic up: on a broker that auto-creates topics (Kafka's default) a
    // mistyped --topic would otherwise be created instead of refused as missing
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    return props;
  }

  /** One value as a JSON object: decoded Avro or JSON, else the raw value with its coordinates. */
  static JsonNode render(String topic, int partition, long offset, byte[] value) {
    return render(topic, partition, offset, value, null);
  }

  /**
   * One value as a JSON object: decoded Avro (registry-encoded ones through {@code registry}, may be
   * null) or JSON; else, or when it cannot be decoded, the raw value with its coordinates and the error.
   */
  static JsonNode render(String topic, int partition, long offset, byte[] value, RegistryCodec registry) {
    try {
      Optional<JsonNode> decoded = AvroCodec.toJson(value, registry);
      if (decoded.isPresent()) {
        return decoded.get();
      }
    } catch (IOException e) {
      return raw(topic, partition, offset, value).put("error", e.getMessage());
    }
    return raw(topic, partition, offset, value);
  }

  private static ObjectNode raw(String topic, int partition, long offset, byte[] value) {
    ObjectNode node = AvroJson.MAPPER.createObjectNode();
    node.put("topic", topic).put("partition", partition).put("offset", offset);
    if (value == null) {
      node.putNull("value");
      return node;
    }
    try {
      node.put("value", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString());
    } catch (CharacterCodingException e) {
      node.put("valueBase64", Base64.getEncoder().encodeToString(value));
    }
    return node;
  }
}
