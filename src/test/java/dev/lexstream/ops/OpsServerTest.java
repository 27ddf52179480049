package dev.lexstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ops endpoints on a health that has no Kafka Streams yet (the start-up phases). */
class OpsServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Health health = new Health();
  private final MicrometerMetrics metrics = new MicrometerMetrics();
  private OpsServer server;

  @BeforeEach
  void start() {
    server = OpsServer.start("127.0.0.1", 0, metrics::scrape, health);
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void servesPrometheusTextWithLexstreamAndJvmMeters() throws Exception {
    metrics.recordOut("news", Metrics.ENRICHED);
    metrics.recordOut("news", Metrics.ENRICHED);
    metrics.deadLetter("news", "decode");
    HttpResponse<String> r = get(OpsServer.METRICS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body())
        .contains("lexstream_records_total{outcome=\"enriched\",pipeline=\"news\"} 2.0")
        .contains("lexstream_dead_letters_total{pipeline=\"news\",stage=\"decode\"} 1.0")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void notReadyWhileModelsLoadOrWarmUpButLive() throws Exception {
    health.phase(Health.Phase.LOADING_MODELS);
    HttpResponse<String> ready = get(OpsServer.READY);
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.path("status").asText()).isEqualTo("DOWN");
    assertThat(body.path("models").asText()).isEqualTo("loading");
    assertThat(body.path("kafkaStreams").asText()).isEqualTo("not-started");
    assertThat(get(OpsServer.LIVE).statusCode()).isEqualTo(200);

    health.phase(Health.Phase.WARMING_UP);
    assertThat(JSON.readTree(get(OpsServer.READY).body()).path("models").asText()).isEqualTo("warming-up");

    // models ready, but no Kafka Streams RUNNING yet: still not ready
    health.phase(Health.Phase.STARTED);
    assertThat(get(OpsServer.READY).statusCode()).isEqualTo(503);
    assertThat(get(OpsServer.HEALTH).statusCode()).isEqualTo(503);
    assertThat(health.reachedAt(Health.Phase.WARMING_UP)).isLessThan(health.reachedAt(Health.Phase.STARTED));
  }

  @Test
  void deadModelWorkerOrFailedStartIsNotLive() throws Exception {
    AtomicBoolean alive = new AtomicBoolean(true);
    health.worker("minilm", alive::get);
    assertThat(get(OpsServer.LIVE).statusCode()).isEqualTo(200);
    alive.set(false);
    HttpResponse<String> live = get(OpsServer.LIVE);
    assertThat(live.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(live.body()).path("modelWorkers").path("minilm").asText()).isEqualTo("dead");
    alive.set(true);
    health.phase(Health.Phase.FAILED);
    assertThat(get(OpsServer.LIVE).statusCode()).isEqualTo(503);
  }

  @Test
  void answersOnlyGetAndHeadOnKnownPaths() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    assertThat(send(HttpRequest.newBuilder(uri(OpsServer.METRICS)).POST(HttpRequest.BodyPublishers.noBody()).build())
        .statusCode()).isEqualTo(405);
    HttpResponse<String> head = send(HttpRequest.newBuilder(uri(OpsServer.LIVE))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aBusyPortIsAConfigErrorNamingTheKey() throws Exception {
    var config = dev.lexstream.config.ConfigLoader.parse(
        "ops: {port: %d, host: 127.0.0.1}\npipelines: [{name: p, input: p.raw}]\n".formatted(server.port()),
        "busy.yaml", java.util.Map.of());
    dev.lexstream.config.ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        dev.lexstream.config.ConfigException.class,
        () -> dev.lexstream.app.Lexstream.start(config, java.nio.file.Files.createTempDirectory("busy")));
    assertThat(e).isNotNull();
    assertThat(e.path()).isEqualTo("ops.port");
    assertThat(e.getMessage()).contains("cannot listen on 127.0.0.1:" + server.port());
  }
}
