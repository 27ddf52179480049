package dev.lexstream.serde.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lexstream.avro.EnrichedText;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client against {@link FakeSchemaRegistry}: endpoints, error bodies, caches, retries, auth, TLS. */
class SchemaRegistryClientTest {
  static final String ORDER_V1 = """
      {"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "double"}]}""";
  static final String ORDER_V2_OK = """
      {"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "note", "type": ["null", "string"], "default": null}]}""";
  static final String ORDER_V2_BREAKING = """
      {"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "priority", "type": "int"}]}""";

  private FakeSchemaRegistry registry;
  private SchemaRegistryClient client;

  @BeforeEach
  void start() throws Exception {
    registry = FakeSchemaRegistry.start("", 100);
    client = client(registry.url(), 3);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private static SchemaRegistryClient client(String urls, int retries) {
    return new SchemaRegistryClient(SchemaRegistryClient.Options.of(urls)
        .withRetries(retries, Duration.ofMillis(10)).withTimeout(Duration.ofSeconds(5)));
  }

  private static Schema schema(String json) {
    return new Schema.Parser().parse(json);
  }

  @Test
  void registersOnceAndCachesTheIdPerSubjectAndSchema() {
    int id = client.register("orders-value", schema(ORDER_V1));
    assertThat(id).isEqualTo(100);
    assertThat(client.register("orders-value", schema(ORDER_V1))).isEqualTo(100);
    assertThat(client.idFor("orders-value", schema(ORDER_V1), false)).isEqualTo(100);
    assertThat(registry.requests()).containsExactly("POST /subjects/orders-value/versions");

    // the same schema under another subject: registered there too, same global id
    assertThat(client.register("archive-value", schema(ORDER_V1))).isEqualTo(100);
    assertThat(registry.versions("archive-value")).containsExactly(100);
    // the id -> schema cache is filled by registering: no GET needed
    assertThat(client.schemaById(100)).isEqualTo(schema(ORDER_V1));
    assertThat(registry.requests()).hasSize(2);
  }

  @Test
  void readsSchemasRegisteredByAnotherWriterAndCachesThem() {
    int id = registry.registerDirectly("orders-value", ORDER_V1);
    assertThat(client.schemaById(id)).isEqualTo(schema(ORDER_V1));
    assertThat(client.schemaById(id)).isEqualTo(schema(ORDER_V1));
    assertThat(registry.requests()).containsExactly("GET /schemas/ids/" + id);
  }

  @Test
  void unknownIdIsA404WithTheRegistrysErrorCode() {
    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.schemaById(4242));
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
    assertThat(e.isNotFound()).isTrue();
    assertThat(e.getMessage()).startsWith("unknown schema id 4242").contains("Schema 4242 not found");
    assertThat(registry.requests()).as("404 is not retried").hasSize(1);
  }

  @Test
  void incompatibleSchemaIsA409ThatNamesTheField() {
    client.register("orders-value", schema(ORDER_V1));
    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client.register("orders-value", schema(ORDER_V2_BREAKING)));
    assertThat(e.status()).isEqualTo(409);
    assertThat(e.getMessage())
        .contains("shop.Order", "subject 'orders-value'", "(409)")
        .contains("field 'priority' is new and has no default value")
        .contains("incompatible with version 1 (id 100)");
    // a compatible change is accepted as version 2
    assertThat(client.register("orders-value", schema(ORDER_V2_OK))).isEqualTo(101);
  }

  @Test
  void incompatibleNestedFieldIsNamedByItsPathEvenWhenTheRegistrySaysLittle() {
    registry.detailedMessages(false);
    Schema v1 = EnrichedText.getClassSchema();
    String changed = v1.toString().replace(
        "{\"name\":\"detector\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"},",
        "{\"name\":\"detector\",\"type\":\"int\",");
    assertThat(changed).isNotEqualTo(v1.toString());
    client.register("e-value", v1);
    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client.register("e-value", schema(changed)));
    assertThat(e.status()).isEqualTo(409);
    assertThat(e.getMessage()).contains("field 'safety.findings.detector'").contains("TYPE_MISMATCH");
  }

  @Test
  void fieldIsTakenFromTheMessageWhenTheLatestVersionCannotBeRead() {
    assertThat(Incompatibilities.fieldInMessage("Schema being registered is incompatible with an earlier schema "
        + "for subject \"x-value\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The "
        + "field 'f2' at path '/fields/1' in the new schema has no default value', additionalInfo:'f2'}]"))
        .contains("f2");
    assertThat(Incompatibilities.fieldInMessage("Incompatible: field \"g\" changed type")).contains("g");
    assertThat(Incompatibilities.fieldInMessage("Incompatible artifact")).isEmpty();
  }

  @Test
  void invalidSchemaIsA422AndNotRetried() {
    registry.failNext(1, 422, 42201, "Invalid schema: bad default");
    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client.register("orders-value", schema(ORDER_V1)));
    assertThat(e.status()).isEqualTo(422);
    assertThat(e.errorCode()).isEqualTo(42201);
    assertThat(e.getMessage()).contains("as invalid (42201)").contains("Invalid schema: bad default");
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void lookupDistinguishesUnknownSubjectAndUnknownSchema() {
    RegistryException noSubject = catchThrowableOfType(RegistryException.class,
        () -> client.lookup("orders-value", schema(ORDER_V1)));
    assertThat(noSubject.errorCode()).isEqualTo(RegistryException.SUBJECT_NOT_FOUND);

    registry.registerDirectly("orders-value", ORDER_V1);
    RegistryException noSchema = catchThrowableOfType(RegistryException.class,
        () -> client.lookup("orders-value", schema(ORDER_V2_OK)));
    assertThat(noSchema.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);

    SchemaRegistryClient.SubjectSchema found = client.lookup("orders-value", schema(ORDER_V1));
    assertThat(found.id()).isEqualTo(100);
    assertThat(found.version()).isEqualTo(1);
  }

  @Test
  void withoutAutoRegisterAMissingSchemaIsAClearError() {
    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client.idFor("orders-value", schema(ORDER_V1), false));
    assertThat(e.getMessage()).contains("shop.Order is not registered under subject 'orders-value'")
        .contains("autoRegister is false");
    assertThat(registry.subjects()).isEmpty();

    int id = registry.registerDirectly("orders-value", ORDER_V1);
    assertThat(client.idFor("orders-value", schema(ORDER_V1), false)).isEqualTo(id);
    assertThat(registry.requests()).allMatch(r -> r.equals("POST /subjects/orders-value"));
  }

  @Test
  void readsVersionsBySubject() {
    registry.registerDirectly("orders-value", ORDER_V1);
    registry.registerDirectly("orders-value", ORDER_V2_OK);
    assertThat(client.version("orders-value", "latest").version()).isEqualTo(2);
    assertThat(client.version("orders-value", "latest").schema()).isEqualTo(schema(ORDER_V2_OK));
    assertThat(client.version("orders-value", "1").id()).isEqualTo(100);
    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.version("orders-value", "7"));
    assertThat(e.errorCode()).isEqualTo(RegistryException.VERSION_NOT_FOUND);
  }

  @Test
  void checksCompatibilityAgainstTheLatestVersion() {
    assertThat(client.checkCompatibility("orders-value", schema(ORDER_V1)).compatible())
        .as("a subject without versions accepts anything").isTrue();
    registry.registerDirectly("orders-value", ORDER_V1);
    assertThat(client.checkCompatibility("orders-value", schema(ORDER_V2_OK)).compatible()).isTrue();
    SchemaRegistryClient.Compatibility breaking = client.checkCompatibility("orders-value", schema(ORDER_V2_BREAKING));
    assertThat(breaking.compatible()).isFalse();
    assertThat(breaking.messages()).anyMatch(m -> m.contains("'priority'"));
    assertThat(registry.requests()).contains("POST /compatibility/subjects/orders-value/versions/latest");
  }

  @Test
  void retries5xxWithBackoffThenSucceeds() {
    registry.failNext(2, 503);
    assertThat(client.register("orders-value", schema(ORDER_V1))).isEqualTo(100);
    assertThat(registry.requests()).hasSize(3);
  }

  @Test
  void givesUpAfterTheRetriesWithTheLastError() {
    registry.failNext(10, 500);
    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client.register("orders-value", schema(ORDER_V1)));
    assertThat(e.status()).isEqualTo(500);
    assertThat(e.isUnavailable()).isTrue();
    assertThat(e.getMessage()).contains("with 500 (error 50001)").contains("gave up after 4 attempts");
    assertThat(registry.requests()).hasSize(4);
  }

  @Test
  void retriesATimeout() {
    SchemaRegistryClient impatient = new SchemaRegistryClient(SchemaRegistryClient.Options.of(registry.url())
        .withRetries(2, Duration.ofMillis(10)).withTimeout(Duration.ofMillis(300)));
    registry.slowNext(1, Duration.ofMillis(1500));
    assertThat(impatient.register("orders-value", schema(ORDER_V1))).isEqualTo(100);
  }

  @Test
  void triesTheNextUrlWhenOneIsUnreachable() {
    SchemaRegistryClient failover = client("http://127.0.0.1:1," + registry.url(), 1);
    assertThat(failover.register("orders-value", schema(ORDER_V1))).isEqualTo(100);
    // the working URL is tried first from now on
    long before = failover.requestCount();
    failover.schemaById(100);
    failover.register("other-value", schema(ORDER_V1));
    assertThat(failover.requestCount() - before).isEqualTo(1);
  }

  @Test
  void unreachableRegistryIsUnavailable() {
    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client("http://127.0.0.1:1", 1).register("orders-value", schema(ORDER_V1)));
    assertThat(e.status()).isEqualTo(-1);
    assertThat(e.isUnavailable()).isTrue();
    assertThat(e.getMessage()).contains("http://127.0.0.1:1 unreachable").contains("gave up after 2 attempts");
  }

  @Test
  void sendsBasicAuthentication() {
    registry.requireBasicAuth("lex", "s3cret:x");
    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client.register("orders-value", schema(ORDER_V1)));
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.getMessage()).contains("basicAuth");
    SchemaRegistryClient authed = new SchemaRegistryClient(SchemaRegistryClient.Options.of(registry.url())
        .withBasicAuth("lex", "s3cret:x"));
    assertThat(authed.register("orders-value", schema(ORDER_V1))).isEqualTo(100);
  }

  @Test
  void worksUnderAPathPrefixAndEncodesSubjects() throws Exception {
    try (FakeSchemaRegistry apicurioLike = FakeSchemaRegistry.start("/apis/ccompat/v7", 1)) {
      SchemaRegistryClient c = client(apicurioLike.url() + "/", 0);
      assertThat(c.register("odd subject/with+chars", schema(ORDER_V1))).isEqualTo(1);
      assertThat(apicurioLike.subjects()).containsExactly("odd subject/with+chars");
      assertThat(c.lookup("odd subject/with+chars", schema(ORDER_V1)).id()).isEqualTo(1);
    }
  }

  @Test
  void trustsARegistryCertificateFromATrustStore(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.copyTo(dir);
    try (FakeSchemaRegistry tls = FakeSchemaRegistry.startTls(certs.serverContext())) {
      assertThat(tls.url()).startsWith("https://");
      SchemaRegistryClient.Options options = new SchemaRegistryClient.Options(List.of(URI.create(tls.url())), null,
          null, SchemaRegistryClient.trustStoreContext(certs.truststore(), certs.password(), "PKCS12"),
          Duration.ofSeconds(5), 0, Duration.ofMillis(10));
      assertThat(new SchemaRegistryClient(options).register("orders-value", schema(ORDER_V1))).isEqualTo(1);

      RegistryException untrusted = catchThrowableOfType(RegistryException.class,
          () -> client(tls.url(), 0).register("orders-value", schema(ORDER_V1)));
      assertThat(untrusted.status()).isEqualTo(-1);
      assertThat(untrusted.getMessage()).contains("SSLHandshakeException");
    }
  }
}
