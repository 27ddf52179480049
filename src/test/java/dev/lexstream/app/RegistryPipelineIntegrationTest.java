package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.cli.Main;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.SerializationSettings;
import dev.lexstream.kafka.EmbeddedKafka;
import dev.lexstream.serde.AvroJson;
import dev.lexstream.serde.registry.FakeSchemaRegistry;
import dev.lexstream.serde.registry.RegistryCodec;
import dev.lexstream.serde.registry.SchemaRegistryClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A pipeline with {@code serialization.format: registry} on the real in-process broker, against the
 * test registry (with basic auth, the password from the environment): input in JSON and in the
 * registry wire format written by another producer with its own (older, narrower) schema; output
 * values and keys in the wire format; an unknown schema id dead-lettered with its bytes; and the
 * {@code consume} command decoding it all through the registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryPipelineIntegrationTest {
  /** The other producer's TextDocument: only id and text, plus a field Lexstream does not know. */
  private static final String PRODUCER_SCHEMA = """
      {"type": "record", "name": "TextDocument", "namespace": "dev.lexstream.avro", "fields": [
        {"name": "id", "type": ["null", "string"], "default": null},
        {"name": "text", "type": "string"},
        {"name": "channel", "type": "string", "default": "web"}]}""";
  private static final byte[] BINARY_KEY = {(byte) 0xFF, 0x00, 0x01};

  private EmbeddedKafka broker;
  private FakeSchemaRegistry registry;
  private Lexstream app;
  private int producerSchemaId;
  private final List<ConsumerRecord<byte[], byte[]>> enriched = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
  private byte[] unknownIdRecord;
  private RegistryCodec reader;
  private LexstreamConfig config;
  private Path work;

  @BeforeAll
  void runPipeline(@TempDir Path work) throws Exception {
    this.work = work;
    broker = EmbeddedKafka.start(null, 0);
    registry = FakeSchemaRegistry.start("/apis/ccompat/v7", 1);
    registry.requireBasicAuth("lex", "registry-pw");
    producerSchemaId = registry.registerDirectly("reg.raw-value", PRODUCER_SCHEMA);

    config = ConfigLoader.parse("""
        kafka:
          bootstrap: "%s"
          applicationId: reg-it
          partitions: 2
          # Kafka Streams does not leave its group on close: a short session lets the restart in quickly
          properties: {session.timeout.ms: "6000", heartbeat.interval.ms: "1000"}
        serialization:
          format: registry
          registryUrl: "%s"
          keys: true
          basicAuth: {username: lex}
          retryBackoff: 20ms
        pipelines:
          - {name: reg, input: reg.raw}
        """.formatted(broker.bootstrap(), registry.url()), "reg-it.yaml",
        Map.of(SerializationSettings.ENV_REGISTRY_PASSWORD, "registry-pw"));
    app = Lexstream.start(config, work);
    assertThat(registry.subjects()).as("output subjects registered before the first record")
        .contains("reg.enriched-value", "reg.quarantine-value", "reg.dlq-value", "reg.enriched-key");
    assertThat(app.awaitRunning(Duration.ofMinutes(2))).isTrue();

    produceInputs();
    consumeOutputs();
    reader = RegistryCodec.forReading(new SchemaRegistryClient(SchemaRegistryClient.Options.of(registry.url())
        .withBasicAuth("lex", "registry-pw")));
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
    if (broker != null) {
      broker.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    var props = new HashMap<String, Object>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (var r : records) {
        producer.send(r).get();
      }
    }
  }

  private void produceInputs() throws Exception {
    Schema producerSchema = new Schema.Parser().parse(PRODUCER_SCHEMA);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(new ProducerRecord<>("reg.raw", ("j-" + i).getBytes(StandardCharsets.UTF_8),
          ("{\"id\": \"j-" + i + "\", \"text\": \"JSON text " + i + "\"}").getBytes(StandardCharsets.UTF_8)));
      GenericRecord doc = new GenericData.Record(producerSchema);
      doc.put("id", "a-" + i);
      doc.put("text", "Avro text " + i);
      doc.put("channel", "mobile");
      records.add(new ProducerRecord<>("reg.raw", ("a-" + i).getBytes(StandardCharsets.UTF_8),
          RegistryCodec.frame(producerSchemaId, new GenericDatumWriter<>(producerSchema), doc)));
    }
    records.add(new ProducerRecord<>("reg.raw", BINARY_KEY, "{\"id\": \"bin\", \"text\": \"binary key\"}"
        .getBytes(StandardCharsets.UTF_8)));
    GenericRecord orphan = new GenericData.Record(producerSchema);
    orphan.put("id", "orphan");
    orphan.put("text", "written with a schema the registry lost");
    orphan.put("channel", "web");
    unknownIdRecord = RegistryCodec.frame(999, new GenericDatumWriter<>(producerSchema), orphan);
    records.add(new ProducerRecord<>("reg.raw", "orphan".getBytes(StandardCharsets.UTF_8), unknownIdRecord));
    send(records);
  }

  private void consumeOutputs() {
    consumeOutputs(11, 1);
  }

  private void consumeOutputs(int enrichedCount, int deadLetterCount) {
    enriched.clear();
    deadLetters.clear();
    var props = new HashMap<String, Object>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of("reg.enriched", "reg.dlq")) {
        for (int p = 0; p < 2; p++) {
          partitions.add(new TopicPartition(topic, p));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ZERO).until(() -> {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          (r.topic().equals("reg.enriched") ? enriched : deadLetters).add(r);
        }
        return enriched.size() >= enrichedCount && deadLetters.size() >= deadLetterCount;
      });
    }
  }

  @Test
  @Order(1)
  void writesValuesAndKeysInTheWireFormatWithRegisteredIds() throws Exception {
    int valueId = registry.versions("reg.enriched-value").get(0);
    int keyId = registry.versions("reg.enriched-key").get(0);
    List<String> ids = new ArrayList<>();
    for (var r : enriched) {
      assertThat(r.value()[0]).isZero();
      assertThat(RegistryCodec.schemaId(r.value())).isEqualTo(valueId);
      EnrichedText e = reader.decode(r.value(), EnrichedText.class);
      ids.add(e.getId());
      Object key = reader.decode(r.key());
      if (e.getId().equals("bin")) {
        assertThat(RegistryCodec.schemaId(r.key())).isNotEqualTo(keyId);
        assertThat(key).isEqualTo(java.nio.ByteBuffer.wrap(BINARY_KEY));
      } else {
        assertThat(RegistryCodec.schemaId(r.key())).isEqualTo(keyId);
        assertThat(key.toString()).isEqualTo(e.getId());
      }
      if (e.getId().startsWith("a-")) {
        assertThat(e.getText()).isEqualTo("Avro text " + e.getId().substring(2));
      }
    }
    assertThat(ids).containsExactlyInAnyOrder("j-0", "j-1", "j-2", "j-3", "j-4", "a-0", "a-1", "a-2", "a-3", "a-4",
        "bin");
    assertThat(registry.versions("reg.enriched-key")).hasSize(2); // string, then bytes for the binary key
  }

  @Test
  @Order(2)
  void anUnknownSchemaIdIsDeadLetteredWithItsBytes() throws Exception {
    ConsumerRecord<byte[], byte[]> r = deadLetters.get(0);
    DeadLetter d = reader.decode(r.value(), DeadLetter.class);
    assertThat(d.getStage()).isEqualTo("decode");
    assertThat(d.getError()).contains("unknown schema id 999");
    byte[] original = new byte[d.getOriginal().remaining()];
    d.getOriginal().get(original);
    assertThat(original).isEqualTo(unknownIdRecord);
    assertThat(reader.decode(r.key()).toString()).isEqualTo("orphan");
  }

  @Test
  @Order(3)
  void theConsumeCommandDecodesThroughTheRegistry() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    registry.requireBasicAuth(null, null); // the command takes credentials from the environment only
    try {
      int exit = cli.execute("consume", "--bootstrap", broker.bootstrap(), "--topic", "reg.enriched",
          "--registry", registry.url(), "--max", "11", "--idle-timeout", "10");
      assertThat(exit).as(err.toString()).isZero();
    } finally {
      registry.requireBasicAuth("lex", "registry-pw");
    }
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(11);
    for (String line : lines) {
      JsonNode node = AvroJson.MAPPER.readTree(line);
      assertThat(node.has("error")).as(line).isFalse();
      assertThat(node.get("pipeline").asText()).isEqualTo("reg");
      assertThat(node.get("source").get("topic").asText()).isEqualTo("reg.raw");
    }
  }

  /** Last: stops the app. A registry outage is not the record's fault: no dead letter, and nothing lost. */
  @Test
  @Order(4)
  void aRegistryOutageStopsTheStreamAndTheRecordIsProcessedAfterARestart() throws Exception {
    String v2 = PRODUCER_SCHEMA.replace("\"default\": \"web\"}", "\"default\": \"web\"}, "
        + "{\"name\": \"score\", \"type\": \"int\", \"default\": 0}");
    Schema schema = new Schema.Parser().parse(v2);
    int id = registry.registerDirectly("reg.raw-value", v2);
    GenericRecord doc = new GenericData.Record(schema);
    doc.put("id", "late");
    doc.put("text", "written while the registry was down");
    doc.put("channel", "web");
    doc.put("score", 3);
    registry.failNext(Integer.MAX_VALUE, 503);
    send(List.of(new ProducerRecord<>("reg.raw", "late".getBytes(StandardCharsets.UTF_8),
        RegistryCodec.frame(id, new GenericDatumWriter<>(schema), doc))));
    assertThat(app.awaitStopped(Duration.ofMinutes(1))).as("the stream stops on a registry outage").isTrue();
    app.close();
    app = null;

    registry.failNext(0, 503);
    app = Lexstream.start(config, work);
    assertThat(app.awaitRunning(Duration.ofMinutes(2))).isTrue();
    consumeOutputs(12, 1);
    EnrichedText late = reader.decode(enriched.get(enriched.size() - 1).value(), EnrichedText.class);
    assertThat(enriched).hasSize(12);
    assertThat(late.getId()).isEqualTo("late");
    assertThat(deadLetters).as("no dead letter for the outage").hasSize(1);
  }
}
