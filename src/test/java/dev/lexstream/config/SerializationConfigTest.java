package dev.lexstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.config.SerializationSettings.Registry;
import dev.lexstream.config.SerializationSettings.SubjectStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code serialization:} section: registry client settings, their defaults, env overrides and errors. */
class SerializationConfigTest {
  private static final String PIPELINES = "pipelines: [{name: p, input: in}]\n";

  private static SerializationSettings parse(String serialization, Map<String, String> env) {
    return ConfigLoader.parse(serialization + PIPELINES, "test.yaml", env).serialization();
  }

  private static ConfigException error(String serialization, Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.parse(serialization + PIPELINES, "test.yaml", env));
    assertThat(e).as("expected a ConfigException").isNotNull();
    assertThat(e.getMessage()).doesNotContain("\n").startsWith(e.path() + ": ").contains("; ");
    return e;
  }

  private static ConfigException error(String serialization) {
    return error(serialization, Map.of());
  }

  @Test
  void defaultsWhenOnlyFormatAndUrlAreGiven() {
    SerializationSettings s = parse("serialization: {format: registry, registryUrl: 'http://r:8081'}\n", Map.of());
    assertThat(s.format()).isEqualTo(Format.REGISTRY);
    assertThat(s.registryUrl()).isEqualTo("http://r:8081");
    assertThat(s.registry()).isEqualTo(Registry.defaults());
    assertThat(s.registry().subjectStrategy()).isEqualTo(SubjectStrategy.TOPIC);
    assertThat(s.registry().autoRegister()).isTrue();
    assertThat(s.registry().keys()).isFalse();
    assertThat(s.registry().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.registry().retries()).isEqualTo(3);
    assertThat(s.registry().basicAuth()).isNull();
    assertThat(s.registry().truststore()).isNull();
  }

  @Test
  void readsEveryRegistryKey(@TempDir Path dir) throws Exception {
    Path store = Files.write(dir.resolve("trust.p12"), new byte[] {1});
    SerializationSettings s = parse("""
        serialization:
          format: registry
          registryUrl: https://a:8081, https://b:8081
          subjectStrategy: topic-record
          autoRegister: false
          keys: true
          basicAuth: {username: lex, password: pw}
          truststore: {path: '%s', password: changeit, type: jks}
          timeout: 2s
          retries: 5
          retryBackoff: 50ms
        """.formatted(store), Map.of());
    Registry r = s.registry();
    assertThat(s.registryUrl()).isEqualTo("https://a:8081, https://b:8081");
    assertThat(r.subjectStrategy()).isEqualTo(SubjectStrategy.TOPIC_RECORD);
    assertThat(r.autoRegister()).isFalse();
    assertThat(r.keys()).isTrue();
    assertThat(r.basicAuth()).isEqualTo(new SerializationSettings.BasicAuth("lex", "pw"));
    assertThat(r.basicAuth().toString()).doesNotContain("pw");
    assertThat(r.truststore()).isEqualTo(new SerializationSettings.Truststore(store.toString(), "changeit", "JKS"));
    assertThat(r.truststore().toString()).doesNotContain("changeit");
    assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.retries()).isEqualTo(5);
    assertThat(r.retryBackoff()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void environmentOverridesFormatUrlAndSecrets() {
    SerializationSettings s = parse("serialization: {basicAuth: {username: file-user, password: file-pw}}\n", Map.of(
        SerializationSettings.ENV_FORMAT, "registry",
        SerializationSettings.ENV_REGISTRY_URL, "http://registry:8081",
        SerializationSettings.ENV_REGISTRY_PASSWORD, "env-pw"));
    assertThat(s.format()).isEqualTo(Format.REGISTRY);
    assertThat(s.registryUrl()).isEqualTo("http://registry:8081");
    assertThat(s.registry().basicAuth()).isEqualTo(new SerializationSettings.BasicAuth("file-user", "env-pw"));

    SerializationSettings fromEnvOnly = parse("", Map.of(SerializationSettings.ENV_REGISTRY_URL, "http://r:1",
        SerializationSettings.ENV_REGISTRY_USERNAME, "u", SerializationSettings.ENV_REGISTRY_PASSWORD, "p"));
    assertThat(fromEnvOnly.format()).isEqualTo(Format.SINGLE_OBJECT);
    assertThat(fromEnvOnly.registryUrl()).as("a registry for registry-encoded input").isEqualTo("http://r:1");
    assertThat(fromEnvOnly.registry().basicAuth()).isEqualTo(new SerializationSettings.BasicAuth("u", "p"));
  }

  @Test
  void badEnvironmentValuesSayWhereTheyCameFrom() {
    ConfigException format = error("", Map.of(SerializationSettings.ENV_FORMAT, "avro"));
    assertThat(format.getMessage()).isEqualTo("serialization.format: 'avro' (from LEXSTREAM_SERIALIZATION_FORMAT) "
        + "is not allowed; allowed: single-object, registry, json");
    ConfigException url = error("", Map.of(SerializationSettings.ENV_REGISTRY_URL, "registry:8081"));
    assertThat(url.getMessage()).startsWith("serialization.registryUrl: 'registry:8081' (from LEXSTREAM_REGISTRY_URL) "
        + "is not a URL");
  }

  @Test
  void rejectsUnknownSubjectStrategy() {
    ConfigException e = error("serialization: {subjectStrategy: TopicNameStrategy}\n");
    assertThat(e.getMessage()).isEqualTo("serialization.subjectStrategy: 'TopicNameStrategy' is not allowed; "
        + "allowed: topic, record, topic-record");
  }

  @Test
  void keysNeedTheRegistryFormat() {
    ConfigException e = error("serialization: {format: json, keys: true}\n");
    assertThat(e.path()).isEqualTo("serialization.keys");
    assertThat(e.getMessage()).contains("needs serialization.format: registry");
  }

  @Test
  void booleansAreTrueOrFalse() {
    ConfigException e = error("serialization: {autoRegister: sometimes}\n");
    assertThat(e.path()).isEqualTo("serialization.autoRegister");
    assertThat(e.getMessage()).contains("true or false");
  }

  @Test
  void rejectsBadTimeoutsAndRetries() {
    assertThat(error("serialization: {timeout: 0s}\n").getMessage())
        .isEqualTo("serialization.timeout: '0s' is not positive; allowed: a duration > 0 (e.g. 10s)");
    assertThat(error("serialization: {retryBackoff: soon}\n").path()).isEqualTo("serialization.retryBackoff");
    assertThat(error("serialization: {retries: -1}\n").getMessage())
        .isEqualTo("serialization.retries: -1 is out of range; allowed: an integer from 0 to 20");
    assertThat(error("serialization: {retries: 21}\n").path()).isEqualTo("serialization.retries");
  }

  @Test
  void basicAuthNeedsUserAndPassword() {
    assertThat(error("serialization: {basicAuth: {password: x}}\n").path()).isEqualTo("serialization.basicAuth.username");
    ConfigException noPassword = error("serialization: {basicAuth: {username: u}}\n");
    assertThat(noPassword.path()).isEqualTo("serialization.basicAuth.password");
    assertThat(noPassword.getMessage()).contains("LEXSTREAM_REGISTRY_PASSWORD");
    assertThat(error("serialization: {basicAuth: {username: 'a:b', password: x}}\n").getMessage())
        .contains("contains ':'");
    assertThat(error("serialization: {basicAuth: {user: u}}\n").getMessage())
        .contains("unknown key 'user'; allowed keys: username, password");
  }

  @Test
  void truststoreMustBeAReadableFileOfAKnownType(@TempDir Path dir) throws Exception {
    assertThat(error("serialization: {truststore: {password: x}}\n").path()).isEqualTo("serialization.truststore.path");
    ConfigException missing = error("serialization: {truststore: {path: '" + dir.resolve("nope.p12") + "'}}\n");
    assertThat(missing.path()).isEqualTo("serialization.truststore.path");
    assertThat(missing.getMessage()).contains("is not a readable file");
    Path store = Files.write(dir.resolve("t.p12"), new byte[] {1});
    assertThat(error("serialization: {truststore: {path: '" + store + "', type: PEM}}\n").getMessage())
        .isEqualTo("serialization.truststore.type: 'PEM' is not allowed; allowed: PKCS12, JKS");
  }

  @Test
  void unknownKeyListsTheSerializationKeys() {
    assertThat(error("serialization: {subject: topic}\n").getMessage()).isEqualTo("serialization.subject: unknown key "
        + "'subject'; allowed keys: format, registryUrl, subjectStrategy, autoRegister, keys, basicAuth, truststore, "
        + "timeout, retries, retryBackoff");
  }
}
