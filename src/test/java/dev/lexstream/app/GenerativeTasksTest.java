package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lexstream.config.ConfigException;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.inference.GenerationOptions;
import dev.lexstream.inference.Seq2SeqModel;
import dev.lexstream.ops.MetricNames;
import dev.lexstream.ops.MicrometerMetrics;
import dev.lexstream.topology.GenerativeSteps;
import io.micrometer.core.instrument.Gauge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenerativeTasksTest {

  @Test
  void seq2seqModelsAreLoadedAndWarmedUpWithTheirTimesAsMetrics() throws Exception {
    LexstreamConfig config = ConfigLoader.parse("""
        models:
          tiny: {source: "src/test/resources/seq2seq/tiny", device: cpu, maxBatch: 4}
        pipelines:
          - name: news
            input: news.raw
            summarize: {model: tiny, method: generative}
            translate: {backend: model, model: tiny, target: es, source: en, prompt: ">>{target}<< "}
        """, "test.yaml", Map.of());
    List<AutoCloseable> closeables = new ArrayList<>();
    try (MicrometerMetrics metrics = new MicrometerMetrics()) {
      Map<String, GenerativeSteps> steps = GenerativeTasks.load(config, Map.of(), closeables, metrics);
      assertThat(steps).containsOnlyKeys("news");
      Gauge load = metrics.registry().find(MetricNames.MODEL_LOAD).tag("model", "tiny").gauge();
      Gauge warmUp = metrics.registry().find(MetricNames.MODEL_WARMUP).tag("model", "tiny").gauge();
      assertThat(load).as("load time").isNotNull();
      assertThat(load.getId().getTag("device")).isEqualTo("cpu()");
      assertThat(load.value()).isPositive();
      assertThat(warmUp).as("warm-up time").isNotNull();
      assertThat(warmUp.value()).isPositive();
    } finally {
      for (AutoCloseable c : closeables) {
        c.close();
      }
    }
  }

  @Test
  void maxNewTokensBeyondTheDecodersPositionsIsAConfigErrorAtStart() throws Exception {
    // the fixture's decoder has 64 positions: 65 tokens passed the 4-token warm-up, then failed every
    // record whose output did not end sooner
    String yaml = """
        models:
          tiny: {source: "src/test/resources/seq2seq/tiny", device: cpu, maxBatch: 4}
        pipelines:
          - name: news
            input: news.raw
            translate: {backend: model, model: tiny, target: es, source: en, generation: {maxNewTokens: %d}}
        """;
    List<AutoCloseable> closeables = new ArrayList<>();
    try (MicrometerMetrics metrics = new MicrometerMetrics()) {
      assertThatThrownBy(() -> GenerativeTasks.load(ConfigLoader.parse(yaml.formatted(65), "test.yaml", Map.of()),
          Map.of(), closeables, metrics))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("pipelines[0].translate.generation.maxNewTokens: 65 is too large")
          .hasMessageContaining("allowed: 1 to 64");
      closeables.forEach(Lexstream::closeQuietly);
      closeables.clear();
      GenerativeTasks.load(ConfigLoader.parse(yaml.formatted(64), "test.yaml", Map.of()), Map.of(), closeables, metrics);
      Seq2SeqModel model = closeables.stream().filter(Seq2SeqModel.class::isInstance).map(Seq2SeqModel.class::cast)
          .findFirst().orElseThrow();
      // the limit is exact: 64 tokens of an output that never ends run
      assertThat(model.generate(List.of("a dog"), "", GenerationOptions.greedy(64)).get(0).ids()).hasSize(64);
    } finally {
      closeables.forEach(Lexstream::closeQuietly);
    }
  }
}
