package dev.lexstream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.config.SerializationSettings;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.serde.registry.RegistryCodec;
import dev.lexstream.serde.registry.RegistryException;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.TextDocument;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes Lexstream's Avro records in the configured {@link Format}, and recognizes any of
 * the encodings on the way back (by their first bytes) for readers such as {@code consume}:
 * single-object Avro ({@code C3 01}), the schema-registry wire format (magic byte {@code 0}; needs
 * a registry) and JSON.
 */
public final class AvroCodec {
  /** First two bytes of Avro's single-object encoding. */
  static final byte[] SINGLE_OBJECT_MAGIC = {(byte) 0xC3, (byte) 0x01};

  /**
   * The records a single-object payload may hold, each with every version of its schema that Lexstream
   * shipped ({@code *-vN.avsc} next to this class): a record written by an earlier version (a topic
   * replayed, a producer not upgraded yet) names its schema by fingerprint only.
   */
  static final List<SchemaVersions> PUBLIC_SCHEMAS = List.of(
      SchemaVersions.of(EnrichedText.getClassSchema(), AvroCodec.class, "enriched-text-v1.avsc"),
      SchemaVersions.of(DeadLetter.getClassSchema(), AvroCodec.class, "dead-letter-v1.avsc"),
      SchemaVersions.of(TextDocument.getClassSchema(), AvroCodec.class, "text-document-v1.avsc"));

  /** Writer schemas by fingerprint: every shipped version of every public record. */
  private static final SchemaStore WRITERS = SchemaVersions.store(PUBLIC_SCHEMAS);

  /** What a payload is read as, whichever version wrote it: its record's current schema, by full name. */
  private static final Map<String, Schema> READERS = PUBLIC_SCHEMAS.stream().map(SchemaVersions::current)
      .collect(Collectors.toUnmodifiableMap(Schema::getFullName, Function.identity()));

  private final Format format;
  private final RegistryCodec registry;
  private final boolean keys;

  /** A codec for {@code single-object} or {@code json}, without a registry. */
  public AvroCodec(Format format) {
    this(format, null, false);
  }

  /**
   * @param registry the registry codec; required for {@link Format#REGISTRY}, and used with any format
   *     to read registry-encoded input; null without a registry
   * @param keys     write record keys in the registry format too (only with {@link Format#REGISTRY})
   */
  public AvroCodec(Format format, RegistryCodec registry, boolean keys) {
    if (format == Format.REGISTRY && registry == null) {
      throw new IllegalArgumentException("serialization.format: registry needs a schema registry client");
    }
    if (keys && format != Format.REGISTRY) {
      throw new IllegalArgumentException("key serialization needs serialization.format: registry");
    }
    this.format = format;
    this.registry = registry;
    this.keys = keys;
  }

  /**
   * The codec a config describes, with a registry client whenever {@code serialization.registryUrl} is set.
   *
   * @throws dev.lexstream.config.ConfigException when the registry's trust store cannot be loaded
   */
  public static AvroCodec create(SerializationSettings settings) {
    RegistryCodec registry = settings.registryUrl() == null ? null : RegistryCodec.create(settings);
    return new AvroCodec(settings.format(), registry, settings.registry().keys());
  }

  public Format format() {
    return format;
  }

  /** The registry codec, or null when no registry is configured. */
  public RegistryCodec registry() {
    return registry;
  }

  /** Whether keys are written in the registry format. */
  public boolean encodesKeys() {
    return keys;
  }

  /** Encodes a value in the single-object or JSON format; the registry format needs the topic. */
  public byte[] encode(SpecificRecord record) {
    if (format == Format.REGISTRY) {
      throw new IllegalStateException("the registry format needs the topic: use encode(topic, record)");
    }
    return encode(null, record);
  }

  /** Encodes a value for a topic (the topic names the registry subject). */
  public byte[] encode(String topic, SpecificRecord record) {
    return switch (format) {
      case SINGLE_OBJECT -> singleObject(record);
      case JSON -> AvroJson.toJson(record).toString().getBytes(StandardCharsets.UTF_8);
      case REGISTRY -> registry.encode(topic, record);
    };
  }

  /** Encodes a key for a topic: unchanged unless keys are written in the registry format. */
  public byte[] encodeKey(String topic, byte[] key) {
    return keys ? registry.encodeKey(topic, key) : key;
  }

  /**
   * With the registry format, registers (or, without autoRegister, looks up) the value schema for a
   * topic now, so that a registry that is unreachable, refuses access or holds an incompatible
   * schema stops the start with a clear error instead of failing the first record. No-op otherwise.
   *
   * @throws RegistryException with the reason
   */
  public void prepare(String topic, Schema valueSchema) {
    if (format != Format.REGISTRY) {
      return;
    }
    registry.schemaId(topic, false, valueSchema);
    if (keys) {
      registry.schemaId(topic, true, RegistryCodec.STRING_KEY);
    }
  }

  private static byte[] singleObject(SpecificRecord record) {
    Schema schema = record.getSchema();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(SINGLE_OBJECT_MAGIC);
    byte[] fingerprint = new byte[8];
    ByteBuffer.wrap(fingerprint).order(ByteOrder.LITTLE_ENDIAN).putLong(AvroDatums.fingerprint(schema));
    out.writeBytes(fingerprint);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      AvroDatums.writer(schema).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** True when the bytes start like Avro single-object encoding. */
  public static boolean isSingleObject(byte[] bytes) {
    return bytes != null && bytes.length >= 10 && bytes[0] == SINGLE_OBJECT_MAGIC[0] && bytes[1] == SINGLE_OBJECT_MAGIC[1];
  }

  /** True when the bytes start like the Confluent wire format (magic 0 and a 4-byte schema id). */
  public static boolean isRegistryWireFormat(byte[] bytes) {
    return RegistryCodec.matches(bytes);
  }

  /**
   * Decodes a single-object payload written with any shipped version of one of Lexstream's schemas,
   * generically, as the record's current schema (fields added since take their defaults).
   *
   * @throws IOException when the fingerprint is unknown or the body does not match the schema
   */
  public static GenericRecord decodeSingleObject(byte[] bytes) throws IOException {
    Schema writer = writerSchema(bytes);
    return read(bytes, AvroDatums.genericReader(writer, READERS.get(writer.getFullName())));
  }

  /** Decodes a single-object payload into a generated class, insisting on that record type. */
  public static <T extends SpecificRecord> T decodeSingleObject(byte[] bytes, Class<T> type) throws IOException {
    Schema writer = writerSchema(bytes);
    Schema reader = SpecificData.get().getSchema(type);
    if (!writer.getFullName().equals(reader.getFullName())) {
      throw new IOException("Avro record is a " + writer.getFullName() + ", expected " + reader.getFullName());
    }
    return read(bytes, AvroDatums.<T>specificReader(writer, reader));
  }

  private static Schema writerSchema(byte[] bytes) throws IOException {
    if (!isSingleObject(bytes)) {
      throw new IOException("not Avro single-object encoding (expected bytes C3 01 and an 8-byte fingerprint)");
    }
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = WRITERS.findByFingerprint(fingerprint);
    if (writer == null) {
      throw new IOException("unknown Avro schema fingerprint " + Long.toHexString(fingerprint));
    }
    return writer;
  }

  private static <T> T read(byte[] bytes, DatumReader<T> reader) throws IOException {
    return StrictUtf8Decoder.readWhole(reader, bytes, 10, "malformed Avro body");
  }

  /**
   * Reads an output value in whatever encoding it has: single-object Avro or JSON; registry-encoded
   * values are an error here (see {@link #toJson(byte[], RegistryCodec)}).
   * Returns empty when the bytes are neither (callers show them raw).
   */
  public static Optional<JsonNode> toJson(byte[] bytes) throws IOException {
    return toJson(bytes, null);
  }

  /**
   * Reads a value in whatever encoding it has: single-object Avro, the schema-registry wire format
   * (with the writer schema fetched by id from {@code registry}) or JSON. Returns empty when the bytes
   * are none of these (callers show them raw).
   *
   * @param registry null when no registry is available
   * @throws IOException for unknown schema ids or fingerprints, malformed bodies, registry-encoded bytes
   *     without a registry, and registry failures (unreachable, refused)
   */
  public static Optional<JsonNode> toJson(byte[] bytes, RegistryCodec registry) throws IOException {
    if (isSingleObject(bytes)) {
      return Optional.of(AvroJson.toJson(decodeSingleObject(bytes)));
    }
    if (isRegistryWireFormat(bytes)) {
      int id = RegistryCodec.schemaId(bytes);
      if (registry == null) {
        throw new IOException("schema-registry wire-format record (schema id " + id
            + "): give the registry URL to decode it (consume --registry URL, or " + SerializationSettings.ENV_REGISTRY_URL
            + ")");
      }
      try {
        return Optional.of(AvroJson.toJsonValue(registry.decode(bytes)));
      } catch (RegistryException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    if (bytes != null && bytes.length > 0 && bytes[0] == '{') {
      return Optional.of(AvroJson.MAPPER.readTree(bytes));
    }
    return Optional.empty();
  }
}
