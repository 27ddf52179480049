package dev.lexstream.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.config.PipelineSettings.InputFormat;
import dev.lexstream.serde.registry.RegistryCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the bytes of an input record into a {@link TextDocument}: plain UTF-8 text, a JSON object
 * or Avro {@code TextDocument} (single-object encoding, or the schema-registry wire format when a
 * registry is configured), either as configured or detected from the first bytes.
 * Anything it cannot read is rejected at stage {@code decode} with a reason; a registry that cannot
 * be reached or refuses access is not about one record, and fails with a
 * {@link dev.lexstream.serde.registry.RegistryException}.
 */
public final class InputDecoder {
  public static final String STAGE = "decode";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final InputFormat mode;
  private final RegistryCodec registry;

  public InputDecoder(InputFormat mode) {
    this(mode, null);
  }

  /** @param registry reads registry-encoded Avro input; null when no registry is configured */
  public InputDecoder(InputFormat mode, RegistryCodec registry) {
    this.mode = mode;
    this.registry = registry;
  }

  public TextDocument decode(byte[] value) throws RejectedRecordException {
    if (value == null) {
      throw new RejectedRecordException(STAGE, "record has no value (null)");
    }
    return switch (mode) {
      case TEXT -> text(value);
      case JSON -> json(value);
      case AVRO -> avro(value);
      case AUTO -> detect(value);
    };
  }

  private TextDocument detect(byte[] value) throws RejectedRecordException {
    if (AvroCodec.isSingleObject(value)) {
      return avro(value);
    }
    if (AvroCodec.isRegistryWireFormat(value)) {
      return avro(value);
    }
    int first = firstNonWhitespace(value);
    if (first >= 0 && value[first] == '{') {
      return json(value);
    }
    return text(value);
  }

  /** After JSON's whitespace and a UTF-8 byte-order mark, which Windows tools write and Jackson skips too. */
  private static int firstNonWhitespace(byte[] value) {
    boolean bom = value.length >= 3 && value[0] == (byte) 0xEF && value[1] == (byte) 0xBB && value[2] == (byte) 0xBF;
    for (int i = bom ? 3 : 0; i < value.length; i++) {
      byte b = value[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return i;
      }
    }
    return -1;
  }

  private static TextDocument text(byte[] value) throws RejectedRecordException {
    return TextDocument.newBuilder().setText(utf8(value)).build();
  }

  /** Strict UTF-8: malformed or truncated sequences are an error, never silently replaced. */
  static String utf8(byte[] value) throws RejectedRecordException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(value);
    try {
      String s = decoder.decode(in).toString();
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (CharacterCodingException e) {
      throw new RejectedRecordException(STAGE, "invalid UTF-8 at byte " + in.position(), e);
    }
  }

  private static TextDocument json(byte[] value) throws RejectedRecordException {
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      throw new RejectedRecordException(STAGE, "malformed JSON"
          + (location == null ? "" : " at line " + location.getLineNr() + " column " + location.getColumnNr()), e);
    } catch (IOException e) {
      throw new RejectedRecordException(STAGE, "malformed JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new RejectedRecordException(STAGE, "JSON input must be an object with a \"text\" field");
    }
    JsonNode text = root.get("text");
    if (text == null || !text.isTextual()) {
      throw new RejectedRecordException(STAGE, "JSON field \"text\" is missing or not a string");
    }
    return TextDocument.newBuilder()
        .setId(scalar(root, "id"))
        .setText(text.textValue())
        .setLang(scalar(root, "lang"))
        .setTargetLang(scalar(root, "targetLang"))
        .setTenant(scalar(root, "tenant"))
        .setTasks(tasks(root.get("tasks")))
        .setMetadata(metadata(root.get("metadata")))
        .build();
  }

  private static String scalar(JsonNode root, String field) throws RejectedRecordException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isValueNode()) {
      throw new RejectedRecordException(STAGE, "JSON field \"" + field + "\" must be a string");
    }
    return wellFormed("field \"" + field + "\"", node.asText());
  }

  /**
   * A field other than the text (which {@code validate} checks) with an unpaired surrogate is refused here:
   * written to Avro it would become {@code ?}, a different id, tenant or task name than the producer sent.
   */
  private static String wellFormed(String field, String value) throws RejectedRecordException {
    int unpaired = Surrogates.firstUnpaired(value);
    if (unpaired >= 0) {
      throw new RejectedRecordException(STAGE, "JSON " + field + " contains an unpaired surrogate at index " + unpaired);
    }
    return value;
  }

  private static List<String> tasks(JsonNode node) throws RejectedRecordException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw new RejectedRecordException(STAGE, "JSON field \"tasks\" must be an array of task names");
    }
    List<String> tasks = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new RejectedRecordException(STAGE, "JSON field \"tasks\" must be an array of task names");
      }
      tasks.add(wellFormed("field \"tasks\"", item.textValue()));
    }
    return tasks;
  }

  private static Map<String, String> metadata(JsonNode node) throws RejectedRecordException {
    Map<String, String> metadata = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return metadata;
    }
    if (!node.isObject()) {
      throw new RejectedRecordException(STAGE, "JSON field \"metadata\" must be an object of strings");
    }
    for (var entry : node.properties()) {
      if (!entry.getValue().isValueNode()) {
        throw new RejectedRecordException(STAGE, "JSON metadata value \"" + entry.getKey() + "\" must be a scalar");
      }
      // (Jackson itself refuses a key with an unpaired surrogate as malformed JSON)
      metadata.put(entry.getKey(), entry.getValue().isNull() ? "" : wellFormed("metadata value \"" + entry.getKey()
          + "\"", entry.getValue().asText()));
    }
    return metadata;
  }

  private TextDocument avro(byte[] value) throws RejectedRecordException {
    if (AvroCodec.isRegistryWireFormat(value)) {
      return registryAvro(value);
    }
    try {
      return AvroCodec.decodeSingleObject(value, TextDocument.class);
    } catch (IOException e) {
      throw new RejectedRecordException(STAGE, "malformed Avro TextDocument: " + e.getMessage(), e);
    }
  }

  private TextDocument registryAvro(byte[] value) throws RejectedRecordException {
    int id = RegistryCodec.schemaId(value);
    if (registry == null) {
      throw new RejectedRecordException(STAGE, "record is in the schema-registry wire format (schema id " + id
          + ") but no registry is configured; set serialization.registryUrl");
    }
    try {
      return registry.decode(value, TextDocument.class);
    } catch (IOException e) {
      throw new RejectedRecordException(STAGE, "unreadable registry-encoded Avro TextDocument: " + e.getMessage(), e);
    }
  }
}
