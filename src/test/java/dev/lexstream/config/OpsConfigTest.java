package dev.lexstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsConfigTest {
  private static final String PIPELINES = "pipelines: [{name: p, input: in}]\n";

  private static LexstreamConfig parse(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(yaml, "test.yaml", env);
  }

  private static ConfigException error(String yaml, Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml, env));
    assertThat(e).as("expected a ConfigException").isNotNull();
    assertThat(e.getMessage()).startsWith(e.path() + ": ").contains("; ").doesNotContain("\n");
    return e;
  }

  @Test
  void noOpsSectionMeansNoServer() {
    LexstreamConfig c = parse(PIPELINES, Map.of());
    assertThat(c.ops()).isEqualTo(OpsSettings.defaults());
    assertThat(c.ops().serverEnabled()).isFalse();
    assertThat(c.ops().host()).isEqualTo("0.0.0.0");
  }

  @Test
  void readsPortAndHost() {
    LexstreamConfig c = parse("ops: {port: 9404, host: 127.0.0.1}\n" + PIPELINES, Map.of());
    assertThat(c.ops()).isEqualTo(new OpsSettings(9404, "127.0.0.1"));
    assertThat(c.ops().serverEnabled()).isTrue();
    assertThat(parse("ops: {port: 0}\n" + PIPELINES, Map.of()).ops().port()).isZero();
  }

  @Test
  void environmentOverridesThePort() {
    assertThat(parse(PIPELINES, Map.of(OpsSettings.ENV_PORT, "8080")).ops().port()).isEqualTo(8080);
    assertThat(parse("ops: {port: 1}\n" + PIPELINES, Map.of(OpsSettings.ENV_PORT, " 9000 ")).ops().port())
        .isEqualTo(9000);
    assertThat(parse("ops: {port: 1}\n" + PIPELINES, Map.of(OpsSettings.ENV_PORT, "")).ops().port()).isEqualTo(1);
  }

  @Test
  void rejectsBadValuesNamingTheKey() {
    ConfigException e = error("ops: {port: 70000}\n" + PIPELINES, Map.of());
    assertThat(e.path()).isEqualTo("ops.port");
    assertThat(e.getMessage()).contains("70000").contains("0 (any free port) to 65535");

    e = error("ops: {port: -1}\n" + PIPELINES, Map.of());
    assertThat(e.path()).isEqualTo("ops.port");

    e = error(PIPELINES, Map.of(OpsSettings.ENV_PORT, "http"));
    assertThat(e.path()).isEqualTo("ops.port");
    assertThat(e.getMessage()).contains("'http' (from LEXSTREAM_OPS_PORT) is not a port");

    e = error("ops: {port: eighty}\n" + PIPELINES, Map.of());
    assertThat(e.path()).isEqualTo("ops.port");
    assertThat(e.getMessage()).contains("an integer");

    e = error("ops: {host: ' '}\n" + PIPELINES, Map.of());
    assertThat(e.path()).isEqualTo("ops.host");

    e = error("ops: {port: 8080, jsonLogs: true}\n" + PIPELINES, Map.of());
    assertThat(e.path()).isEqualTo("ops.jsonLogs");
    assertThat(e.getMessage()).contains("allowed keys: port, host");
  }
}
