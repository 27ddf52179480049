package dev.lexstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lexstream.app.Lexstream;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.PipelineSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine or cluster here, so the deployment files are checked by parsing them: every
 * manifest is well-formed, the ConfigMap is a valid Lexstream config, and names, ports, probes,
 * images, volumes, grace periods and scaling bounds agree with each other and with the code.
 */
class DeploymentFilesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path K8S = Path.of("k8s");
  private static final int OPS_PORT = 8080;
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

  private static JsonNode yaml(Path file) throws IOException {
    JsonNode node = YAML.readTree(file.toFile());
    assertThat(node).as(file + " is a YAML map").isNotNull();
    return node;
  }

  private static Map<String, JsonNode> manifests() throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        out.put(K8S.relativize(f).toString(), yaml(f));
      }
    }
    return out;
  }

  private static JsonNode byKind(String kind) throws IOException {
    List<JsonNode> found = manifests().values().stream().filter(m -> m.path("kind").asText().equals(kind)).toList();
    assertThat(found).as("one " + kind).hasSize(1);
    return found.get(0);
  }

  private static LexstreamConfig configMapConfig() throws IOException {
    String pipeline = byKind("ConfigMap").path("data").path("pipeline.yaml").asText();
    return ConfigLoader.parse(pipeline, "k8s/configmap.yaml: pipeline.yaml", Map.of());
  }

  private static JsonNode container() throws IOException {
    JsonNode containers = byKind("StatefulSet").path("spec").path("template").path("spec").path("containers");
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    return env;
  }

  @Test
  void everyManifestIsWellFormedAndInTheNamespace() throws IOException {
    Map<String, JsonNode> all = manifests();
    assertThat(all).containsKeys("namespace.yaml", "configmap.yaml", "statefulset.yaml", "service.yaml",
        "service-metrics.yaml", "pdb.yaml", "keda.yaml", "kustomization.yaml", "alternatives/hpa.yaml");
    all.forEach((file, m) -> {
      assertThat(m.path("apiVersion").asText()).as(file + " apiVersion").isNotBlank();
      assertThat(m.path("kind").asText()).as(file + " kind").isNotBlank();
      if (!m.path("kind").asText().equals("Kustomization")) {
        assertThat(m.path("metadata").path("name").asText()).as(file + " metadata.name").isNotBlank();
        if (!CLUSTER_SCOPED.contains(m.path("kind").asText())) {
          assertThat(m.path("metadata").path("namespace").asText()).as(file + " namespace").isEqualTo("lexstream");
        }
      }
    });
    assertThat(byKind("Namespace").path("metadata").path("name").asText()).isEqualTo("lexstream");
  }

  @Test
  void kustomizationListsEveryManifestOutsideAlternatives() throws IOException {
    List<String> resources = new ArrayList<>();
    byKind("Kustomization").path("resources").forEach(r -> resources.add(r.asText()));
    Set<String> expected = new TreeSet<>(manifests().keySet());
    expected.removeIf(f -> f.startsWith("alternatives/") || f.equals("kustomization.yaml"));
    assertThat(new TreeSet<>(resources)).isEqualTo(expected);
  }

  @Test
  void configMapHoldsAValidPipelineConfigServingOpsOnTheContainerPort() throws IOException {
    LexstreamConfig config = configMapConfig();
    assertThat(config.ops().port()).isEqualTo(OPS_PORT);
    assertThat(config.pipelines()).isNotEmpty();
    assertThat(config.kafka().properties()).containsKey("num.standby.replicas");
    JsonNode port = container().path("ports").get(0);
    assertThat(port.path("containerPort").asInt()).isEqualTo(OPS_PORT);
    assertThat(port.path("name").asText()).isEqualTo("http-ops");
    assertThat(env(container())).containsKey("LEXSTREAM_KAFKA_BOOTSTRAP");
    // the file the container reads is the ConfigMap's key, mounted where args point
    JsonNode c = container();
    assertThat(c.path("args").toString()).contains("/etc/lexstream/pipeline.yaml");
    assertThat(c.path("volumeMounts").findValuesAsText("mountPath")).contains("/etc/lexstream");
  }

  @Test
  void probesHitTheOpsServersHealthEndpoints() throws IOException {
    JsonNode c = container();
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo(OpsServer.LIVE);
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo(OpsServer.READY);
    assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo(OpsServer.LIVE);
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(c.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo("http-ops");
    }
    // the startup probe leaves time for a cold start (JVM, model extraction)
    JsonNode startup = c.path("startupProbe");
    assertThat(startup.path("periodSeconds").asInt() * startup.path("failureThreshold").asInt()).isGreaterThanOrEqualTo(120);
  }

  @Test
  void statefulSetRequestsAGpuAndResourcesAndKeepsStateOnAVolume() throws IOException {
    JsonNode sts = byKind("StatefulSet");
    JsonNode pod = sts.path("spec").path("template").path("spec");
    JsonNode resources = container().path("resources");
    assertThat(resources.path("requests").path("cpu").asText()).isNotBlank();
    assertThat(resources.path("requests").path("memory").asText()).isNotBlank();
    assertThat(resources.path("limits").path("memory").asText()).isNotBlank();
    // extended resources: the request must equal the limit
    assertThat(resources.path("limits").path("nvidia.com/gpu").asText()).isEqualTo("1");
    assertThat(resources.path("requests").path("nvidia.com/gpu").asText()).isEqualTo("1");
    assertThat(pod.path("nodeSelector").path("nvidia.com/gpu.present").asText()).isEqualTo("true");
    assertThat(pod.path("tolerations").findValuesAsText("key")).contains("nvidia.com/gpu");
    // the GPU image variant of the same image the compose file builds
    String image = container().path("image").asText();
    assertThat(image).isEqualTo("lexstream:cuda");
    assertThat(dockerfile()).contains("ARG VARIANT=cpu").contains("runtime-cuda").contains("FROM runtime-${VARIANT}");

    // RocksDB state under the work dir, on the claim template
    String work = dockerEnv().get("LEXSTREAM_WORK");
    JsonNode mounts = container().path("volumeMounts");
    String stateVolume = null;
    for (JsonNode m : mounts) {
      if (m.path("mountPath").asText().equals(work)) {
        stateVolume = m.path("name").asText();
      }
    }
    assertThat(stateVolume).as("a volume mounted at " + work).isNotNull();
    assertThat(sts.path("spec").path("volumeClaimTemplates").findValuesAsText("name")).contains(stateVolume);
    assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(10001);
    assertThat(dockerfile()).contains("USER 10001");

    // graceful termination longer than the drain + close of a SIGTERM
    assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isGreaterThan(Lexstream.maxCloseTime().toSeconds());
    assertThat(sts.path("spec").path("serviceName").asText()).isEqualTo("lexstream");
  }

  @Test
  void servicesAndBudgetSelectThePodsAndTheMetricsPort() throws IOException {
    JsonNode podLabels = byKind("StatefulSet").path("spec").path("template").path("metadata").path("labels");
    for (JsonNode m : manifests().values()) {
      String kind = m.path("kind").asText();
      if (kind.equals("Service")) {
        m.path("spec").path("selector").fields().forEachRemaining(e ->
            assertThat(podLabels.path(e.getKey()).asText()).as("selector " + e.getKey()).isEqualTo(e.getValue().asText()));
        assertThat(m.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http-ops");
      }
      if (kind.equals("PodDisruptionBudget")) {
        m.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e ->
            assertThat(podLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
        assertThat(m.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
      }
    }
    JsonNode headless = manifests().get("service.yaml");
    assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
    JsonNode metrics = manifests().get("service-metrics.yaml");
    assertThat(metrics.path("metadata").path("annotations").path("prometheus.io/port").asText()).isEqualTo("" + OPS_PORT);
    assertThat(metrics.path("metadata").path("annotations").path("prometheus.io/path").asText()).isEqualTo(OpsServer.METRICS);
    JsonNode monitor = manifests().get("alternatives/servicemonitor.yaml");
    monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e ->
        assertThat(metrics.path("metadata").path("labels").path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
  }

  @Test
  void scalingOnLagTargetsTheStatefulSetsConsumerGroupWithinThePartitions() throws IOException {
    LexstreamConfig config = configMapConfig();
    JsonNode keda = byKind("ScaledObject");
    assertThat(keda.path("spec").path("scaleTargetRef").path("kind").asText()).isEqualTo("StatefulSet");
    assertThat(keda.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("lexstream");
    int max = keda.path("spec").path("maxReplicaCount").asInt();
    assertThat(max).isBetween(1, config.kafka().partitions());
    assertThat(keda.path("spec").path("minReplicaCount").asInt()).isBetween(1, max);
    JsonNode trigger = keda.path("spec").path("triggers").get(0);
    assertThat(trigger.path("type").asText()).isEqualTo("kafka");
    JsonNode meta = trigger.path("metadata");
    assertThat(meta.path("consumerGroup").asText()).isEqualTo(config.kafka().applicationId());
    assertThat(meta.path("bootstrapServers").asText()).isEqualTo(env(container()).get("LEXSTREAM_KAFKA_BOOTSTRAP"));
    assertThat(config.pipelines().stream().map(PipelineSettings::input)).contains(meta.path("topic").asText());
    assertThat(meta.path("allowIdleConsumers").asText()).isEqualTo("false");

    JsonNode hpa = byKind("HorizontalPodAutoscaler");
    assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("lexstream");
    assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(max);
    JsonNode selector = hpa.path("spec").path("metrics").get(0).path("external").path("metric").path("selector");
    assertThat(selector.path("matchLabels").path("consumergroup").asText()).isEqualTo(config.kafka().applicationId());
    assertThat(selector.path("matchLabels").path("topic").asText()).isEqualTo(meta.path("topic").asText());
  }

  // ---- docker-compose.yml, Dockerfile, Prometheus ----

  private static String dockerfile() throws IOException {
    return Files.readString(Path.of("Dockerfile"));
  }

  /** ENV keys and values of the Dockerfile (continuation lines joined). */
  private static Map<String, String> dockerEnv() throws IOException {
    String joined = dockerfile().replace("\\\n", " ");
    Map<String, String> env = new HashMap<>();
    Matcher line = Pattern.compile("(?m)^ENV\\s+(.*)$").matcher(joined);
    Pattern pair = Pattern.compile("([A-Z_]+)=(\"[^\"]*\"|\\S+)");
    while (line.find()) {
      Matcher p = pair.matcher(line.group(1));
      while (p.find()) {
        env.put(p.group(1), p.group(2).replace("\"", ""));
      }
    }
    return env;
  }

  @Test
  void dockerfileBuildsWithMavenRunsOnAJreOfflineAndServesOps() throws IOException {
    String d = dockerfile();
    assertThat(d).contains("FROM maven:3.9-eclipse-temurin-17 AS build").contains("FROM eclipse-temurin:17-jre");
    assertThat(d).contains("-P${VARIANT}").contains("-Dai.djl.offline=true").contains("COPY config /app/config");
    assertThat(d).contains("EXPOSE " + OPS_PORT).contains(OpsServer.LIVE);
    Map<String, String> env = dockerEnv();
    assertThat(env).containsEntry("LEXSTREAM_OPS_PORT", "" + OPS_PORT).containsEntry("LEXSTREAM_WORK", "/var/lib/lexstream");
    assertThat(Files.readString(Path.of("pom.xml"))).contains("<id>cuda</id>").contains("<id>cpu</id>")
        .contains("onnxruntime_gpu");
  }

  @Test
  void composeRunsKraftKafkaRegistryInitLexstreamAndPrometheus() throws IOException {
    JsonNode compose = yaml(Path.of("docker-compose.yml"));
    JsonNode services = compose.path("services");
    assertThat(services.fieldNames()).toIterable()
        .contains("kafka", "kafka-init", "schema-registry", "lexstream", "prometheus", "grafana");
    assertThat(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText()).contains("controller");

    JsonNode lex = services.path("lexstream");
    assertThat(lex.path("image").asText()).isEqualTo("lexstream:latest");
    assertThat(lex.path("build").path("context").asText()).isEqualTo(".");
    assertThat(lex.path("environment").path("LEXSTREAM_OPS_PORT").asText()).isEqualTo("" + OPS_PORT);
    assertThat(lex.path("ports").toString()).contains("" + OPS_PORT);
    assertThat(lex.path("healthcheck").path("test").toString()).contains(":" + OPS_PORT + OpsServer.READY);
    assertThat(lex.path("depends_on").path("kafka-init").path("condition").asText())
        .isEqualTo("service_completed_successfully");
    assertThat(lex.path("stop_grace_period").asText()).matches("\\d+s");
    assertThat(Long.parseLong(lex.path("stop_grace_period").asText().replace("s", "")))
        .isGreaterThan(Lexstream.maxCloseTime().toSeconds());
    // the GPU reservation is there, commented in
    assertThat(Files.readString(Path.of("docker-compose.yml"))).contains("#         - driver: nvidia")
        .contains("#           capabilities: [gpu]");

    // the config it runs, from the image's /app/config = the repository's config/
    String configPath = lex.path("command").get(2).asText();
    assertThat(configPath).startsWith("/app/config/");
    LexstreamConfig config = ConfigLoader.load(Path.of(configPath.substring("/app/".length())),
        Map.of("LEXSTREAM_KAFKA_BOOTSTRAP", lex.path("environment").path("LEXSTREAM_KAFKA_BOOTSTRAP").asText()));
    assertThat(config.kafka().bootstrap()).isEqualTo("kafka:9092");

    // the init step creates exactly the pipeline's topics, with the config's partition count
    String init = services.path("kafka-init").path("command").toString();
    for (PipelineSettings p : config.pipelines()) {
      for (String topic : List.of(p.input(), p.output(), p.quarantine(), p.deadLetter())) {
        assertThat(init).contains(topic);
      }
    }
    assertThat(init).contains("--partitions " + config.kafka().partitions());
    // a config that translates with Apertium needs it in the image (both variants)
    if (config.pipelines().stream().anyMatch(p -> p.translate() != null
        && p.translate().backend() == dev.lexstream.config.TranslateSettings.Backend.APERTIUM)) {
      String d = dockerfile();
      assertThat(d.split("apertium-eng-spa", -1)).as("apertium in both runtime stages").hasSize(3);
    }

    // Prometheus scrapes the ops port and path; its config file and Grafana's files exist
    JsonNode prometheus = services.path("prometheus");
    String mount = prometheus.path("volumes").get(0).asText();
    Path prometheusConfig = Path.of(mount.substring(2, mount.indexOf(':')));
    JsonNode scrape = yaml(prometheusConfig).path("scrape_configs").get(0);
    assertThat(scrape.path("metrics_path").asText()).isEqualTo(OpsServer.METRICS);
    assertThat(scrape.path("dns_sd_configs").get(0).path("port").asInt()).isEqualTo(OPS_PORT);
    assertThat(scrape.path("dns_sd_configs").get(0).path("names").get(0).asText()).isEqualTo("lexstream");
    for (JsonNode volume : services.path("grafana").path("volumes")) {
      String v = volume.asText();
      assertThat(Path.of(v.substring(2, v.indexOf(':')))).exists();
    }
  }
}
