package dev.lexstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lexstream.avro.EnrichedText;
import dev.lexstream.config.ConfigException;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.inference.DeviceSpec;
import dev.lexstream.inference.DjlTextEmbedder;
import dev.lexstream.inference.LoadedModel;
import dev.lexstream.inference.ModelSource;
import dev.lexstream.inference.Models;
import dev.lexstream.batching.BatchingControl;
import dev.lexstream.inference.InferenceExecutor;
import dev.lexstream.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline mixing a fine-tuned text-classification model (TorchScript) and a logistic head
 * trained at start-up on an embedding model (ONNX), with the tiny generated fixtures.
 */
class ModelKindsTopologyTest {
  @TempDir
  Path tmp;

  static String fixture(String name) throws Exception {
    return Path.of(ModelKindsTopologyTest.class.getClassLoader().getResource("fixtures/" + name).toURI())
        .toString().replace("\\", "/");
  }

  private LexstreamConfig config(String extra) throws Exception {
    Path train = Files.writeString(tmp.resolve("train.csv"), """
        text,label
        the team won the final,sports
        the players lost the game,sports
        stock markets fell sharply,business
        the bank rate rose,business
        """);
    return ConfigLoader.parse("models:\n"
        + "  sentiment: { source: \"" + fixture("tiny-cls-pt") + "\", device: cpu }\n"
        + "  encoder: { source: \"" + fixture("tiny-embed-onnx") + "\", device: cpu }\n"
        + "pipelines:\n  - name: news\n    input: news.raw\n    classify:\n"
        + "      - name: mood\n        model: sentiment\n" + extra
        + "      - name: topic\n        model: encoder\n        train: { file: \"" + train.toString().replace("\\", "/")
        + "\" }\n", "test.yaml", Map.of());
  }

  private Map<String, LoadedModel> load(LexstreamConfig config) {
    Map<String, LoadedModel> models = new LinkedHashMap<>();
    config.models().forEach((name, m) -> models.put(name, Models.load(ModelSource.parse(m.source()), DeviceSpec.cpu(),
        Path.of(System.getProperty("lexstream.work", "target/lexstream-work")), new DjlTextEmbedder.Options(1, 1))));
    return models;
  }

  @Test
  void fineTunedAndTrainedHeadsEnrichTheSameRecord() throws Exception {
    LexstreamConfig config = config("");
    Map<String, LoadedModel> models = load(config);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kinds-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("kinds-test").toString());
    Map<String, InferenceExecutor> executors = executors(models);
    try (TopologyTestDriver driver = new TopologyTestDriver(build(config, executors), props)) {
      driver.createInputTopic("news.raw", new ByteArraySerializer(), new ByteArraySerializer())
          .pipeInput("k".getBytes(StandardCharsets.UTF_8), "the team won the game".getBytes(StandardCharsets.UTF_8));
      driver.advanceWallClockTime(java.time.Duration.ofSeconds(1)); // let the micro-batch flush
      EnrichedText record = AvroCodec.decodeSingleObject(
          driver.createOutputTopic("news.enriched", new ByteArrayDeserializer(), new ByteArrayDeserializer()).readValue(),
          EnrichedText.class);
      assertThat(record.getClassifications()).extracting(c -> c.getName()).containsExactly("mood", "topic");
      assertThat(record.getClassifications().get(0).getScores()).containsOnlyKeys("negative", "neutral", "positive");
      assertThat(record.getClassifications().get(1).getScores()).containsOnlyKeys("sports", "business");
      assertThat(record.getRuns()).extracting(r -> r.getModelId()).containsExactly("tiny-cls-pt", "tiny-embed-onnx");
      assertThat(record.getRuns()).allSatisfy(r -> assertThat(r.getModelVersion()).startsWith("sha256:"));
    } finally {
      executors.values().forEach(InferenceExecutor::close);
      models.values().forEach(LoadedModel::close);
    }
  }

  private static Map<String, InferenceExecutor> executors(Map<String, LoadedModel> models) {
    Map<String, InferenceExecutor> executors = new LinkedHashMap<>();
    models.forEach((name, model) -> executors.put(name, InferenceExecutor.start(model, 64, true)));
    return executors;
  }

  private static org.apache.kafka.streams.Topology build(LexstreamConfig config, Map<String, InferenceExecutor> models) {
    return PipelineTopology.build(config, models, new AvroCodec(Format.SINGLE_OBJECT), BatchingControl.inline(), Map.of());
  }

  @Test
  void labelsThatDoNotMatchTheFineTunedModelAreAConfigErrorAtBuild() throws Exception {
    LexstreamConfig config = config("        labels: { good: g, bad: b }\n");
    Map<String, LoadedModel> models = load(config);
    Map<String, InferenceExecutor> executors = executors(models);
    try {
      assertThatThrownBy(() -> build(config, executors))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("pipelines[0].classify[0].labels: labels [good, bad] do not match");
    } finally {
      executors.values().forEach(InferenceExecutor::close);
      models.values().forEach(LoadedModel::close);
    }
  }
}
