package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.kafka.TestKafka;
import dev.lexstream.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real broker, whose producer enforces max.request.size: inputs whose batch buffer
 * entry (changelog record) would exceed it end in the dead-letter topic, and the stream goes on
 * with the next record instead of stopping on RecordTooLargeException.
 */
class OversizeInputIntegrationTest {
  private static final String SENTENCE = "The market moved as traders watched the league results closely. ";

  @Test
  void deadLettersInputsWhoseBufferEntryWouldExceedMaxRequestSizeAndKeepsRunning(@TempDir Path work)
      throws Exception {
    String bootstrap = TestKafka.bootstrap();
    LexstreamConfig config = ConfigLoader.parse("""
        kafka: {bootstrap: "%s", applicationId: oversize-it, partitions: 1}
        models:
          minilm: {source: "builtin:all-minilm-l6-v2-q"}
        pipelines:
          - name: big
            input: big.raw
            maxTextBytes: 524288
            classify:
              - name: topic
                model: minilm
                labels: {Sports: sports news, Business: business news}
        """.formatted(bootstrap), "big.yaml", Map.of());
    // ~900 KB of JSON (text within maxTextBytes, plus metadata), and a text at the largest maxTextBytes
    String json = "{\"id\": \"json-900k\", \"text\": \"" + SENTENCE.repeat(6_500) + "\", \"metadata\": {\"blob\": \""
        + "x".repeat(480_000) + "\"}}";
    String plain = SENTENCE.repeat(524_288 / SENTENCE.length() + 1).substring(0, 524_288);
    List<String> values = List.of(json, plain, "{\"id\": \"after\", \"text\": \"The striker scored twice.\"}");

    try (Lexstream app = Lexstream.start(config, work)) {
      assertThat(app.awaitRunning(Duration.ofMinutes(2))).isTrue();
      Map<String, Object> props = new HashMap<>();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (String value : values) {
          producer.send(new ProducerRecord<>("big.raw", value.getBytes(StandardCharsets.UTF_8))).get();
        }
      }
      List<DeadLetter> deadLetters = new ArrayList<>();
      List<EnrichedText> enriched = new ArrayList<>();
      try (var consumer = consumer(bootstrap)) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals("big.dlq")) {
              deadLetters.add(AvroCodec.decodeSingleObject(r.value(), DeadLetter.class));
            } else {
              enriched.add(AvroCodec.decodeSingleObject(r.value(), EnrichedText.class));
            }
          }
          return deadLetters.size() + enriched.size() >= values.size() || app.state() == KafkaStreams.State.ERROR
              || app.state() == KafkaStreams.State.NOT_RUNNING;
        });
      }
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(deadLetters).extracting(DeadLetter::getStage).containsExactly("validate", "validate");
      assertThat(deadLetters).extracting(DeadLetter::getError)
          .allMatch(e -> e.matches("buffer entry of \\d+ bytes exceeds max\\.request\\.size 1048576"));
      assertThat(deadLetters.get(0).getId()).isEqualTo("json-900k");
      assertThat(deadLetters.get(0).getOriginalSize()).isEqualTo(json.length());
      assertThat(enriched).extracting(EnrichedText::getId).containsExactly("after");
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = List.of(new TopicPartition("big.enriched", 0), new TopicPartition("big.dlq", 0));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }
}
