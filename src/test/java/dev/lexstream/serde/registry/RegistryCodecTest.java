package dev.lexstream.serde.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.config.PipelineSettings.InputFormat;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.config.SerializationSettings.SubjectStrategy;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.AvroDatums;
import dev.lexstream.serde.InputDecoder;
import dev.lexstream.serde.RejectedRecordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Confluent wire format, byte for byte, and the codec's use of the registry. */
public class RegistryCodecTest {
  /** First id the registry hands out: 0x01020304, so the id bytes are easy to see. */
  private static final int FIRST_ID = 0x01020304;

  private FakeSchemaRegistry registry;

  @BeforeEach
  void start() throws IOException {
    registry = FakeSchemaRegistry.start("", FIRST_ID);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private RegistryCodec codec(SubjectStrategy strategy, boolean autoRegister) {
    return new RegistryCodec(new SchemaRegistryClient(SchemaRegistryClient.Options.of(registry.url())
        .withRetries(1, Duration.ofMillis(10))), strategy, autoRegister);
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void encodesTheDocumentedLayoutByteForByte() {
    SourceRef ref = SourceRef.newBuilder().setTopic("in").setPartition(1).setOffset(2)
        .setTimestamp(Instant.ofEpochMilli(3)).build();
    byte[] bytes = codec(SubjectStrategy.TOPIC, true).encode("t", ref);
    // magic 0 | id 01 02 03 04 (big-endian) | Avro binary: string "in" = len 2 zigzag (04) 'i' 'n',
    // int 1 = 02, long 2 = 04, long 3 (timestamp-millis) = 06
    assertThat(bytes).isEqualTo(hex("00 01020304 04 696E 02 04 06"));
    assertThat(registry.subjects()).containsExactly("t-value");
    assertThat(new Schema.Parser().parse(registry.schema(FIRST_ID))).isEqualTo(SourceRef.getClassSchema());
  }

  @Test
  void encodesUnionsMapsAndNullsAsAvroBinary() {
    TextDocument doc = TextDocument.newBuilder().setId("d1").setText("hi").build();
    byte[] bytes = codec(SubjectStrategy.TOPIC, true).encode("docs", doc);
    // id: union branch 1 (02) + "d1" (04 64 31); text "hi" (04 68 69); lang, tasks, targetLang, tenant:
    // union branch 0 = null (00 each); metadata: an empty map is one block of count 0 (00)
    assertThat(bytes).isEqualTo(hex("00 01020304 02 04 6431 04 6869 00 00 00 00 00"));
  }

  @Test
  void encodesKeysAsAvroStringOrBytes() {
    RegistryCodec codec = codec(SubjectStrategy.TOPIC, true);
    assertThat(codec.encodeKey("t", "k1".getBytes())).isEqualTo(hex("00 01020304 04 6B31"));
    assertThat(codec.encodeKey("t", new byte[] {(byte) 0xFF, 0x00}))
        .as("a key that is not UTF-8 is kept whole as Avro bytes, under the same subject")
        .isEqualTo(hex("00 01020305 04 FF00"));
    assertThat(codec.encodeKey("t", null)).isNull();
    assertThat(registry.versions("t-key")).containsExactly(FIRST_ID, FIRST_ID + 1);
  }

  @Test
  void namesSubjectsByEachStrategy() {
    EnrichedText e = enriched();
    codec(SubjectStrategy.TOPIC, true).encode("news.enriched", e);
    codec(SubjectStrategy.RECORD, true).encode("news.enriched", e);
    codec(SubjectStrategy.TOPIC_RECORD, true).encode("news.enriched", e);
    codec(SubjectStrategy.TOPIC_RECORD, true).encodeKey("news.enriched", "k".getBytes());
    assertThat(registry.subjects()).containsExactly("news.enriched-value", "dev.lexstream.avro.EnrichedText",
        "news.enriched-dev.lexstream.avro.EnrichedText", "news.enriched-string");
    assertThat(registry.versions("dev.lexstream.avro.EnrichedText")).as("one global id per schema")
        .containsExactly(FIRST_ID);
  }

  @Test
  void roundTripsEveryOutputRecordThroughTheRegistry() throws IOException {
    RegistryCodec codec = codec(SubjectStrategy.TOPIC, true);
    EnrichedText e = enriched();
    byte[] bytes = codec.encode("out", e);
    assertThat(RegistryCodec.matches(bytes)).isTrue();
    assertThat(RegistryCodec.schemaId(bytes)).isEqualTo(FIRST_ID);
    assertThat(codec.decode(bytes, EnrichedText.class)).isEqualTo(e);
    DeadLetter d = DeadLetter.newBuilder().setPipeline("p").setStage("decode").setError("bad")
        .setSource(e.getSource()).setOriginal(ByteBuffer.wrap(new byte[] {1, 2})).setFailedAt(Instant.ofEpochMilli(9))
        .build();
    assertThat(codec.decode(codec.encode("dlq", d), DeadLetter.class)).isEqualTo(d);
  }

  @Test
  void consumersRenderRegistryRecordsAsJson() throws IOException {
    RegistryCodec writer = codec(SubjectStrategy.TOPIC, true);
    byte[] bytes = writer.encode("out", enriched());
    // a reader with its own client: the schema comes from the registry by id
    RegistryCodec reader = RegistryCodec.forReading(new SchemaRegistryClient(SchemaRegistryClient.Options.of(registry.url())));
    JsonNode json = AvroCodec.toJson(bytes, reader).orElseThrow();
    assertThat(json.get("id").asText()).isEqualTo("e-1");
    assertThat(json.get("classifications").get(0).get("label").asText()).isEqualTo("Sports");
    assertThat(json.get("processedAt").asLong()).isEqualTo(1000L);
    assertThat(AvroCodec.toJson(writer.encodeKey("out", "k".getBytes()), reader).orElseThrow().asText()).isEqualTo("k");

    assertThatThrownBy(() -> AvroCodec.toJson(bytes)).isInstanceOf(IOException.class)
        .hasMessageContaining("schema id " + FIRST_ID).hasMessageContaining("--registry");
    byte[] unknown = bytes.clone();
    unknown[4] = 0x7F;
    assertThatThrownBy(() -> AvroCodec.toJson(unknown, reader)).isInstanceOf(IOException.class)
        .hasMessageContaining("unknown schema id " + 0x0102037F);
  }

  @Test
  void readsTextDocumentsWrittenWithAnOlderOrNarrowerSchema() throws IOException {
    // another writer's TextDocument with only id and text (say, v0): the rest takes its defaults
    String v0 = """
        {"type": "record", "name": "TextDocument", "namespace": "dev.lexstream.avro", "fields": [
          {"name": "id", "type": ["null", "string"], "default": null},
          {"name": "text", "type": "string"},
          {"name": "source", "type": "string", "default": "crm"}]}""";
    int id = registry.registerDirectly("docs-value", v0);
    Schema schema = new Schema.Parser().parse(v0);
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", "x1");
    record.put("text", "hello");
    record.put("source", "crm");
    byte[] bytes = RegistryCodec.frame(id, new GenericDatumWriter<>(schema), record);

    TextDocument doc = codec(SubjectStrategy.TOPIC, false).decode(bytes, TextDocument.class);
    assertThat(doc.getId()).isEqualTo("x1");
    assertThat(doc.getText()).isEqualTo("hello");
    assertThat(doc.getMetadata()).isEmpty();
    assertThat(doc.getTasks()).isNull();
  }

  @Test
  void readsTextWrittenAsAvroBytesStrictlyAsUtf8() throws IOException {
    // Avro resolution reads a writer's bytes as a reader's string, decoding them leniently (U+FFFD for
    // invalid bytes): the codec must refuse those as it refuses an invalid string
    String asBytes = """
        {"type": "record", "name": "TextDocument", "namespace": "dev.lexstream.avro", "fields": [
          {"name": "text", "type": "bytes"},
          {"name": "tasks", "type": {"type": "array", "items": "bytes"}, "default": []},
          {"name": "blob", "type": "bytes", "default": ""}]}""";
    int id = registry.registerDirectly("docs-value", asBytes);
    Schema schema = new Schema.Parser().parse(asBytes);
    RegistryCodec codec = codec(SubjectStrategy.TOPIC, false);

    GenericRecord valid = new GenericData.Record(schema);
    valid.put("text", ByteBuffer.wrap("Café".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    valid.put("tasks", List.of(ByteBuffer.wrap(new byte[] {'t'})));
    valid.put("blob", ByteBuffer.wrap(new byte[] {(byte) 0xFF, 0})); // skipped, never read as text
    TextDocument doc = codec.decode(RegistryCodec.frame(id, new GenericDatumWriter<>(schema), valid), TextDocument.class);
    assertThat(doc.getText()).isEqualTo("Café");
    assertThat(doc.getTasks()).containsExactly("t");

    GenericRecord invalid = new GenericData.Record(schema);
    invalid.put("text", ByteBuffer.wrap(new byte[] {'o', 'k', (byte) 0xC3, '('}));
    invalid.put("tasks", List.of());
    invalid.put("blob", ByteBuffer.wrap(new byte[0]));
    byte[] bytes = RegistryCodec.frame(id, new GenericDatumWriter<>(schema), invalid);
    assertThatThrownBy(() -> codec.decode(bytes, TextDocument.class))
        .isInstanceOf(IOException.class)
        .hasMessage("malformed Avro body for schema id " + id + ": invalid UTF-8 in field text");
    invalid.put("text", ByteBuffer.wrap(new byte[] {'o', 'k'}));
    invalid.put("tasks", List.of(ByteBuffer.wrap(new byte[] {(byte) 0xC3})));
    byte[] inTasks = RegistryCodec.frame(id, new GenericDatumWriter<>(schema), invalid);
    assertThatThrownBy(() -> codec.decode(inTasks, TextDocument.class))
        .isInstanceOf(IOException.class).hasMessageContaining("invalid UTF-8");
  }

  @Test
  void refusesAWriterSchemaTheClassCannotRead() {
    String other = """
        {"type": "record", "name": "TextDocument", "namespace": "elsewhere", "fields": [
          {"name": "text", "type": "int"}]}""";
    int id = registry.registerDirectly("docs-value", other);
    Schema schema = new Schema.Parser().parse(other);
    GenericRecord record = new GenericData.Record(schema);
    record.put("text", 5);
    byte[] bytes = RegistryCodec.frame(id, new GenericDatumWriter<>(schema), record);
    assertThatThrownBy(() -> codec(SubjectStrategy.TOPIC, false).decode(bytes, TextDocument.class))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("schema id " + id)
        .hasMessageContaining("cannot be read as dev.lexstream.avro.TextDocument")
        .hasMessageContaining("field 'text'");
  }

  @Test
  void refusesWriterSchemasThatAreNotUsableAvroAsAProblemOfTheRecord() {
    int protobuf = registry.registerRaw("proto-value", "PROTOBUF",
        "syntax = \"proto3\"; message TextDocument { string text = 1; }");
    int badDefault = registry.registerRaw("bad-value", "AVRO", """
        {"type": "record", "name": "R", "fields": [{"name": "n", "type": "int", "default": "x"}]}""");
    RegistryCodec codec = codec(SubjectStrategy.TOPIC, false);
    assertThatThrownBy(() -> codec.decode(framed(protobuf), TextDocument.class)).isInstanceOf(IOException.class)
        .hasMessageContaining("schema id " + protobuf).hasMessageContaining("PROTOBUF");
    assertThatThrownBy(() -> codec.decode(framed(badDefault))).isInstanceOf(IOException.class)
        .hasMessageContaining("schema id " + badDefault).hasMessageContaining("not a valid Avro schema");
  }

  @Test
  void aRegistryOutageOrRefusedAccessStillFailsTheCallNotTheRecord() {
    int id = registry.registerDirectly("docs-value", TextDocument.getClassSchema().toString());
    registry.failNext(2, 503);
    assertThatThrownBy(() -> codec(SubjectStrategy.TOPIC, false).decode(framed(id), TextDocument.class))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isUnavailable()).isTrue());
    registry.requireBasicAuth("lex", "pw");
    assertThatThrownBy(() -> codec(SubjectStrategy.TOPIC, false).decode(framed(id), TextDocument.class))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void aRegistryUrlWithoutItsPathPrefixFailsTheCallNotTheRecord() {
    int id = registry.registerDirectly("docs-value", TextDocument.getClassSchema().toString());
    RegistryCodec wrongPath = new RegistryCodec(new SchemaRegistryClient(
        SchemaRegistryClient.Options.of(registry.url() + "/apis/ccompat/v7").withRetries(1, Duration.ofMillis(10))),
        SubjectStrategy.TOPIC, false);
    assertThatThrownBy(() -> wrongPath.decode(framed(id), TextDocument.class))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void deadLettersASecondRecordWithTheSameUnusableSchemaIdWithoutAskingTheRegistryAgain() {
    Map<Integer, String> unusable = new LinkedHashMap<>();
    unusable.put(registry.registerRaw("proto-value", "PROTOBUF",
        "syntax = \"proto3\"; message TextDocument { string text = 1; }"), "PROTOBUF");
    unusable.put(registry.registerReferencing("order-value", """
        {"type": "record", "name": "Order", "fields": [{"name": "customer", "type": "Customer"}]}""",
        "Customer", "customer-value"), "schema references");
    unusable.put(registry.registerRaw("bad-value", "AVRO", """
        {"type": "record", "name": "R", "fields": [{"name": "n", "type": "int", "default": "x"}]}"""),
        "not a valid Avro schema");
    unusable.put(0x7F000001, "unknown schema id");
    InputDecoder decoder = new InputDecoder(InputFormat.AUTO, codec(SubjectStrategy.TOPIC, false));

    for (var entry : unusable.entrySet()) {
      byte[] record = framed(entry.getKey());
      RejectedRecordException first = catchThrowableOfType(RejectedRecordException.class, () -> decoder.decode(record));
      int asked = registry.requests().size();
      RejectedRecordException second = catchThrowableOfType(RejectedRecordException.class, () -> decoder.decode(record));

      assertThat(first.getMessage()).contains("schema id " + entry.getKey(), entry.getValue());
      assertThat(second).as("the second record with schema id %d", entry.getKey()).isNotNull()
          .hasMessage(first.getMessage());
      assertThat(registry.requests()).as("requests for the second record with schema id %d", entry.getKey())
          .hasSize(asked);
    }
    assertThat(registry.requests()).as("one request per schema id").hasSize(unusable.size());
  }

  @Test
  void doesNotCacheAnUnavailableRegistry() throws Exception {
    int id = registry.registerDirectly("docs-value", TextDocument.getClassSchema().toString());
    InputDecoder decoder = new InputDecoder(InputFormat.AUTO, codec(SubjectStrategy.TOPIC, false));
    byte[] record = RegistryCodec.frame(id, AvroDatums.writer(TextDocument.getClassSchema()),
        TextDocument.newBuilder().setText("back again").build());

    registry.failNext(2, 503); // the first attempt and its one retry
    assertThatThrownBy(() -> decoder.decode(record))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isUnavailable()).isTrue());
    assertThat(decoder.decode(record).getText()).as("once the registry is back").isEqualTo("back again");
  }

  @Test
  void doesNotCacheRefusedAccess() throws Exception {
    int id = registry.registerDirectly("docs-value", TextDocument.getClassSchema().toString());
    InputDecoder decoder = new InputDecoder(InputFormat.AUTO, codec(SubjectStrategy.TOPIC, false));
    byte[] record = RegistryCodec.frame(id, AvroDatums.writer(TextDocument.getClassSchema()),
        TextDocument.newBuilder().setText("let in").build());

    registry.requireBasicAuth("lex", "pw");
    assertThatThrownBy(() -> decoder.decode(record))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
    registry.requireBasicAuth(null, null);
    assertThat(decoder.decode(record).getText()).as("once access is granted").isEqualTo("let in");
  }

  /** A wire-format record with this schema id and a small body; the schema decides whether it is readable. */
  private static byte[] framed(int id) {
    return ByteBuffer.allocate(7).put(RegistryCodec.MAGIC).putInt(id).put((byte) 2).put((byte) 'x').array();
  }

  @Test
  void refusesTruncatedBodies() {
    RegistryCodec codec = codec(SubjectStrategy.TOPIC, true);
    byte[] bytes = codec.encode("out", enriched());
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 5);
    assertThatThrownBy(() -> codec.decode(cut, EnrichedText.class)).isInstanceOf(IOException.class)
        .hasMessage("malformed Avro body for schema id " + FIRST_ID + ": truncated");
  }

  @Test
  void withoutAutoRegisterUsesTheRegisteredIdAndNeverRegisters() {
    int id = registry.registerDirectly("out-value", EnrichedText.getClassSchema().toString());
    RegistryCodec codec = codec(SubjectStrategy.TOPIC, false);
    assertThat(RegistryCodec.schemaId(codec.encode("out", enriched()))).isEqualTo(id);
    assertThat(registry.requests()).containsExactly("POST /subjects/out-value");
    assertThatThrownBy(() -> codec.encode("elsewhere", enriched())).isInstanceOf(RegistryException.class)
        .hasMessageContaining("not registered under subject 'elsewhere-value'");
  }

  @Test
  void theAvroCodecWritesTheRegistryFormatPerTopicAndPreparesSubjects() throws IOException {
    AvroCodec avro = new AvroCodec(Format.REGISTRY, codec(SubjectStrategy.TOPIC, true), true);
    avro.prepare("out", EnrichedText.getClassSchema());
    assertThat(registry.subjects()).containsExactly("out-value", "out-key");
    byte[] bytes = avro.encode("out", enriched());
    assertThat(avro.registry().decode(bytes, EnrichedText.class)).isEqualTo(enriched());
    assertThat(avro.encodeKey("out", "k".getBytes())).startsWith(0);
    assertThatThrownBy(() -> avro.encode(enriched())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new AvroCodec(Format.REGISTRY)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a schema registry");
    // the other formats leave keys alone and need no subjects
    AvroCodec single = new AvroCodec(Format.SINGLE_OBJECT, codec(SubjectStrategy.TOPIC, true), false);
    single.prepare("x", EnrichedText.getClassSchema());
    assertThat(single.encodeKey("x", new byte[] {1})).containsExactly(1);
    assertThat(registry.subjects()).hasSize(2);
  }

  public static EnrichedText enriched() {
    return EnrichedText.newBuilder()
        .setId("e-1").setPipeline("p").setText("Cup final tonight").setMetadata(Map.of("k", "v"))
        .setClassifications(List.of(dev.lexstream.avro.Classification.newBuilder().setName("topic").setLabel("Sports")
            .setScore(0.9).setScores(Map.of("Sports", 0.9, "World", 0.1)).build()))
        .setSource(SourceRef.newBuilder().setTopic("in").setPartition(0).setOffset(7)
            .setTimestamp(Instant.ofEpochMilli(5)).build())
        .setProcessedAt(Instant.ofEpochMilli(1000))
        .build();
  }
}
