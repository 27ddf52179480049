package dev.lexstream.serde.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParseException;

/**
 * A schema registry for tests, on the JDK's HTTP server: the endpoints and error bodies that
 * Confluent Schema Registry documents (and Apicurio's ccompat API, Karapace and Redpanda follow),
 * with global ids shared across subjects, BACKWARD compatibility checked with Avro's own
 * {@link SchemaCompatibility}, a 409 in Confluent's words, and fault injection (5xx, slow answers,
 * basic auth). Optionally served under a path prefix (as Apicurio serves {@code /apis/ccompat/v7}) and over TLS.
 */
public final class FakeSchemaRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
  private static final Pattern LOOKUP = Pattern.compile("/subjects/([^/]+)");
  private static final Pattern VERSION = Pattern.compile("/subjects/([^/]+)/versions/([^/]+)");
  private static final Pattern BY_ID = Pattern.compile("/schemas/ids/([^/]+)");
  private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final String prefix;
  private final String scheme;

  private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
  private final Map<Integer, String> schemasById = new LinkedHashMap<>();
  private final Map<String, Integer> idsBySchema = new LinkedHashMap<>();
  private final Map<Integer, String> typesById = new LinkedHashMap<>();
  private final Map<Integer, JsonNode> referencesById = new LinkedHashMap<>();
  private int nextId;

  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 503;
  private volatile int failureCode = 50001;
  private volatile String failureMessage = "Error in the backend data store";
  private final AtomicInteger slowLeft = new AtomicInteger();
  private volatile Duration slowness = Duration.ZERO;
  private volatile String expectedAuthorization;
  private volatile boolean detailedMessages = true;
  private final AtomicLong served = new AtomicLong();

  private FakeSchemaRegistry(HttpServer server, String prefix, String scheme, int firstId) {
    this.server = server;
    this.prefix = prefix;
    this.scheme = scheme;
    this.nextId = firstId;
    server.createContext(prefix.isEmpty() ? "/" : prefix, this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A registry on a free local port, answering at the root, with ids from 1. */
  public static FakeSchemaRegistry start() throws IOException {
    return start("", 1);
  }

  /** A registry whose API lives under {@code prefix} (e.g. {@code /apis/ccompat/v7}), first id {@code firstId}. */
  public static FakeSchemaRegistry start(String prefix, int firstId) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    return new FakeSchemaRegistry(server, prefix, "http", firstId);
  }

  /** The same over https, with the server certificate of {@code context}. */
  public static FakeSchemaRegistry startTls(SSLContext context) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new FakeSchemaRegistry(server, "", "https", 1);
  }

  public String url() {
    return scheme + "://localhost:" + server.getAddress().getPort() + prefix;
  }

  /** A schema registered by some other writer (not through the client under test); returns its id. */
  public synchronized int registerDirectly(String subject, String schemaJson) {
    Schema schema = new Schema.Parser().parse(schemaJson);
    return add(subject, schema.toString());
  }

  /**
   * A schema stored as given, unparsed: of another {@code schemaType} ({@code PROTOBUF}, {@code JSON}) or
   * text that is not valid Avro, as other producers may register. Returns its id.
   */
  public synchronized int registerRaw(String subject, String schemaType, String schema) {
    int id = add(subject, schema);
    typesById.put(id, schemaType);
    return id;
  }

  /**
   * An Avro schema that refers to a type of another subject's version 1 (schema references, as
   * Confluent 5.5+ stores them); returns its id.
   */
  public synchronized int registerReferencing(String subject, String schema, String typeName, String referencedSubject) {
    int id = add(subject, schema);
    referencesById.put(id, JSON.createArrayNode().add(JSON.createObjectNode()
        .put("name", typeName).put("subject", referencedSubject).put("version", 1)));
    return id;
  }

  /** The next {@code n} requests fail with {@code status} (5xx) and an error body. */
  public void failNext(int n, int status) {
    failNext(n, status, status * 100 + 1, "Error in the backend data store");
  }

  /** The next {@code n} requests fail with this status and error body. */
  public void failNext(int n, int status, int errorCode, String message) {
    failureStatus = status;
    failureCode = errorCode;
    failureMessage = message;
    failuresLeft.set(n);
  }

  /** The next {@code n} requests answer only after {@code delay}. */
  public void slowNext(int n, Duration delay) {
    slowness = delay;
    slowLeft.set(n);
  }

  /** Requires HTTP basic authentication from now on; {@code user} null lets anyone in again. */
  public void requireBasicAuth(String user, String password) {
    expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a 409 message carries Confluent's details (field names); false answers a bare message. */
  public void detailedMessages(boolean detailed) {
    detailedMessages = detailed;
  }

  /** {@code METHOD path} of every request, in order. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  public synchronized List<Integer> versions(String subject) {
    return List.copyOf(subjects.getOrDefault(subject, List.of()));
  }

  public synchronized String schema(int id) {
    return schemasById.get(id);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- the API ----

  private void handle(HttpExchange exchange) throws IOException {
    try {
      dispatch(exchange);
    } catch (RuntimeException e) {
      error(exchange, 500, 50001, "Internal error: " + e);
    } finally {
      exchange.close();
    }
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    {
      served.incrementAndGet();
      String path = exchange.getRequestURI().getRawPath().substring(prefix.length());
      String method = exchange.getRequestMethod();
      requests.add(method + " " + path);
      if (slowLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        sleep(slowness);
      }
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        error(exchange, failureStatus, failureCode, failureMessage);
        return;
      }
      String auth = expectedAuthorization;
      if (auth != null && !auth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        error(exchange, 401, 401, "Unauthorized");
        return;
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (method.equals("POST")) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !(type.startsWith("application/vnd.schemaregistry.v1+json")
            || type.startsWith("application/vnd.schemaregistry+json") || type.startsWith("application/json"))) {
          error(exchange, 415, 415, "HTTP 415 Unsupported Media Type");
          return;
        }
      }
      Matcher m;
      if (method.equals("POST") && (m = REGISTER.matcher(path)).matches()) {
        register(exchange, decode(m.group(1)), body);
      } else if (method.equals("POST") && (m = COMPATIBILITY.matcher(path)).matches()) {
        compatibility(exchange, decode(m.group(1)), body);
      } else if (method.equals("POST") && (m = LOOKUP.matcher(path)).matches()) {
        lookup(exchange, decode(m.group(1)), body);
      } else if (method.equals("GET") && (m = VERSION.matcher(path)).matches()) {
        version(exchange, decode(m.group(1)), decode(m.group(2)));
      } else if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
        byId(exchange, m.group(1));
      } else if (method.equals("GET") && path.equals("/subjects")) {
        synchronized (this) {
          send(exchange, 200, JSON.valueToTree(subjects.keySet()));
        }
      } else {
        error(exchange, 404, 404, "HTTP 404 Not Found");
      }
    }
  }

  private synchronized void register(HttpExchange exchange, String subject, byte[] body) throws IOException {
    Schema schema = parseBody(exchange, body);
    if (schema == null) {
      return;
    }
    String canonical = schema.toString();
    List<Integer> versions = subjects.getOrDefault(subject, List.of());
    for (int id : versions) {
      if (schemasById.get(id).equals(canonical)) {
        send(exchange, 200, JSON.createObjectNode().put("id", id));
        return;
      }
    }
    if (!versions.isEmpty()) {
      Schema latest = new Schema.Parser().parse(schemasById.get(versions.get(versions.size() - 1)));
      var result = SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getResult();
      if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
        String message = "Schema being registered is incompatible with an earlier schema for subject \""
            + subject + "\"";
        if (detailedMessages) {
          List<String> details = new ArrayList<>();
          for (Incompatibility i : result.getIncompatibilities()) {
            details.add("{errorType:'" + i.getType() + "', description:'" + describe(i) + "', additionalInfo:'"
                + i.getMessage() + "'}");
          }
          details.add("{oldSchemaVersion: " + versions.size() + "}");
          details.add("{compatibility: 'BACKWARD'}");
          message += ", details: " + details;
        }
        error(exchange, 409, 409, message);
        return;
      }
    }
    send(exchange, 200, JSON.createObjectNode().put("id", add(subject, canonical)));
  }

  private static String describe(Incompatibility i) {
    if (i.getType() == SchemaCompatibility.SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE) {
      return "The field '" + i.getMessage() + "' at path '" + i.getLocation()
          + "' in the new schema has no default value and is missing in the old schema";
    }
    return i.getType() + " at path '" + i.getLocation() + "'";
  }

  private synchronized void lookup(HttpExchange exchange, String subject, byte[] body) throws IOException {
    Schema schema = parseBody(exchange, body);
    if (schema == null) {
      return;
    }
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      error(exchange, 404, 40401, "Subject '" + subject + "' not found.");
      return;
    }
    for (int v = 0; v < versions.size(); v++) {
      int id = versions.get(v);
      if (schemasById.get(id).equals(schema.toString())) {
        send(exchange, 200, subjectVersion(subject, v + 1, id));
        return;
      }
    }
    error(exchange, 404, 40403, "Schema not found");
  }

  private synchronized void version(HttpExchange exchange, String subject, String version) throws IOException {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      error(exchange, 404, 40401, "Subject '" + subject + "' not found.");
      return;
    }
    int v;
    if (version.equals("latest") || version.equals("-1")) {
      v = versions.size();
    } else {
      try {
        v = Integer.parseInt(version);
      } catch (NumberFormatException e) {
        error(exchange, 422, 42202, "The specified version '" + version + "' is not a valid version id. "
            + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
        return;
      }
    }
    if (v < 1 || v > versions.size()) {
      error(exchange, 404, 40402, "Version " + version + " not found.");
      return;
    }
    send(exchange, 200, subjectVersion(subject, v, versions.get(v - 1)));
  }

  private synchronized void byId(HttpExchange exchange, String idText) throws IOException {
    String schema = null;
    try {
      schema = schemasById.get(Integer.parseInt(idText));
    } catch (NumberFormatException e) {
      // falls through to not found
    }
    if (schema == null) {
      error(exchange, 404, 40403, "Schema " + idText + " not found");
      return;
    }
    ObjectNode answer = JSON.createObjectNode().put("schema", schema);
    String type = typesById.get(Integer.parseInt(idText));
    if (type != null && !type.equals("AVRO")) {
      // Confluent leaves schemaType out for Avro only
      answer.put("schemaType", type);
    }
    JsonNode references = referencesById.get(Integer.parseInt(idText));
    if (references != null) {
      answer.set("references", references);
    }
    send(exchange, 200, answer);
  }

  private synchronized void compatibility(HttpExchange exchange, String subject, byte[] body) throws IOException {
    Schema schema = parseBody(exchange, body);
    if (schema == null) {
      return;
    }
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      error(exchange, 404, 40401, "Subject '" + subject + "' not found.");
      return;
    }
    Schema latest = new Schema.Parser().parse(schemasById.get(versions.get(versions.size() - 1)));
    var result = SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getResult();
    ObjectNode answer = JSON.createObjectNode()
        .put("is_compatible", result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE);
    var messages = answer.putArray("messages");
    result.getIncompatibilities().forEach(i -> messages.add(describe(i)));
    send(exchange, 200, answer);
  }

  // ---- helpers ----

  private int add(String subject, String canonical) {
    Integer id = idsBySchema.get(canonical);
    if (id == null) {
      id = nextId++;
      idsBySchema.put(canonical, id);
      schemasById.put(id, canonical);
    }
    subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    return id;
  }

  private ObjectNode subjectVersion(String subject, int version, int id) {
    return JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
        .put("schema", schemasById.get(id));
  }

  private Schema parseBody(HttpExchange exchange, byte[] body) throws IOException {
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      error(exchange, 400, 400, "Unrecognized JSON");
      return null;
    }
    JsonNode text = request == null ? null : request.get("schema");
    if (text == null || !text.isTextual()) {
      error(exchange, 422, 42201, "Empty schema");
      return null;
    }
    String type = request.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      error(exchange, 422, 42201, "Invalid schema type " + type);
      return null;
    }
    try {
      return new Schema.Parser().parse(text.textValue());
    } catch (SchemaParseException e) {
      error(exchange, 422, 42201, "Invalid schema " + text.textValue() + ", details: " + e.getMessage());
      return null;
    }
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
    send(exchange, status, JSON.createObjectNode().put("error_code", code).put("message", message));
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
