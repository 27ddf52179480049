package dev.lexstream.serde.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client for the REST API that Confluent Schema Registry, Apicurio's ccompat API, Karapace
 * and Redpanda share: register, look up by id, by subject and schema, by subject and version, and
 * check compatibility. JDK HTTP client and Jackson; retries with exponential backoff on 5xx, 408,
 * 429, timeouts and connection failures (trying the next URL when several are given); ids cached
 * per (subject, schema), schemas per id, and ids whose schema cannot be used. Thread-safe.
 */
public final class SchemaRegistryClient {
  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);

  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /**
   * @param urls         base URLs, each possibly with a path (e.g. {@code http://apicurio:8080/apis/ccompat/v7})
   * @param username     null without basic authentication
   * @param sslContext   null for the JVM's default trust
   * @param retries      further attempts after the first one fails in a way worth retrying
   * @param retryBackoff wait before the first retry; doubled for each next one (at most 30 s)
   */
  public record Options(List<URI> urls, String username, String password, SSLContext sslContext, Duration timeout,
                        int retries, Duration retryBackoff) {
    public Options {
      if (urls == null || urls.isEmpty()) {
        throw new IllegalArgumentException("no schema registry URL");
      }
      urls = List.copyOf(urls);
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(retryBackoff, "retryBackoff");
      if (retries < 0) {
        throw new IllegalArgumentException("retries < 0");
      }
    }

    /** Options for comma-separated URLs with the default timeout (10 s), 3 retries and 200 ms backoff. */
    public static Options of(String urls) {
      return new Options(parseUrls(urls), null, null, null, Duration.ofSeconds(10), 3, Duration.ofMillis(200));
    }

    public Options withBasicAuth(String user, String pass) {
      return new Options(urls, user, pass, sslContext, timeout, retries, retryBackoff);
    }

    public Options withRetries(int n, Duration backoff) {
      return new Options(urls, username, password, sslContext, timeout, n, backoff);
    }

    public Options withTimeout(Duration t) {
      return new Options(urls, username, password, sslContext, t, retries, retryBackoff);
    }

    public Options withSslContext(SSLContext context) {
      return new Options(urls, username, password, context, timeout, retries, retryBackoff);
    }

    @Override
    public String toString() {
      return "Options[urls=" + urls + ", username=" + username + ", timeout=" + timeout + ", retries=" + retries + "]";
    }
  }

  /** A schema as a subject's version holds it. */
  public record SubjectSchema(String subject, int version, int id, Schema schema) {}

  /** Answer of a compatibility check: whether compatible, and the registry's messages when it gave any. */
  public record Compatibility(boolean compatible, List<String> messages) {}

  private record IdKey(String subject, String schema) {}

  private final Options options;
  private final HttpClient http;
  private final String authorization;
  private final AtomicInteger preferredUrl = new AtomicInteger();
  private final Map<IdKey, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
  private final UnusableSchemaIds unusable = new UnusableSchemaIds();
  private final AtomicLong requests = new AtomicLong();

  public SchemaRegistryClient(Options options) {
    this.options = options;
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(options.timeout())
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (options.sslContext() != null) {
      builder.sslContext(options.sslContext());
    }
    this.http = builder.build();
    this.authorization = options.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
        (options.username() + ":" + (options.password() == null ? "" : options.password()))
            .getBytes(StandardCharsets.UTF_8));
  }

  /** Parses comma-separated http(s) URLs. */
  public static List<URI> parseUrls(String urls) {
    if (urls == null || urls.isBlank()) {
      throw new IllegalArgumentException("no schema registry URL");
    }
    List<URI> out = new ArrayList<>();
    for (String u : urls.split(",")) {
      if (u.isBlank()) {
        continue;
      }
      URI uri = URI.create(u.strip());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("'" + u.strip() + "' is not an http:// or https:// URL");
      }
      out.add(uri);
    }
    return out;
  }

  /** An SSL context trusting the certificates of a PKCS12 or JKS trust store. */
  public static SSLContext trustStoreContext(Path path, String password, String type)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, password == null ? null : password.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  public Options options() {
    return options;
  }

  /** HTTP requests sent so far, retries included (for tests and metrics). */
  public long requestCount() {
    return requests.get();
  }

  // ---- the API ----

  /** {@code POST /subjects/{subject}/versions}: registers the schema (or finds it registered) and returns its id. */
  public int register(String subject, Schema schema) {
    IdKey key = new IdKey(subject, schema.toString());
    Integer cached = ids.get(key);
    if (cached != null) {
      return cached;
    }
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    JsonNode answer;
    try {
      answer = call("POST", "/subjects/" + segment(subject) + "/versions", body);
    } catch (RegistryException e) {
      if (e.status() == 409) {
        throw incompatible(subject, schema, e);
      }
      if (e.status() == 422) {
        throw new RegistryException("schema registry refused " + schema.getFullName() + " for subject '" + subject
            + "' as invalid (" + e.errorCode() + "): " + e.getMessage(), e.status(), e.errorCode(), e);
      }
      throw e;
    }
    int id = intField(answer, "id", "register " + subject);
    remember(key, id, schema);
    return id;
  }

  /**
   * {@code POST /subjects/{subject}}: the id and version of this exact schema under the subject.
   *
   * @throws RegistryException 404 with {@link RegistryException#SUBJECT_NOT_FOUND} or
   *     {@link RegistryException#SCHEMA_NOT_FOUND} when it is not registered there
   */
  public SubjectSchema lookup(String subject, Schema schema) {
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    JsonNode answer = call("POST", "/subjects/" + segment(subject), body);
    int id = intField(answer, "id", "lookup " + subject);
    remember(new IdKey(subject, schema.toString()), id, schema);
    return new SubjectSchema(subject, answer.path("version").asInt(-1), id, schema);
  }

  /** The id of the schema under the subject: cached, else registered ({@code autoRegister}) or looked up. */
  public int idFor(String subject, Schema schema, boolean autoRegister) {
    Integer cached = ids.get(new IdKey(subject, schema.toString()));
    if (cached != null) {
      return cached;
    }
    if (autoRegister) {
      return register(subject, schema);
    }
    try {
      return lookup(subject, schema).id();
    } catch (RegistryException e) {
      if (e.isNotFound()) {
        throw new RegistryException(schema.getFullName() + " is not registered under subject '" + subject
            + "' and serialization.autoRegister is false; register it first (" + e.getMessage() + ")",
            e.status(), e.errorCode(), e);
      }
      throw e;
    }
  }

  /**
   * {@code GET /schemas/ids/{id}}: the schema with this id, cached.
   *
   * @throws RegistryException 404 ({@link RegistryException#SCHEMA_NOT_FOUND}) for an unknown id; also when
   *     the schema is not Avro or cannot be parsed. These are remembered ({@link UnusableSchemaIds}): the
   *     next call for the id throws the same failure without a request.
   */
  public Schema schemaById(int id) {
    Schema cached = schemas.get(id);
    if (cached != null) {
      return cached;
    }
    unusable.rethrow(id);
    JsonNode answer;
    try {
      answer = call("GET", "/schemas/ids/" + id, null);
    } catch (RegistryException e) {
      if (e.isNotFound() && e.errorCode() == RegistryException.SCHEMA_NOT_FOUND) {
        throw unusable.unknown(id, new RegistryException("unknown schema id " + id + " (" + e.getMessage() + ")",
            e.status(), e.errorCode(), e));
      }
      // unreachable, 5xx, refused access, or an answer that is not about the id (a 404 for a wrong URL path):
      // asked again next time
      throw e;
    }
    Schema schema;
    try {
      schema = parse(answer, "schema id " + id);
    } catch (RegistryException e) {
      throw unusable.unusable(id, e);
    }
    schemas.putIfAbsent(id, schema);
    return schema;
  }

  /** {@code GET /subjects/{subject}/versions/{version}}; {@code version} is a number or {@code latest}. */
  public SubjectSchema version(String subject, String version) {
    JsonNode answer = call("GET", "/subjects/" + segment(subject) + "/versions/" + segment(version), null);
    int id = intField(answer, "id", "version " + subject);
    Schema schema = parse(answer, "subject '" + subject + "' version " + version);
    schemas.putIfAbsent(id, schema);
    return new SubjectSchema(answer.path("subject").asText(subject), answer.path("version").asInt(-1), id, schema);
  }

  /**
   * {@code POST /compatibility/subjects/{subject}/versions/latest?verbose=true}: whether the schema may be
   * registered next. A subject without versions is compatible.
   */
  public Compatibility checkCompatibility(String subject, Schema schema) {
    ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
    JsonNode answer;
    try {
      answer = call("POST", "/compatibility/subjects/" + segment(subject) + "/versions/latest?verbose=true", body);
    } catch (RegistryException e) {
      if (e.isNotFound() && (e.errorCode() == RegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == RegistryException.VERSION_NOT_FOUND)) {
        return new Compatibility(true, List.of());
      }
      throw e;
    }
    if (!answer.path("is_compatible").isBoolean()) {
      throw new RegistryException("schema registry answered a compatibility check without 'is_compatible'", 200, -1,
          null);
    }
    List<String> messages = new ArrayList<>();
    answer.path("messages").forEach(m -> messages.add(m.asText()));
    return new Compatibility(answer.path("is_compatible").booleanValue(), messages);
  }

  // ---- helpers ----

  private void remember(IdKey key, int id, Schema schema) {
    ids.put(key, id);
    schemas.putIfAbsent(id, schema);
  }

  /** A 409 on register: say which field, from the registry's message or from Avro's check against the latest version. */
  private RegistryException incompatible(String subject, Schema schema, RegistryException e) {
    String registryMessage = e.getMessage();
    String detail = null;
    try {
      SubjectSchema latest = version(subject, "latest");
      List<String> problems = Incompatibilities.check(schema, latest.schema());
      if (!problems.isEmpty()) {
        detail = "incompatible with version " + latest.version() + " (id " + latest.id() + "): "
            + String.join("; ", problems);
      }
    } catch (RuntimeException lookupFailed) {
      log.debug("could not fetch the latest version of {} to explain a 409: {}", subject, lookupFailed.toString());
    }
    if (detail == null) {
      detail = Incompatibilities.fieldInMessage(registryMessage)
          .map(field -> "incompatible change at field '" + field + "'")
          .orElse("incompatible with the registered versions");
    }
    return new RegistryException("schema registry refused " + schema.getFullName() + " for subject '" + subject
        + "' (409): " + detail + "; registry said: " + cut(registryMessage, 400), e.status(), e.errorCode(), e);
  }

  private static Schema parse(JsonNode answer, String what) {
    String type = answer.path("schemaType").asText("AVRO");
    if (!type.equalsIgnoreCase("AVRO")) {
      throw new RegistryException(what + " is a " + type + " schema; Lexstream reads Avro only", 200, -1, null);
    }
    if (answer.path("references").isArray() && !answer.path("references").isEmpty()) {
      throw new RegistryException(what + " uses schema references, which Lexstream does not resolve", 200, -1, null);
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new RegistryException("schema registry answer for " + what + " has no 'schema' text", 200, -1, null);
    }
    try {
      return new Schema.Parser().parse(text.textValue());
    } catch (AvroRuntimeException e) {
      // not only SchemaParseException: an invalid default, for one, is an AvroTypeException
      throw new RegistryException(what + " is not a valid Avro schema: " + e.getMessage(), 200, -1, e);
    }
  }

  private static int intField(JsonNode answer, String field, String what) {
    JsonNode n = answer.get(field);
    if (n == null || !n.canConvertToInt()) {
      throw new RegistryException("schema registry answer to " + what + " has no integer '" + field + "'", 200, -1,
          null);
    }
    return n.intValue();
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** One call with retries; returns the parsed JSON body of a 2xx answer. */
  private JsonNode call(String method, String path, JsonNode body) {
    List<URI> urls = options.urls();
    int first = Math.floorMod(preferredUrl.get(), urls.size());
    RegistryException last = null;
    for (int attempt = 0; attempt <= options.retries(); attempt++) {
      if (attempt > 0) {
        sleep(backoff(attempt));
      }
      int index = (first + attempt) % urls.size();
      URI uri = resolve(urls.get(index), path);
      try {
        JsonNode answer = once(method, uri, body);
        preferredUrl.set(index);
        return answer;
      } catch (RegistryException e) {
        if (!e.isUnavailable()) {
          throw e;
        }
        last = e;
        log.debug("schema registry {} {} failed (attempt {} of {}): {}", method, uri, attempt + 1,
            options.retries() + 1, e.getMessage());
      }
    }
    throw new RegistryException(last.getMessage() + " (gave up after " + (options.retries() + 1) + " attempt"
        + (options.retries() == 0 ? "" : "s") + ")", last.status(), last.errorCode(), last);
  }

  private Duration backoff(int attempt) {
    Duration d = options.retryBackoff();
    for (int i = 1; i < attempt && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting to retry a schema registry call", -1, -1, e);
    }
  }

  private static URI resolve(URI base, String path) {
    String b = base.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    return URI.create(b + path);
  }

  private JsonNode once(String method, URI uri, JsonNode body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(options.timeout())
        .header("Accept", ACCEPT);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      byte[] bytes;
      try {
        bytes = JSON.writeValueAsBytes(body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    }
    HttpResponse<byte[]> response;
    requests.incrementAndGet();
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new RegistryException("schema registry " + base(uri) + " did not answer " + method + " "
          + uri.getRawPath() + " within " + options.timeout().toMillis() + " ms", -1, -1, e);
    } catch (IOException e) {
      throw new RegistryException("schema registry " + base(uri) + " unreachable: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), -1, -1, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted during a schema registry call", -1, -1, e);
    }
    int status = response.statusCode();
    JsonNode answer = readJson(response.body());
    if (status >= 200 && status < 300) {
      if (answer == null) {
        throw new RegistryException("schema registry " + base(uri) + " answered " + method + " " + uri.getRawPath()
            + " with a body that is not JSON", status, -1, null);
      }
      return answer;
    }
    int code = answer == null ? -1 : answer.path("error_code").asInt(-1);
    String message = answer == null ? null : answer.path("message").asText(null);
    if (message == null) {
      message = cut(new String(response.body(), StandardCharsets.UTF_8).strip(), 200);
    }
    String text = "schema registry " + base(uri) + " answered " + method + " " + uri.getRawPath() + " with "
        + status + (code < 0 ? "" : " (error " + code + ")") + ": " + message + hint(status);
    throw new RegistryException(text, status, code, null);
  }

  private static String hint(int status) {
    return switch (status) {
      case 401 -> " (check serialization.basicAuth or LEXSTREAM_REGISTRY_USERNAME/PASSWORD)";
      case 403 -> " (the registry user lacks the permission)";
      default -> "";
    };
  }

  private static String base(URI uri) {
    return uri.getScheme() + "://" + uri.getAuthority();
  }

  private static JsonNode readJson(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  private static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
