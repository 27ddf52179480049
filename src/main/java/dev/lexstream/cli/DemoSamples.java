package dev.lexstream.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.AvroJson;
import dev.lexstream.config.SerializationSettings.Format;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's input: built-in texts (news, reviews, support tickets) in the three input encodings,
 * and a few poison records that must end in the dead-letter topic.
 */
final class DemoSamples {
  /** One input record: key and raw value bytes. */
  record Sample(String key, byte[] value) {}

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private DemoSamples() {}

  static List<Sample> all(int maxTextBytes) {
    List<Sample> samples = new ArrayList<>();
    List<JsonNode> texts = texts();
    AvroCodec avro = new AvroCodec(Format.SINGLE_OBJECT);
    for (int i = 0; i < texts.size(); i++) {
      ObjectNode node = (ObjectNode) texts.get(i);
      String id = node.get("id").asText();
      byte[] value;
      if (i % 8 == 7) {
        // plain text: no id travels, so Lexstream names it <topic>-<partition>-<offset>
        value = node.get("text").asText().getBytes(StandardCharsets.UTF_8);
      } else if (i % 8 == 3) {
        value = avro.encode(TextDocument.newBuilder().setId(id).setText(node.get("text").asText())
            .setLang(node.path("lang").asText(null))
            .setTasks(node.has("tasks") ? AvroJson.MAPPER.convertValue(node.get("tasks"), STRINGS) : null)
            .build());
      } else {
        value = node.toString().getBytes(StandardCharsets.UTF_8);
      }
      samples.add(new Sample(id, value));
    }
    byte[] avroDoc = avro.encode(TextDocument.newBuilder().setId("poison-avro").setText("cut short").build());
    samples.add(new Sample("poison-utf8", new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, ' ', (byte) 0xFF}));
    samples.add(new Sample("poison-empty", "{\"id\": \"poison-empty\", \"text\": \"   \"}".getBytes(StandardCharsets.UTF_8)));
    samples.add(new Sample("poison-oversize", "x".repeat(maxTextBytes + 1).getBytes(StandardCharsets.UTF_8)));
    samples.add(new Sample("poison-json", "{\"id\": \"poison-json\", \"text\": \"unterminated".getBytes(StandardCharsets.UTF_8)));
    samples.add(new Sample("poison-avro", Arrays.copyOf(avroDoc, avroDoc.length - 6)));
    return samples;
  }

  private static List<JsonNode> texts() {
    List<JsonNode> texts = new ArrayList<>();
    try (InputStream in = DemoSamples.class.getResourceAsStream("/demo/samples.jsonl");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          texts.add(AvroJson.MAPPER.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return texts;
  }
}
