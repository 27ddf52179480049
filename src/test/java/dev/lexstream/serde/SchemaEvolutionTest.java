package dev.lexstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.avro.Classification;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.Finding;
import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TaskRun;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.avro.Translation;
import dev.lexstream.serde.registry.Incompatibilities;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution: every schema in {@code schemas/} stays BACKWARD compatible with the released
 * versions kept under {@code src/test/resources/schemas/} (consumers and the registry rely on it),
 * checked with Avro's own {@link SchemaCompatibility}; and records really cross between versions.
 */
class SchemaEvolutionTest {
  /** Released versions, oldest first. Add one on every release that changes a schema. */
  static final List<String> RELEASES = List.of("v1");
  static final Path CURRENT = Path.of("schemas");
  static final Path RELEASED = Path.of("src/test/resources/schemas");

  /** Parses a folder of .avsc files; SourceRef first, since the records refer to it by name. */
  static Map<String, Schema> parse(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".avsc"))
          .sorted((a, b) -> a.endsWith("SourceRef.avsc") ? -1 : b.endsWith("SourceRef.avsc") ? 1 : a.compareTo(b))
          .toList();
    }
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> schemas = new LinkedHashMap<>();
    for (Path file : files) {
      schemas.put(file.getFileName().toString(), parser.parse(file.toFile()));
    }
    return schemas;
  }

  @Test
  void everyReleasedVersionIsKeptWhole() throws IOException {
    for (String release : RELEASES) {
      assertThat(parse(RELEASED.resolve(release)).keySet()).as(release)
          .contains("TextDocument.avsc", "EnrichedText.avsc", "DeadLetter.avsc", "SourceRef.avsc");
    }
  }

  @Test
  void everySchemaIsBackwardCompatibleWithEveryRelease() throws IOException {
    Map<String, Schema> current = parse(CURRENT);
    for (String release : RELEASES) {
      for (var old : parse(RELEASED.resolve(release)).entrySet()) {
        Schema now = current.get(old.getKey());
        assertThat(now).as(old.getKey() + " of " + release + " was removed from schemas/").isNotNull();
        assertThat(now.getFullName()).as(old.getKey() + " renamed since " + release).isEqualTo(old.getValue().getFullName());
        assertThat(Incompatibilities.check(now, old.getValue()))
            .as("schemas/%s cannot read records written with %s", old.getKey(), release).isEmpty();
      }
    }
  }

  @Test
  void recordsCrossBetweenEveryReleaseAndNow() throws IOException {
    Map<String, SpecificRecord> samples = new LinkedHashMap<>();
    samples().forEach(r -> samples.put(r.getSchema().getFullName(), r));
    Map<String, Schema> current = parse(CURRENT);
    for (String release : RELEASES) {
      for (var entry : parse(RELEASED.resolve(release)).entrySet()) {
        Schema old = entry.getValue();
        Schema now = current.get(entry.getKey());
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) SpecificData.get().getClass(now);
        String what = entry.getKey() + " " + release + " -> now";

        // backward (always): a record written with the release is read with the current schema
        GenericRecord written = synthesize(old, 1);
        SpecificRecord read = readSpecific(writeGeneric(written, old), old, type);
        assertSameOnCommonFields(AvroJson.toJson(written), AvroJson.toJson(read), what);

        // forward, where the change allows it: consumers still on the release read what we write now
        if (SchemaCompatibility.checkReaderWriterCompatibility(old, now).getType() == SchemaCompatibilityType.COMPATIBLE) {
          SpecificRecord sample = samples.get(now.getFullName());
          assertThat(sample).as("a sample record of " + now.getFullName()).isNotNull();
          GenericRecord seenByOld = readGeneric(write(sample, now), now, old);
          assertSameOnCommonFields(AvroJson.toJson(sample), AvroJson.toJson(seenByOld), "now -> " + release);
        }
      }
    }
  }

  /** Equal wherever both sides have the field (fields added or removed between versions are skipped). */
  static void assertSameOnCommonFields(JsonNode a, JsonNode b, String what) {
    if (a.isObject() && b.isObject()) {
      a.fieldNames().forEachRemaining(name -> {
        if (b.has(name)) {
          assertSameOnCommonFields(a.get(name), b.get(name), what + "." + name);
        }
      });
    } else if (a.isArray() && b.isArray()) {
      assertThat(b.size()).as(what).isEqualTo(a.size());
      for (int i = 0; i < a.size(); i++) {
        assertSameOnCommonFields(a.get(i), b.get(i), what + "[" + i + "]");
      }
    } else {
      assertThat(b).as(what).isEqualTo(a);
    }
  }

  /** A record with a value in every field (first non-null union branch), for any schema. */
  static GenericRecord synthesize(Schema record, int seed) {
    return (GenericRecord) value(record, seed);
  }

  private static Object value(Schema s, int seed) {
    return switch (s.getType()) {
      case RECORD -> {
        GenericRecord r = new GenericData.Record(s);
        for (Schema.Field f : s.getFields()) {
          r.put(f.pos(), value(f.schema(), seed + f.pos()));
        }
        yield r;
      }
      case UNION -> {
        Schema branch = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst()
            .orElse(s.getTypes().get(0));
        yield value(branch, seed);
      }
      case STRING -> "s" + seed;
      case BYTES -> ByteBuffer.wrap(new byte[] {(byte) seed, 2});
      case INT -> seed;
      case LONG -> 1_700_000_000_000L + seed;
      case FLOAT -> seed + 0.5f;
      case DOUBLE -> seed + 0.25;
      case BOOLEAN -> seed % 2 == 0;
      case NULL -> null;
      case ARRAY -> List.of(value(s.getElementType(), seed + 1));
      case MAP -> Map.of("k" + seed, value(s.getValueType(), seed + 1));
      case ENUM -> new GenericData.EnumSymbol(s, s.getEnumSymbols().get(0));
      case FIXED -> new GenericData.Fixed(s, new byte[s.getFixedSize()]);
    };
  }

  @Test
  void theCheckCatchesABreakingChangeAndNamesTheField() {
    Schema v1 = EnrichedText.getClassSchema();
    Schema broken = new Schema.Parser().parse(v1.toString().replace(
        "{\"name\":\"summary\",\"type\":[\"null\",{\"type\":\"string\",\"avro.java.string\":\"String\"}],\"doc\":\"Summary of the text, when the pipeline summarizes.\",\"default\":null}",
        "{\"name\":\"summary\",\"type\":[\"null\",{\"type\":\"string\",\"avro.java.string\":\"String\"}],\"doc\":\"Summary of the text, when the pipeline summarizes.\",\"default\":null},"
            + "{\"name\":\"priority\",\"type\":\"int\"}"));
    assertThat(broken.getField("priority")).isNotNull();
    assertThat(Incompatibilities.check(broken, v1)).singleElement().asString()
        .contains("field 'priority' is new and has no default value");

    Schema withDefault = new Schema.Parser().parse(broken.toString().replace(
        "{\"name\":\"priority\",\"type\":\"int\"}", "{\"name\":\"priority\",\"type\":\"int\",\"default\":0}"));
    assertThat(Incompatibilities.check(withDefault, v1)).isEmpty();
  }

  static List<SpecificRecord> samples() {
    SourceRef source = SourceRef.newBuilder().setTopic("in").setPartition(2).setOffset(40)
        .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    TextDocument doc = TextDocument.newBuilder().setId("d-1").setText("Héllo wörld").setLang("de")
        .setTasks(List.of("topic")).setTargetLang("en").setTenant("acme").setMetadata(Map.of("k", "v")).build();
    EnrichedText enriched = EnrichedText.newBuilder().setId("d-1").setPipeline("news").setText("Héllo wörld")
        .setLang("de").setTenant("acme").setMetadata(Map.of("k", "v"))
        .setClassifications(List.of(Classification.newBuilder().setName("topic").setLabel("World").setScore(0.7)
            .setScores(Map.of("World", 0.7, "Sports", 0.3)).build()))
        .setSummary("A greeting.")
        .setTranslations(List.of(Translation.newBuilder().setTarget("en").setText("Hello world").build()))
        .setSafety(SafetyVerdict.newBuilder().setAction("flag").setFindings(List.of(Finding.newBuilder()
            .setCategory("pii.email").setDetector("regex").setScore(1.0).setStart(0).setEnd(5).setAction("flag")
            .build())).build())
        .setRuns(List.of(TaskRun.newBuilder().setTask("classify:topic").setModelId("builtin:all-minilm-l6-v2-q")
            .setModelVersion("1.19.0").setBatchSize(8).setInferenceMillis(3.5).build()))
        .setSource(source).setProcessedAt(Instant.ofEpochMilli(1_700_000_000_500L)).build();
    DeadLetter dead = DeadLetter.newBuilder().setId("d-2").setPipeline("news").setStage("decode").setError("bad")
        .setErrorType("java.io.IOException").setSource(source).setKey(ByteBuffer.wrap(new byte[] {7}))
        .setOriginal(ByteBuffer.wrap(new byte[] {1, 2, 3})).setOriginalSize(3)
        .setFailedAt(Instant.ofEpochMilli(1_700_000_000_900L)).build();
    return List.of(doc, enriched, dead, source);
  }

  private static byte[] write(SpecificRecord record, Schema schema) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<SpecificRecord>(schema).write(record, encoder);
    return out.toByteArray();
  }

  private static byte[] writeGeneric(GenericRecord record, Schema schema) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    return out.toByteArray();
  }

  private static GenericRecord readGeneric(byte[] bytes, Schema writer, Schema reader) throws IOException {
    return new GenericDatumReader<GenericRecord>(writer, reader).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }

  private static <T extends SpecificRecord> T readSpecific(byte[] bytes, Schema writer, Class<T> type)
      throws IOException {
    return new SpecificDatumReader<T>(writer, SpecificData.get().getSchema(type))
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }
}
