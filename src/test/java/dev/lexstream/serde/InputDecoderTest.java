package dev.lexstream.serde;

import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.config.PipelineSettings.InputFormat;
import dev.lexstream.config.SerializationSettings;
import dev.lexstream.serde.registry.FakeSchemaRegistry;
import dev.lexstream.serde.registry.RegistryCodec;
import dev.lexstream.serde.registry.SchemaRegistryClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.lexstream.avro.TextDocument;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputDecoderTest {
  private final InputDecoder auto = new InputDecoder(InputFormat.AUTO);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodesPlainTextAsTheText() throws Exception {
    TextDocument doc = auto.decode(utf8("Stocks rallied on Friday. Café prices rose."));
    assertThat(doc.getText()).isEqualTo("Stocks rallied on Friday. Café prices rose.");
    assertThat(doc.getId()).isNull();
  }

  @Test
  void rejectsInvalidUtf8NamingTheBytePosition() {
    assertThatThrownBy(() -> auto.decode(new byte[] {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28}))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessage("invalid UTF-8 at byte 3")
        .extracting(e -> ((RejectedRecordException) e).stage()).isEqualTo("decode");
  }

  @Test
  void rejectsTruncatedMultibyteSequence() {
    byte[] euro = utf8("price 5€");
    assertThatThrownBy(() -> auto.decode(Arrays.copyOf(euro, euro.length - 1)))
        .isInstanceOf(RejectedRecordException.class).hasMessageStartingWith("invalid UTF-8");
  }

  @Test
  void detectsJsonAfterAByteOrderMarkAsTheJsonFormatReadsIt() throws Exception {
    byte[] bom = utf8("\uFEFF {\"id\": \"b1\", \"text\": \"Hello\"}");
    for (InputDecoder decoder : List.of(auto, new InputDecoder(InputFormat.JSON))) {
      TextDocument doc = decoder.decode(bom);
      assertThat(doc.getId()).isEqualTo("b1");
      assertThat(doc.getText()).isEqualTo("Hello");
    }
  }

  @Test
  void refusesJsonFieldsBesideTheTextWithAnUnpairedSurrogateInsteadOfWritingThemAsQuestionMarks() {
    for (String json : List.of("{\"id\": \"a\\ud800\", \"text\": \"t\"}",
        "{\"text\": \"t\", \"tenant\": \"\\udc00x\"}",
        "{\"text\": \"t\", \"tasks\": [\"topic\\ud800\"]}",
        "{\"text\": \"t\", \"metadata\": {\"k\": \"\\ud800\"}}")) {
      assertThatThrownBy(() -> auto.decode(utf8(json))).as(json)
          .isInstanceOfSatisfying(RejectedRecordException.class, e -> assertThat(e.stage()).isEqualTo("decode"))
          .hasMessageContaining("unpaired surrogate");
    }
    // a pair is a character like any other
    assertThat(assertDoesNotThrow(() -> auto.decode(utf8("{\"id\": \"\\ud83d\\ude00\", \"text\": \"t\"}"))).getId())
        .isEqualTo("\ud83d\ude00");
  }

  @Test
  void decodesJsonWithEveryField() throws Exception {
    TextDocument doc = auto.decode(utf8("""
        {"id": "a1", "text": "Hello", "lang": "en", "targetLang": "es", "tenant": "acme",
         "tasks": ["topic"], "metadata": {"k": "v", "n": 3}, "extra": true}"""));
    assertThat(doc.getId()).isEqualTo("a1");
    assertThat(doc.getText()).isEqualTo("Hello");
    assertThat(doc.getLang()).isEqualTo("en");
    assertThat(doc.getTargetLang()).isEqualTo("es");
    assertThat(doc.getTenant()).isEqualTo("acme");
    assertThat(doc.getTasks()).containsExactly("topic");
    assertThat(doc.getMetadata()).isEqualTo(Map.of("k", "v", "n", "3"));
  }

  @Test
  void rejectsMalformedJsonWithLocation() {
    assertThatThrownBy(() -> auto.decode(utf8("{\"id\": \"x\", \"text\": \"unterminated")))
        .isInstanceOf(RejectedRecordException.class).hasMessageStartingWith("malformed JSON at line 1");
  }

  @Test
  void rejectsJsonWithoutTextOrWithWrongTypes() {
    assertThatThrownBy(() -> auto.decode(utf8("{\"id\": \"x\"}")))
        .hasMessage("JSON field \"text\" is missing or not a string");
    assertThatThrownBy(() -> auto.decode(utf8("{\"text\": 42}")))
        .hasMessage("JSON field \"text\" is missing or not a string");
    assertThatThrownBy(() -> auto.decode(utf8("{\"text\": \"t\", \"tasks\": \"topic\"}")))
        .hasMessage("JSON field \"tasks\" must be an array of task names");
    assertThatThrownBy(() -> auto.decode(utf8("{\"text\": \"t\", \"metadata\": [1]}")))
        .hasMessage("JSON field \"metadata\" must be an object of strings");
  }

  @Test
  void rejectsTrailingGarbageAfterJsonObject() {
    assertThatThrownBy(() -> auto.decode(utf8("{\"text\": \"t\"} {\"text\": \"u\"}")))
        .isInstanceOf(RejectedRecordException.class).hasMessageStartingWith("malformed JSON");
  }

  @Test
  void decodesAvroTextDocumentInSingleObjectEncoding() throws Exception {
    byte[] bytes = new AvroCodec(Format.SINGLE_OBJECT).encode(TextDocument.newBuilder()
        .setId("avro-1").setText("Avro text").setTasks(List.of("topic")).setMetadata(Map.of("a", "b")).build());
    TextDocument doc = auto.decode(bytes);
    assertThat(doc.getId()).isEqualTo("avro-1");
    assertThat(doc.getText()).isEqualTo("Avro text");
    assertThat(doc.getTasks()).containsExactly("topic");
    assertThat(doc.getMetadata()).containsEntry("a", "b");
  }

  @Test
  void rejectsTruncatedAvroSayingSo() {
    byte[] bytes = new AvroCodec(Format.SINGLE_OBJECT)
        .encode(TextDocument.newBuilder().setId("avro-1").setText("Avro text").build());
    assertThatThrownBy(() -> auto.decode(Arrays.copyOf(bytes, bytes.length - 4)))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessage("malformed Avro TextDocument: malformed Avro body: truncated");
  }

  /** Puts the invalid UTF-8 {@code C3 28} where the encoded string {@code Z(} is: a lone lead byte. */
  private static byte[] withInvalidUtf8(byte[] encoded) {
    byte[] marker = utf8("Z(");
    for (int i = 0; i + marker.length <= encoded.length; i++) {
      if (Arrays.equals(encoded, i, i + marker.length, marker, 0, marker.length)) {
        byte[] out = encoded.clone();
        out[i] = (byte) 0xC3;
        return out;
      }
    }
    throw new IllegalArgumentException("no Z( in the encoded bytes");
  }

  @Test
  void routesAvroTextWithInvalidUtf8ToDeadLetter() {
    AvroCodec codec = new AvroCodec(Format.SINGLE_OBJECT);
    byte[] text = withInvalidUtf8(codec.encode(TextDocument.newBuilder().setId("avro-1").setText("Z(cd").build()));
    assertThatThrownBy(() -> auto.decode(text))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessage("malformed Avro TextDocument: malformed Avro body: invalid UTF-8 in field text")
        .extracting(e -> ((RejectedRecordException) e).stage()).isEqualTo("decode");
    byte[] metadata = withInvalidUtf8(codec.encode(TextDocument.newBuilder().setText("fine")
        .setMetadata(Map.of("source", "Z(x")).build()));
    assertThatThrownBy(() -> new InputDecoder(InputFormat.AVRO).decode(metadata))
        .isInstanceOf(RejectedRecordException.class).hasMessageEndingWith("invalid UTF-8 in field metadata");
  }

  @Test
  void keepsAReplacementCharacterThatWasWrittenAsValidUtf8() throws Exception {
    byte[] bytes = new AvroCodec(Format.SINGLE_OBJECT).encode(TextDocument.newBuilder().setText("\uFFFD(cd").build());
    assertThat(auto.decode(bytes).getText()).isEqualTo("\uFFFD(cd");
  }

  @Test
  void routesRegistryEncodedAvroTextWithInvalidUtf8ToDeadLetter() throws Exception {
    try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
      RegistryCodec codec = new RegistryCodec(new SchemaRegistryClient(SchemaRegistryClient.Options.of(registry.url())),
          SerializationSettings.SubjectStrategy.TOPIC, true);
      byte[] bytes = withInvalidUtf8(codec.encode("in", TextDocument.newBuilder().setId("r-1").setText("Z(cd").build()));
      assertThatThrownBy(() -> new InputDecoder(InputFormat.AUTO, codec).decode(bytes))
          .isInstanceOf(RejectedRecordException.class)
          .hasMessageEndingWith("invalid UTF-8 in field text");
    }
  }

  @Test
  void rejectsAvroRecordOfAnotherSchema() throws Exception {
    byte[] bytes = new AvroCodec(Format.SINGLE_OBJECT).encode(dev.lexstream.avro.SourceRef.newBuilder()
        .setTopic("t").setPartition(0).setOffset(1).setTimestamp(java.time.Instant.EPOCH).build());
    assertThatThrownBy(() -> auto.decode(bytes))
        .isInstanceOf(RejectedRecordException.class).hasMessageContaining("unknown Avro schema fingerprint");
  }

  @Test
  void rejectsRegistryWireFormatWithoutARegistryClearly() {
    for (InputDecoder decoder : List.of(auto, new InputDecoder(InputFormat.AVRO))) {
      assertThatThrownBy(() -> decoder.decode(new byte[] {0, 0, 0, 0, 7, 2, 'x'}))
          .isInstanceOf(RejectedRecordException.class)
          .hasMessage("record is in the schema-registry wire format (schema id 7) but no registry is configured; "
              + "set serialization.registryUrl");
    }
  }

  @Test
  void decodesRegistryEncodedTextDocumentsAndRejectsUnknownIds() throws Exception {
    try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
      RegistryCodec codec = new RegistryCodec(new SchemaRegistryClient(SchemaRegistryClient.Options.of(registry.url())),
          SerializationSettings.SubjectStrategy.TOPIC, true);
      byte[] bytes = codec.encode("in", TextDocument.newBuilder().setId("r-1").setText("Registry text")
          .setTenant("acme").build());
      for (InputFormat mode : List.of(InputFormat.AUTO, InputFormat.AVRO)) {
        TextDocument doc = new InputDecoder(mode, codec).decode(bytes);
        assertThat(doc.getId()).isEqualTo("r-1");
        assertThat(doc.getText()).isEqualTo("Registry text");
        assertThat(doc.getTenant()).isEqualTo("acme");
      }
      byte[] unknown = bytes.clone();
      unknown[4] = 99;
      assertThatThrownBy(() -> new InputDecoder(InputFormat.AUTO, codec).decode(unknown))
          .isInstanceOf(RejectedRecordException.class)
          .hasMessageStartingWith("unreadable registry-encoded Avro TextDocument: unknown schema id 99");
      byte[] enriched = codec.encode("other", dev.lexstream.serde.registry.RegistryCodecTest.enriched());
      assertThatThrownBy(() -> new InputDecoder(InputFormat.AUTO, codec).decode(enriched))
          .isInstanceOf(RejectedRecordException.class)
          .hasMessageContaining("cannot be read as dev.lexstream.avro.TextDocument");
    }
  }

  @Test
  void routesRegistryRecordsWithAProtobufWriterSchemaToDeadLetter() throws Exception {
    try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
      int id = registry.registerRaw("in-value", "PROTOBUF",
          "syntax = \"proto3\"; message TextDocument { string text = 1; }");
      RegistryCodec codec = RegistryCodec.forReading(
          new SchemaRegistryClient(SchemaRegistryClient.Options.of(registry.url())));
      byte[] bytes = ByteBuffer.allocate(7).put(RegistryCodec.MAGIC).putInt(id).put((byte) 2).put((byte) 'x').array();
      assertThatThrownBy(() -> new InputDecoder(InputFormat.AUTO, codec).decode(bytes))
          .isInstanceOf(RejectedRecordException.class)
          .hasMessageContaining("schema id " + id)
          .hasMessageContaining("PROTOBUF")
          .extracting(e -> ((RejectedRecordException) e).stage()).isEqualTo("decode");
    }
  }

  @Test
  void textModeKeepsJsonLookingTextAsText() throws Exception {
    TextDocument doc = new InputDecoder(InputFormat.TEXT).decode(utf8("{not json"));
    assertThat(doc.getText()).isEqualTo("{not json");
  }

  @Test
  void jsonModeRejectsPlainText() {
    assertThatThrownBy(() -> new InputDecoder(InputFormat.JSON).decode(utf8("plain words")))
        .isInstanceOf(RejectedRecordException.class).hasMessageStartingWith("malformed JSON");
  }

  @Test
  void rejectsNullValue() {
    assertThatThrownBy(() -> auto.decode(null)).hasMessage("record has no value (null)");
  }
}
