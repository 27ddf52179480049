package dev.lexstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.batching.BatchingControl;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.inference.InferenceExecutor;
import dev.lexstream.inference.TestModels;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.summarize.ExtractiveSummarizer;
import dev.lexstream.translate.LanguageDetection;
import dev.lexstream.translate.TextTranslator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the producer would refuse (over max.request.size) go to the dead-letter topic instead
 * of stopping the task: inputs whose batch buffer entry is too large, enriched records too large;
 * and dead letters are cut to fit. The test driver does not enforce the limit, so each test measures what reaches a topic with
 * Kafka's own size estimate.
 */
class OversizeRecordRoutingTest {
  private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
  /** The largest maxTextBytes allowed. */
  private static final int MAX_TEXT_BYTES = 524_288;

  private static final TextEmbedder minilm = TestModels.minilm();

  @TempDir Path stateDir;
  private InferenceExecutor executor;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;
  private TestOutputTopic<byte[], byte[]> enriched;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
    if (executor != null) {
      executor.close();
    }
  }

  /** A pipeline {@code news} with one classify task; {@code extra} is more YAML of the pipeline. */
  private static LexstreamConfig config(String kafkaProperties, int maxTextBytes, String extra) {
    return ConfigLoader.parse("""
        kafka:
          properties: {%s}
        models:
          minilm: {source: "builtin:all-minilm-l6-v2-q"}
        pipelines:
          - name: news
            input: news.raw
            maxTextBytes: %d
            batching: {flushWhenIdle: false}
            classify:
              - name: topic
                model: minilm
                labels: {Sports: sports news, Business: business news}
        %s
        """.formatted(kafkaProperties, maxTextBytes, extra.indent(4)), "test.yaml", Map.of());
  }

  private void start(LexstreamConfig config, Map<String, GenerativeSteps> generative) {
    executor = InferenceExecutor.start(minilm, 64, true);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "size-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(PipelineTopology.build(config, Map.of("minilm", executor),
        new AvroCodec(Format.SINGLE_OBJECT), BatchingControl.inline(), generative), props);
    input = driver.createInputTopic("news.raw", new ByteArraySerializer(), new ByteArraySerializer());
    enriched = driver.createOutputTopic("news.enriched", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    deadLetters = driver.createOutputTopic("news.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private void start(String kafkaProperties, int maxTextBytes) {
    start(config(kafkaProperties, maxTextBytes, ""), Map.of());
  }

  private void send(String value) {
    input.pipeInput("k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }

  private static DeadLetter deadLetter(TestRecord<byte[], byte[]> record) throws Exception {
    return AvroCodec.decodeSingleObject(record.value(), DeadLetter.class);
  }

  /** The size KafkaProducer.send compares with max.request.size: its own estimate, whatever the compression. */
  private static int producerSize(TestRecord<byte[], byte[]> record) {
    return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
        record.key(), record.value(), record.headers().toArray());
  }

  /** Sentences of about {@code bytes} ASCII bytes in all, each ending with a full stop. */
  private static String words(int bytes) {
    String sentence = "The market moved as traders watched the league results closely. ";
    return sentence.repeat(bytes / sentence.length() + 1).substring(0, bytes - 1) + ".";
  }

  @Test
  void routesInputWhoseBufferEntryExceedsMaxRequestSizeToDeadLetter() throws Exception {
    start("", MAX_TEXT_BYTES);
    // ~900 KB of JSON: the text passes maxTextBytes, but document + original bytes make a ~1.8 MB entry
    String json = "{\"id\": \"big\", \"text\": \"" + words(420_000) + "\", \"metadata\": {\"blob\": \""
        + "x".repeat(480_000) + "\"}}";
    send(json);
    send("{\"id\": \"next\", \"text\": \"The striker scored twice in the final.\"}");
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    TestRecord<byte[], byte[]> record = deadLetters.readRecord();
    DeadLetter dead = deadLetter(record);
    assertThat(dead.getId()).isEqualTo("big");
    assertThat(dead.getStage()).isEqualTo("validate");
    assertThat(dead.getError()).matches("buffer entry of \\d+ bytes exceeds max\\.request\\.size 1048576");
    assertThat(Integer.parseInt(dead.getError().split(" ")[3])).isGreaterThan(2 * 900_000);
    assertThat(dead.getOriginalSize()).isEqualTo(json.length());
    assertThat(producerSize(record)).isLessThanOrEqualTo(DEFAULT_MAX_REQUEST_SIZE);
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(AvroCodec.decodeSingleObject(enriched.readValue(), EnrichedText.class).getId()).isEqualTo("next");
  }

  @Test
  void routesPlainTextAtTheLargestMaxTextBytesToDeadLetterAndEnrichesOneThatFits() throws Exception {
    start("", MAX_TEXT_BYTES);
    send(words(MAX_TEXT_BYTES)); // text + original: 1 MiB and more, before any framing
    send(words(500_000));
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    DeadLetter dead = deadLetter(deadLetters.readRecord());
    assertThat(dead.getStage()).isEqualTo("validate");
    assertThat(dead.getError()).startsWith("buffer entry of ").endsWith(" bytes exceeds max.request.size 1048576");
    TestRecord<byte[], byte[]> kept = enriched.readRecord();
    assertThat(AvroCodec.decodeSingleObject(kept.value(), EnrichedText.class).getText()).hasSize(500_000);
    assertThat(producerSize(kept)).isLessThanOrEqualTo(DEFAULT_MAX_REQUEST_SIZE);
  }

  @Test
  void appliesTheProducerPrefixedMaxRequestSizeAsKafkaStreamsDoes() throws Exception {
    // Kafka Streams gives the producer the producer.-prefixed value over the plain one
    start("max.request.size: 5000000, producer.max.request.size: 100000", MAX_TEXT_BYTES);
    send(words(60_000));
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    DeadLetter dead = deadLetter(deadLetters.readRecord());
    assertThat(dead.getStage()).isEqualTo("validate");
    assertThat(dead.getError()).endsWith(" bytes exceeds max.request.size 100000");
    assertThat(enriched.isEmpty()).isTrue();
  }

  @Test
  void cutsTheOriginalOfADeadLetterThatWouldExceedMaxRequestSizeAndSaysSo() throws Exception {
    start("producer.max.request.size: 200000", 1000);
    byte[] value = words(150_000).getBytes(StandardCharsets.UTF_8);
    byte[] trace = new byte[100_000];
    Arrays.fill(trace, (byte) 't');
    input.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), value,
        new RecordHeaders().add("trace", trace)));

    TestRecord<byte[], byte[]> record = deadLetters.readRecord();
    DeadLetter dead = deadLetter(record);
    assertThat(dead.getStage()).isEqualTo("validate");
    assertThat(dead.getError()).startsWith("oversize text: 150000 bytes > maxTextBytes 1000; original cut to ")
        .endsWith(" of 150000 bytes to fit max.request.size 200000");
    assertThat(dead.getOriginalSize()).isEqualTo(150_000);
    byte[] kept = new byte[dead.getOriginal().remaining()];
    dead.getOriginal().duplicate().get(kept);
    assertThat(kept.length).isBetween(90_000, 100_000);
    assertThat(kept).isEqualTo(Arrays.copyOf(value, kept.length));
    assertThat(record.headers().lastHeader("trace").value()).as("headers still pass through").isEqualTo(trace);
    assertThat(producerSize(record)).isLessThanOrEqualTo(200_000);
  }

  @Test
  void routesEnrichedRecordOverMaxRequestSizeToDeadLetterAtOutput() throws Exception {
    // the entry (text + original: 2 x 183 KB) fits; the enriched record carries the text, its
    // translation and a summary of two of its three sentences: 2.67 x 183 KB
    LexstreamConfig config = config("producer.max.request.size: 400000", MAX_TEXT_BYTES, """
        summarize: {model: minilm, maxSentences: 2}
        translate: {backend: apertium, target: es, languages: [en, es]}""");
    start(config, Map.of("news", new GenerativeSteps(ExtractiveSummarizer.of(minilm,
        config.pipelines().get(0).summarize()), new TextTranslator(new GenerativeStepsTest.FakeBackend(),
        new LanguageDetection(List.of("en", "es")), "en", "es"))));
    String sentence = "The market moved as traders watched the league results closely and ".repeat(900);
    String text = sentence + "it ended. " + sentence + "it closed. " + sentence + "it stopped.";
    send("{\"id\": \"long\", \"text\": \"" + text + "\"}");
    send("{\"id\": \"short\", \"text\": \"The striker scored twice in the final.\"}");
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    TestRecord<byte[], byte[]> record = deadLetters.readRecord();
    DeadLetter dead = deadLetter(record);
    assertThat(dead.getId()).isEqualTo("long");
    assertThat(dead.getStage()).isEqualTo("output");
    assertThat(dead.getError()).matches("enriched record of \\d+ bytes exceeds max\\.request\\.size 400000");
    assertThat(producerSize(record)).isLessThanOrEqualTo(400_000);
    EnrichedText shortOne = AvroCodec.decodeSingleObject(enriched.readValue(), EnrichedText.class);
    assertThat(shortOne.getId()).isEqualTo("short");
    assertThat(shortOne.getTranslations()).isNotEmpty();
  }
}
