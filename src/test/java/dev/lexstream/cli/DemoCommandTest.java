package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lexstream.serde.AvroJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
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
}
