package dev.lexstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped logback.xml: LEXSTREAM_LOG_FORMAT picks text lines or one JSON object per line, on stderr. */
class LogFormatTest {
  /** Configures a fresh logback context from the shipped logback.xml, logs two lines, returns stderr. */
  private static String logWith(String format) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      if (format != null) {
        context.putProperty("LEXSTREAM_LOG_FORMAT", format);
      }
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      assertThat(context.getStatusManager().getCopyOfStatusList())
          .noneMatch(s -> s.getLevel() >= Status.WARN);
      assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() >= Status.WARN);
      var log = context.getLogger("dev.lexstream.app.Lexstream");
      log.info("model {} loaded in {} ms", "minilm", 42);
      log.warn("dead-letter pipeline={} id={}", "news", "a1", new IllegalStateException("boom"));
      context.getLogger("org.apache.kafka.clients.Metadata").info("not shown: Kafka logs at WARN");
      assertThat(context.getStatusManager().getCopyOfStatusList()).as("appended without errors")
          .noneMatch(s -> s.getLevel() >= Status.WARN);
    } finally {
      context.stop();
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "text"})
  void textByDefault(String format) throws Exception {
    String out = logWith(format.isEmpty() ? null : format);
    assertThat(out).contains("INFO  [main] dev.lexstream.app.Lexstream - model minilm loaded in 42 ms")
        .contains("java.lang.IllegalStateException: boom").doesNotContain("not shown");
  }

  @Test
  void jsonOneObjectPerLine() throws Exception {
    String[] lines = logWith("json").split("\n");
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode info = json.readTree(lines[0]);
    assertThat(info.path("level").asText()).isEqualTo("INFO");
    assertThat(info.path("loggerName").asText()).isEqualTo("dev.lexstream.app.Lexstream");
    assertThat(info.path("formattedMessage").asText()).isEqualTo("model minilm loaded in 42 ms");
    assertThat(info.path("timestamp").asLong()).isPositive();
    JsonNode warn = json.readTree(lines[1]);
    assertThat(warn.path("level").asText()).isEqualTo("WARN");
    assertThat(warn.path("throwable").path("className").asText()).isEqualTo("java.lang.IllegalStateException");
  }
}
