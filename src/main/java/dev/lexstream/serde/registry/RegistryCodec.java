package dev.lexstream.serde.registry;

import dev.lexstream.config.ConfigException;
import dev.lexstream.config.SerializationSettings;
import dev.lexstream.config.SerializationSettings.SubjectStrategy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import dev.lexstream.serde.AvroDatums;
import dev.lexstream.serde.StrictUtf8Decoder;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the datum. Encodes with ids from the registry (registered or looked up per
 * the subject name strategy) and decodes with the writer schema fetched by id.
 */
public final class RegistryCodec {
  public static final byte MAGIC = 0;
  public static final int HEADER_SIZE = 5;
  /** Key schemas: keys are written as Avro {@code string}, or {@code bytes} when they are not UTF-8. */
  public static final Schema STRING_KEY = Schema.create(Schema.Type.STRING);
  public static final Schema BYTES_KEY = Schema.create(Schema.Type.BYTES);

  private final SchemaRegistryClient client;
  private final SubjectStrategy strategy;
  private final boolean autoRegister;
  /** Per (writer id, reader class): why it cannot be read, or the writer schema to read it with. */
  private final Map<String, Readable> readable = new ConcurrentHashMap<>();

  /** {@code problem} null: readable with {@code writer} ({@link PromotedStrings}). */
  private record Readable(String problem, Schema writer) {}

  public RegistryCodec(SchemaRegistryClient client, SubjectStrategy strategy, boolean autoRegister) {
    this.client = client;
    this.strategy = strategy;
    this.autoRegister = autoRegister;
  }

  /**
   * The client for the config's registry URL, basic auth, trust store, timeout and retries.
   *
   * @throws ConfigException when the trust store cannot be loaded
   */
  public static RegistryCodec create(SerializationSettings settings) {
    SerializationSettings.Registry r = settings.registry();
    SchemaRegistryClient.Options options = new SchemaRegistryClient.Options(
        SchemaRegistryClient.parseUrls(settings.registryUrl()),
        r.basicAuth() == null ? null : r.basicAuth().username(),
        r.basicAuth() == null ? null : r.basicAuth().password(),
        sslContext(r.truststore()), r.timeout(), r.retries(), r.retryBackoff());
    return new RegistryCodec(new SchemaRegistryClient(options), r.subjectStrategy(), r.autoRegister());
  }

  /** A codec for decoding only (consumers): subjects are never needed to read. */
  public static RegistryCodec forReading(SchemaRegistryClient client) {
    return new RegistryCodec(client, SubjectStrategy.TOPIC, false);
  }

  private static SSLContext sslContext(SerializationSettings.Truststore truststore) {
    if (truststore == null) {
      return null;
    }
    try {
      return SchemaRegistryClient.trustStoreContext(Path.of(truststore.path()), truststore.password(),
          truststore.type());
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new ConfigException("serialization.truststore", "cannot load " + truststore.type() + " trust store '"
          + truststore.path() + "' (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "); required: a readable trust store and its password (or set "
          + SerializationSettings.ENV_TRUSTSTORE_PASSWORD + ")", e);
    }
  }

  public SchemaRegistryClient client() {
    return client;
  }

  public SubjectStrategy strategy() {
    return strategy;
  }

  public boolean autoRegister() {
    return autoRegister;
  }

  /** The subject a schema is registered under for a topic's keys or values. */
  public String subject(String topic, boolean isKey, Schema schema) {
    return switch (strategy) {
      case TOPIC -> topic + (isKey ? "-key" : "-value");
      case RECORD -> schema.getFullName();
      case TOPIC_RECORD -> topic + "-" + schema.getFullName();
    };
  }

  /** The schema's id for the topic: from the cache, else registered (autoRegister) or looked up. */
  public int schemaId(String topic, boolean isKey, Schema schema) {
    return client.idFor(subject(topic, isKey, schema), schema, autoRegister);
  }

  /** A record value in the wire format; its schema is registered or looked up on first use. */
  public byte[] encode(String topic, SpecificRecord record) {
    Schema schema = record.getSchema();
    return frame(schemaId(topic, false, schema), AvroDatums.writer(schema), record);
  }

  /**
   * A record key in the wire format: Avro {@code string} for UTF-8 keys, {@code bytes} otherwise;
   * null stays null.
   */
  public byte[] encodeKey(String topic, byte[] key) {
    if (key == null) {
      return null;
    }
    Optional<String> text = utf8(key);
    if (text.isPresent()) {
      return frame(schemaId(topic, true, STRING_KEY), AvroDatums.genericWriter(STRING_KEY), text.get());
    }
    return frame(schemaId(topic, true, BYTES_KEY), AvroDatums.genericWriter(BYTES_KEY), ByteBuffer.wrap(key));
  }

  /** The Confluent layout for a datum already resolved to a schema id. */
  public static <T> byte[] frame(int schemaId, DatumWriter<T> writer, T datum) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC);
    out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(datum, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** True when the bytes start like the wire format: magic 0 and room for the 4-byte id. */
  public static boolean matches(byte[] bytes) {
    return bytes != null && bytes.length >= HEADER_SIZE && bytes[0] == MAGIC;
  }

  /** The schema id of a wire-format payload. */
  public static int schemaId(byte[] bytes) {
    if (!matches(bytes)) {
      throw new IllegalArgumentException("not the schema-registry wire format (magic byte 0 and a 4-byte schema id)");
    }
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  /**
   * Decodes with the writer schema, generically: a {@code GenericRecord} for records, the plain value otherwise.
   *
   * @throws IOException for an unknown schema id, a writer schema that is not usable Avro, or a body that does
   *     not match the schema
   * @throws RegistryException when the registry cannot be reached or refuses access (401, 403)
   */
  public Object decode(byte[] bytes) throws IOException {
    int id = schemaId(bytes);
    Schema writer = writerSchema(id);
    return read(bytes, id, AvroDatums.genericReader(writer));
  }

  /**
   * Decodes into a generated class, resolving the writer's schema to the class's (Avro schema
   * resolution: added fields take their defaults, removed ones are skipped).
   *
   * @throws IOException for an unknown id, a writer schema that is not usable Avro or that the class cannot read,
   *     or a malformed body
   * @throws RegistryException when the registry cannot be reached or refuses access (401, 403)
   */
  public <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) throws IOException {
    int id = schemaId(bytes);
    Schema writer = writerSchema(id);
    Schema reader = SpecificData.get().getSchema(type);
    Readable r = readable.computeIfAbsent(id + ":" + type.getName(), k -> {
      List<String> problems = Incompatibilities.check(reader, writer);
      return problems.isEmpty() ? new Readable(null, PromotedStrings.of(writer, reader))
          : new Readable(String.join("; ", problems), null);
    });
    if (r.problem() != null) {
      throw new IOException("schema id " + id + " (" + writer.getFullName() + ") cannot be read as "
          + reader.getFullName() + ": " + r.problem());
    }
    return read(bytes, id, AvroDatums.<T>specificReader(r.writer(), reader));
  }

  private Schema writerSchema(int id) throws IOException {
    try {
      return client.schemaById(id);
    } catch (RegistryException e) {
      // an unknown id or a schema Lexstream cannot use (another type, references, unparsable) is this record's;
      // anything else (an outage, refused credentials, a wrong registry URL) would fail every record alike:
      // stop and let the operator fix it
      if (!e.isAboutTheSchema()) {
        throw e;
      }
      String reason = e.getMessage();
      throw new IOException(reason.contains("schema id " + id) ? reason : "schema id " + id + ": " + reason, e);
    }
  }

  private static <T> T read(byte[] bytes, int id, DatumReader<T> reader) throws IOException {
    return StrictUtf8Decoder.readWhole(reader, bytes, HEADER_SIZE, "malformed Avro body for schema id " + id);
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
