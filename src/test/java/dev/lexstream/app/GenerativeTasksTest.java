package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
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
}
