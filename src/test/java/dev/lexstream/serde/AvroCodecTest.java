package dev.lexstream.serde;

import dev.lexstream.config.SerializationSettings.Format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lexstream.avro.Classification;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.Finding;
import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TaskRun;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.avro.Translation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
  static SourceRef source() {
    return SourceRef.newBuilder().setTopic("in").setPartition(2).setOffset(41).setTimestamp(Instant.ofEpochMilli(1700000000000L)).build();
  }

  static EnrichedText enriched() {
    return EnrichedText.newBuilder()
        .setId("a1").setPipeline("news").setText("Text").setLang("en").setMetadata(Map.of("k", "v"))
        .setClassifications(List.of(Classification.newBuilder().setName("topic").setLabel("Sports").setScore(0.9)
            .setScores(Map.of("Sports", 0.9, "World", 0.1)).build()))
        .setSummary("Sum")
        .setTranslations(List.of(Translation.newBuilder().setTarget("es").setText("Texto").build()))
        .setSafety(SafetyVerdict.newBuilder().setAction("flag").setFindings(List.of(Finding.newBuilder()
            .setCategory("pii.email").setDetector("regex").setScore(1.0).setStart(0).setEnd(4).setAction("flag").build())).build())
        .setRuns(List.of(TaskRun.newBuilder().setTask("classify:topic").setModelId("builtin:m").setModelVersion("1")
            .setBatchSize(3).setInferenceMillis(12.5).build()))
        .setSource(source())
        .setProcessedAt(Instant.ofEpochMilli(1700000000123L))
        .build();
  }

  static DeadLetter deadLetter() {
    return DeadLetter.newBuilder().setId(null).setPipeline("news").setStage("decode").setError("invalid UTF-8 at byte 3")
        .setErrorType("java.nio.charset.MalformedInputException").setSource(source())
        .setKey(ByteBuffer.wrap(new byte[] {1, 2})).setOriginal(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x28}))
        .setOriginalSize(2).setFailedAt(Instant.ofEpochMilli(1700000000456L)).build();
  }

  static TextDocument document() {
    return TextDocument.newBuilder().setId("d1").setText("Doc").setTasks(List.of("topic")).setMetadata(Map.of()).build();
  }

  @Test
  void roundTripsEveryRecordTypeInSingleObjectEncoding() throws IOException {
    AvroCodec codec = new AvroCodec(Format.SINGLE_OBJECT);
    for (SpecificRecord record : List.<SpecificRecord>of(enriched(), deadLetter(), document())) {
      byte[] bytes = codec.encode(record);
      assertThat(AvroCodec.isSingleObject(bytes)).isTrue();
      assertThat(AvroCodec.decodeSingleObject(bytes, record.getClass())).isEqualTo(record);
      assertThat(AvroCodec.decodeSingleObject(bytes).getSchema()).isEqualTo(record.getSchema());
    }
  }

  @Test
  void rendersJsonWithUnionsUnwrappedAndBytesInBase64() throws IOException {
    AvroCodec codec = new AvroCodec(Format.JSON);
    JsonNode enriched = AvroCodec.toJson(codec.encode(enriched())).orElseThrow();
    assertThat(enriched.get("lang").asText()).isEqualTo("en");
    assertThat(enriched.at("/classifications/0/label").asText()).isEqualTo("Sports");
    assertThat(enriched.at("/safety/findings/0/start").asInt()).isEqualTo(0);
    assertThat(enriched.at("/source/offset").asLong()).isEqualTo(41);
    JsonNode dead = AvroCodec.toJson(new AvroCodec(Format.SINGLE_OBJECT).encode(deadLetter())).orElseThrow();
    assertThat(dead.get("id").isNull()).isTrue();
    assertThat(dead.get("original").asText()).isEqualTo("wyg=");
    assertThat(dead.get("stage").asText()).isEqualTo("decode");
  }

  @Test
  void rejectsUnknownFingerprint() {
    byte[] bytes = new AvroCodec(Format.SINGLE_OBJECT).encode(document());
    bytes[5] ^= 0x55;
    assertThatThrownBy(() -> AvroCodec.decodeSingleObject(bytes)).hasMessageContaining("unknown Avro schema fingerprint");
  }

  @Test
  void shipsTheSchemaOfEveryRecordItWrites() {
    assertThat(AvroCodec.PUBLIC_SCHEMAS).extracting(SchemaVersions::current)
        .containsExactlyInAnyOrder(EnrichedText.getClassSchema(), DeadLetter.getClassSchema(), TextDocument.getClassSchema());
    AvroCodec.PUBLIC_SCHEMAS.forEach(SchemaVersionsTest::assertShipsTheCurrentSchema);
  }

  @Test
  void readsRecordsWrittenWithEveryShippedVersion() throws IOException {
    for (SchemaVersions record : AvroCodec.PUBLIC_SCHEMAS) {
      for (int v = 0; v < record.shipped().size(); v++) {
        assertReadsWhatThisSchemaWrote(record.shipped().get(v), record.current().getFullName() + " v" + (v + 1));
      }
    }
  }

  @Test
  void readsRecordsWrittenWithEveryReleasedSchema() throws IOException {
    // a shipped version file edited in place instead of added to would lose a released schema: this sees it
    for (String release : SchemaEvolutionTest.RELEASES) {
      for (var file : SchemaEvolutionTest.parse(SchemaEvolutionTest.RELEASED.resolve(release)).entrySet()) {
        if (!file.getKey().equals("SourceRef.avsc")) { // nested in the others, never a payload of its own
          assertReadsWhatThisSchemaWrote(file.getValue(), file.getKey() + " of " + release);
        }
      }
    }
  }

  /** A record written by another writer in single-object encoding with {@code writer} reads back, generically and into its class. */
  private static void assertReadsWhatThisSchemaWrote(Schema writer, String what) throws IOException {
    GenericRecord written = SchemaEvolutionTest.synthesize(writer, 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(written, out);
    byte[] bytes = out.toByteArray();

    GenericRecord generic = AvroCodec.decodeSingleObject(bytes);
    @SuppressWarnings("unchecked")
    Class<SpecificRecord> type = (Class<SpecificRecord>) SpecificData.get().getClass(generic.getSchema());
    SpecificRecord specific = AvroCodec.decodeSingleObject(bytes, type);

    assertThat(generic.getSchema()).as(what).isEqualTo(SpecificData.get().getSchema(type));
    SchemaEvolutionTest.assertSameOnCommonFields(AvroJson.toJson(written), AvroJson.toJson(generic), what);
    SchemaEvolutionTest.assertSameOnCommonFields(AvroJson.toJson(written), AvroJson.toJson(specific), what);
  }

  @Test
  void registryFormatNeedsARegistry() {
    assertThatThrownBy(() -> new AvroCodec(Format.REGISTRY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a schema registry client");
    assertThatThrownBy(() -> new AvroCodec(Format.JSON, null, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key serialization needs");
  }

  @Test
  void everySchemaFileMatchesTheGeneratedClassAndDocumentsEveryField() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of("schemas"))) {
      files = list.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("TextDocument.avsc", "EnrichedText.avsc", "DeadLetter.avsc", "SourceRef.avsc");
    Schema.Parser parser = new Schema.Parser();
    parser.parse(Path.of("schemas", "SourceRef.avsc").toFile());
    List<String> undocumented = new ArrayList<>();
    for (Path file : files) {
      if (file.endsWith("SourceRef.avsc")) {
        continue;
      }
      Schema schema = parser.parse(file.toFile());
      collectUndocumented(schema, undocumented, new java.util.HashSet<>());
    }
    collectUndocumented(SourceRef.getClassSchema(), undocumented, new java.util.HashSet<>());
    assertThat(undocumented).isEmpty();
    // the generated classes add Java-only properties; the parsing form is what the wire fingerprint covers
    for (Schema generated : List.of(EnrichedText.getClassSchema(), DeadLetter.getClassSchema(), TextDocument.getClassSchema())) {
      assertThat(SchemaNormalization.toParsingForm(parser.getTypes().get(generated.getFullName())))
          .as(generated.getFullName()).isEqualTo(SchemaNormalization.toParsingForm(generated));
    }
  }

  private static void collectUndocumented(Schema schema, List<String> out, java.util.Set<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        if (schema.getDoc() == null || schema.getDoc().isBlank()) {
          out.add(schema.getFullName());
        }
        for (Schema.Field field : schema.getFields()) {
          if (field.doc() == null || field.doc().isBlank()) {
            out.add(schema.getFullName() + "." + field.name());
          }
          collectUndocumented(field.schema(), out, seen);
        }
      }
      case ARRAY -> collectUndocumented(schema.getElementType(), out, seen);
      case MAP -> collectUndocumented(schema.getValueType(), out, seen);
      case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, out, seen));
      default -> { }
    }
  }
}
