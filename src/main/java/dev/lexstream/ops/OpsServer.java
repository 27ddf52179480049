package dev.lexstream.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations HTTP server (the JDK's {@link HttpServer}, two daemon threads):
 * <ul>
 *   <li>{@value #METRICS}: Prometheus text format (version 0.0.4);
 *   <li>{@value #LIVE}: 200 when live, else 503, with a JSON body saying why;
 *   <li>{@value #READY}: 200 when ready, else 503, with a JSON body;
 *   <li>{@value #HEALTH}: both, 200 only when both pass.
 * </ul>
 * Only GET and HEAD are answered; other paths are 404.
 */
public final class OpsServer implements AutoCloseable {
  public static final String METRICS = "/metrics";
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";
  public static final String HEALTH = "/health";

  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private OpsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code host:port} (port 0: any free port).
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static OpsServer start(String host, int port, Supplier<String> metrics, Health health) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve ops endpoints on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "lexstream-ops-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, metrics, health));
    server.start();
    OpsServer ops = new OpsServer(server, executor);
    log.info("ops endpoints on port {}: {} {} {}", ops.port(), METRICS, LIVE, READY);
    return ops;
  }

  /** The bound port (the chosen one when started with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, Supplier<String> metrics, Health health) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case METRICS -> send(exchange, 200, PROMETHEUS_TEXT, metrics.get());
        case LIVE -> check(exchange, health.liveness());
        case READY -> check(exchange, health.readiness());
        case HEALTH, HEALTH + "/" -> {
          Health.Check live = health.liveness();
          Health.Check ready = health.readiness();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("status", live.ok() && ready.ok() ? "UP" : "DOWN");
          body.put("live", status(live));
          body.put("ready", status(ready));
          send(exchange, live.ok() && ready.ok() ? 200 : 503, "application/json", JSON.writeValueAsString(body) + "\n");
        }
        default -> send(exchange, 404, "text/plain; charset=utf-8",
            "not found; try " + METRICS + ", " + LIVE + ", " + READY + "\n");
      }
    } catch (RuntimeException e) {
      log.warn("ops request failed: {}", e.toString());
    }
  }

  private static void check(HttpExchange exchange, Health.Check check) throws IOException {
    send(exchange, check.ok() ? 200 : 503, "application/json", JSON.writeValueAsString(status(check)) + "\n");
  }

  private static Map<String, Object> status(Health.Check check) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", check.ok() ? "UP" : "DOWN");
    body.putAll(check.details());
    return body;
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
