package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.AvroJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code lexstream demo} end to end, in this JVM: embedded broker, the demo config, the built-in samples. */
class DemoCommandTest {
  @Test
  void printsOneJsonLinePerOutcomeAndExitsZero() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(cli.execute("demo")).isZero();

    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      lines.add(AvroJson.MAPPER.readTree(line));
    }
    assertThat(lines).hasSize(32);
    assertThat(lines).filteredOn(l -> l.get("outcome").asText().equals("dlq"))
        .extracting(l -> l.get("stage").asText()).containsExactlyInAnyOrder("decode", "decode", "decode", "validate", "validate");
    assertThat(lines).filteredOn(l -> l.get("outcome").asText().equals("quarantine"))
        .extracting(l -> l.get("id").asText()).contains("chat-03");
    JsonNode pii = lines.stream().filter(l -> "ticket-07".equals(l.path("id").asText())).findFirst().orElseThrow();
    assertThat(pii.get("text").asText()).contains("<EMAIL>").doesNotContain("jane.doe@example.com");
    assertThat(out.toString()).doesNotContain("jane.doe@example.com").doesNotContain("7946 0958");
    JsonNode sports = lines.stream().filter(l -> "news-02".equals(l.path("id").asText())).findFirst().orElseThrow();
    assertThat(sports.at("/classifications/0/label").asText()).isEqualTo("Sports");
  }

  @Test
  void laterRoundsOfTheSamplesCarryNewIdsInKeyAndValue() {
    List<DemoSamples.Sample> samples = DemoSamples.all(1_000);
    List<DemoSamples.Sample> inputs = DemoCommand.inputs(samples, 3 * samples.size());

    Map<String, Integer> renamedByFormat = new TreeMap<>();
    for (int i = 0; i < samples.size(); i++) {
      DemoSamples.Sample first = inputs.get(i);
      DemoSamples.Sample second = inputs.get(i + samples.size());
      DemoSamples.Sample third = inputs.get(i + 2 * samples.size());
      assertThat(first).isSameAs(samples.get(i));
      assertThat(second.key()).isEqualTo(first.key() + "-r1");
      assertThat(third.key()).isEqualTo(first.key() + "-r2");
      String[] firstId = valueId(first.value());
      if (firstId == null) {
        // plain text and poison records carry no id Lexstream reads: the key alone tells them apart
        assertThat(second.value()).isEqualTo(first.value());
        continue;
      }
      assertThat(firstId[1]).isEqualTo(first.key());
      assertThat(valueId(second.value())).containsExactly(firstId[0], second.key());
      assertThat(valueId(third.value())).containsExactly(firstId[0], third.key());
      renamedByFormat.merge(firstId[0], 1, Integer::sum);
    }
    assertThat(renamedByFormat).containsOnlyKeys("avro", "json").allSatisfy((format, n) -> assertThat(n).isPositive());
  }

  /** {format, id} of a JSON object's or single-object Avro TextDocument's id; null for a value without one. */
  private static String[] valueId(byte[] value) {
    try {
      if (AvroCodec.isSingleObject(value)) {
        return new String[] {"avro", AvroCodec.decodeSingleObject(value, TextDocument.class).getId()};
      }
      JsonNode node = AvroJson.MAPPER.readTree(value);
      return node != null && node.hasNonNull("id") ? new String[] {"json", node.get("id").asText()} : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
