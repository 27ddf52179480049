package dev.lexstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.ops.DeadLetterReplay;
import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.inference.TestModels;
import dev.lexstream.inference.TextEmbedder;
import dev.lexstream.batching.BatchingControl;
import dev.lexstream.inference.InferenceExecutor;
import dev.lexstream.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The topology's routing and record contents, with the real MiniLM model, without a broker. */
class PipelineTopologyTest {
  private static final LexstreamConfig CONFIG = ConfigLoader.parse("""
      models:
        minilm: {source: "builtin:all-minilm-l6-v2-q"}
      pipelines:
        - name: news
          input: news.raw
          maxTextBytes: 200
          # batches run inline here, so a task is never busy: the idle trigger would send every record alone
          batching: {flushWhenIdle: false}
          classify:
            - name: topic
              model: minilm
              labels:
                Sports: Sports news about games, teams, players, matches and championships
                Business: Business news about companies, stocks, markets, the economy and earnings
            - name: mood
              model: minilm
              labels:
                happy: a happy, pleased, delighted person
                angry: an angry, furious, annoyed person
      """, "test.yaml", Map.of());

  private static final TextEmbedder minilm = TestModels.minilm();

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private Map<String, InferenceExecutor> executors;
  private TestInputTopic<byte[], byte[]> input;
  private TestOutputTopic<byte[], byte[]> enriched;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void start() {
    start(Map.of("minilm", minilm));
  }

  private void start(Map<String, TextEmbedder> models) {
    start(models, BatchingControl.inline());
  }

  private void start(Map<String, TextEmbedder> models, BatchingControl control) {
    close();
    executors = new java.util.LinkedHashMap<>();
    models.forEach((name, model) -> executors.put(name, InferenceExecutor.start(model, 64, true)));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(PipelineTopology.build(CONFIG, executors, new AvroCodec(Format.SINGLE_OBJECT),
        control, Map.of()), props);
    input = driver.createInputTopic("news.raw", new ByteArraySerializer(), new ByteArraySerializer());
    enriched = driver.createOutputTopic("news.enriched", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    deadLetters = driver.createOutputTopic("news.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
      driver = null;
    }
    if (executors != null) {
      executors.values().forEach(InferenceExecutor::close);
    }
  }

  private void send(String value) {
    input.pipeInput("k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }

  /** Lets maxWait pass so the micro-batch flushes. */
  private void flush() {
    driver.advanceWallClockTime(Duration.ofSeconds(1));
  }

  private EnrichedText nextEnriched() throws Exception {
    if (enriched.isEmpty()) {
      flush();
    }
    return AvroCodec.decodeSingleObject(enriched.readValue(), EnrichedText.class);
  }

  private DeadLetter nextDeadLetter() throws Exception {
    if (deadLetters.isEmpty()) {
      flush();
    }
    return AvroCodec.decodeSingleObject(deadLetters.readValue(), DeadLetter.class);
  }

  @Test
  void enrichesTextWithEveryClassifyTaskAndItsProvenance() throws Exception {
    send("{\"id\": \"n1\", \"text\": \"The striker scored twice as the team won the championship final.\", "
        + "\"tenant\": \"acme\", \"metadata\": {\"k\": \"v\"}}");
    EnrichedText record = nextEnriched();
    assertThat(record.getId()).isEqualTo("n1");
    assertThat(record.getPipeline()).isEqualTo("news");
    assertThat(record.getTenant()).isEqualTo("acme");
    assertThat(record.getMetadata()).containsEntry("k", "v");
    assertThat(record.getClassifications()).extracting(c -> c.getName()).containsExactly("topic", "mood");
    assertThat(record.getClassifications().get(0).getLabel()).isEqualTo("Sports");
    assertThat(record.getClassifications().get(0).getScores().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(record.getRuns()).extracting(r -> r.getTask()).containsExactly("classify:topic", "classify:mood");
    assertThat(record.getRuns()).allSatisfy(r -> {
      assertThat(r.getModelId()).isEqualTo("builtin:all-minilm-l6-v2-q");
      assertThat(r.getModelVersion()).isNotBlank();
      assertThat(r.getBatchSize()).isEqualTo(1); // one record in the micro-batch
      assertThat(r.getInferenceMillis()).isPositive();
    });
    assertThat(record.getSafety().getAction()).isEqualTo("allow");
    assertThat(record.getSource().getTopic()).isEqualTo("news.raw");
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void routesInvalidUtf8ToDeadLetterWithOriginalBytesAndCoordinates() throws Exception {
    send("first valid text about stock markets");
    byte[] bad = {'b', 'a', 'd', (byte) 0xFF};
    input.pipeInput("key".getBytes(StandardCharsets.UTF_8), bad);
    DeadLetter dead = nextDeadLetter();
    assertThat(dead.getStage()).isEqualTo("decode");
    assertThat(dead.getError()).isEqualTo("invalid UTF-8 at byte 3");
    assertThat(dead.getId()).isNull();
    assertThat(dead.getSource().getTopic()).isEqualTo("news.raw");
    assertThat(dead.getSource().getOffset()).isEqualTo(1);
    assertThat(dead.getOriginal().array()).isEqualTo(bad);
    assertThat(dead.getKey().array()).isEqualTo("key".getBytes(StandardCharsets.UTF_8));
    flush();
    assertThat(enriched.getQueueSize()).isEqualTo(1);
  }

  @Test
  void routesEmptyAndOversizeTextToDeadLetterAtValidate() throws Exception {
    send("{\"id\": \"e\", \"text\": \"\"}");
    send("z".repeat(201));
    DeadLetter empty = nextDeadLetter();
    assertThat(empty.getId()).isEqualTo("e");
    assertThat(empty.getStage()).isEqualTo("validate");
    assertThat(empty.getError()).isEqualTo("empty text");
    DeadLetter oversize = nextDeadLetter();
    assertThat(oversize.getStage()).isEqualTo("validate");
    assertThat(oversize.getError()).isEqualTo("oversize text: 201 bytes > maxTextBytes 200");
    assertThat(oversize.getId()).isEqualTo("news.raw-0-1");
  }

  @Test
  void namesRecordsWithoutIdByTopicPartitionOffset() throws Exception {
    send("plain text without an id");
    send("second plain text");
    assertThat(nextEnriched().getId()).isEqualTo("news.raw-0-0");
    assertThat(nextEnriched().getId()).isEqualTo("news.raw-0-1");
  }

  @Test
  void aReplayedRecordWithoutAnIdKeepsItsDeadLettersIdNotItsNewOffset() throws Exception {
    var headers = new RecordHeaders().add(DeadLetterReplay.REPLAYED_ID_HEADER,
        "news.raw-0-3".getBytes(StandardCharsets.UTF_8));
    input.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8),
        "Markets rallied".getBytes(StandardCharsets.UTF_8), headers));
    send("{\"id\": \"own\", \"text\": \"Markets fell\"}");
    flush();
    assertThat(nextEnriched().getId()).isEqualTo("news.raw-0-3");
    assertThat(nextEnriched().getId()).isEqualTo("own");
  }

  @Test
  void runsOnlyTheTasksTheRecordAsksFor() throws Exception {
    send("{\"text\": \"I am so happy with this!\", \"tasks\": [\"mood\"]}");
    EnrichedText record = nextEnriched();
    assertThat(record.getClassifications()).extracting(c -> c.getName()).containsExactly("mood");
    assertThat(record.getClassifications().get(0).getLabel()).isEqualTo("happy");
    assertThat(record.getRuns()).extracting(r -> r.getTask()).containsExactly("classify:mood");
  }

  @Test
  void enrichesAWholeMicroBatchInOneModelCall() throws Exception {
    for (int i = 0; i < 5; i++) {
      send("{\"id\": \"b" + i + "\", \"text\": \"The goalkeeper saved a penalty in match " + i + "\"}");
    }
    assertThat(enriched.isEmpty()).as("nothing leaves before the batch flushes").isTrue();
    flush();
    for (int i = 0; i < 5; i++) {
      EnrichedText e = nextEnriched();
      assertThat(e.getId()).isEqualTo("b" + i);
      assertThat(e.getRuns()).allSatisfy(r -> assertThat(r.getBatchSize()).isEqualTo(5));
    }
  }

  @Test
  void buffersInAChangelogKeyedByPartitionAndOffsetAndTombstonesWhatItFlushed() {
    var changelog = driver.createOutputTopic("topology-test-" + PipelineTopology.bufferStore("news") + "-changelog",
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    for (int i = 0; i < 3; i++) {
      send("{\"id\": \"c" + i + "\", \"text\": \"Shares rose sharply on day " + i + "\"}");
    }
    assertThat(enriched.isEmpty()).as("still in the buffer").isTrue();
    var buffered = changelog.readRecordsToList();
    assertThat(buffered).extracting(r -> keyOffset(r.key())).containsExactly(0L, 1L, 2L);
    assertThat(buffered).allSatisfy(r -> assertThat(r.value()).isNotEmpty());
    flush();
    assertThat(enriched.getQueueSize()).isEqualTo(3);
    var flushed = changelog.readRecordsToList();
    assertThat(flushed).extracting(r -> keyOffset(r.key())).containsExactlyInAnyOrder(0L, 1L, 2L);
    assertThat(flushed).as("tombstones: a restore brings none of them back").allSatisfy(r -> assertThat(r.value()).isNull());
  }

  /** The offset of a buffer key (partition int, offset long), checking the partition is 0. */
  private static long keyOffset(byte[] key) {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(key);
    assertThat(buffer.getInt()).isZero();
    return buffer.getLong();
  }

  @Test
  void carriesHeadersThrough() {
    var headers = new RecordHeaders().add("trace", "abc".getBytes(StandardCharsets.UTF_8));
    input.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8),
        "Markets rallied".getBytes(StandardCharsets.UTF_8), headers));
    flush();
    assertThat(enriched.readRecord().headers().lastHeader("trace").value()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void isolatesAPoisonRecordInsideABatchAndEnrichesTheRest() throws Exception {
    start(Map.of("minilm", new FailingOn("BOOM", minilm)));
    for (int i = 0; i < 5; i++) {
      send("{\"id\": \"ok-" + i + "\", \"text\": \"Shares rose sharply on day " + i + "\"}");
    }
    send("{\"id\": \"bad\", \"text\": \"BOOM goes the model\"}");
    send("{\"id\": \"ok-5\", \"text\": \"The team won\"}");
    flush();
    List<String> ids = new java.util.ArrayList<>();
    while (!enriched.isEmpty()) {
      EnrichedText e = nextEnriched();
      ids.add(e.getId());
      assertThat(e.getRuns().get(0).getBatchSize()).as("ran in a sub-batch of the bisection").isLessThan(7);
    }
    assertThat(ids).containsExactly("ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "ok-5");
    DeadLetter dead = nextDeadLetter();
    assertThat(dead.getId()).isEqualTo("bad");
    assertThat(dead.getStage()).isEqualTo("inference");
    assertThat(dead.getError()).isEqualTo("model failed: IllegalStateException");
    assertThat(dead.getErrorType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(new String(dead.getOriginal().array(), StandardCharsets.UTF_8)).contains("BOOM goes the model");
  }

  @Test
  void aModelFailureIsLoggedByIdAndCoordinatesNeverWithTheText() throws Exception {
    start(Map.of("minilm", new FailingOn("BOOM", minilm)));
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger lexstream = (Logger) LoggerFactory.getLogger("dev.lexstream");
    Level previous = lexstream.getLevel();
    lexstream.setLevel(Level.DEBUG); // every line Lexstream could write
    logs.start();
    root.addAppender(logs);
    try {
      send("{\"id\": \"secret-1\", \"text\": \"BOOM the private words of this record\"}");
      assertThat(nextDeadLetter().getStage()).isEqualTo("inference");
    } finally {
      root.detachAppender(logs);
      lexstream.setLevel(previous);
    }
    assertThat(logs.list).as("the dead letter is logged, by id and coordinates")
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("id=secret-1").contains("news.raw-0@0"));
    assertThat(logs.list).allSatisfy(e -> assertThat(rendered(e)).doesNotContain("private words"));
  }

  /** A log line as an appender could write it: the message and every message of its exception chain. */
  private static String rendered(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
    }
    return line.toString();
  }

  @Test
  void anInterruptedFlushLeavesItsRecordsBufferedInsteadOfDeadLettering() throws Exception {
    HeldOnTheModel held = new HeldOnTheModel(minilm);
    BatchingControl control = BatchingControl.concurrent();
    start(Map.of("minilm", held), control); // embeds the label descriptions: not held yet
    held.holding = true;
    for (int i = 0; i < 3; i++) {
      send("{\"id\": \"s" + i + "\", \"text\": \"Shares rose sharply on day " + i + "\"}");
    }
    flush();
    assertThat(held.entered.await(10, TimeUnit.SECONDS)).as("the batch is on the model").isTrue();
    // what Lexstream.close() does once Kafka Streams' close timed out: the running batch is interrupted
    control.close();
    // the stream thread learns of the batch's end at a punctuation: it must forward nothing of it
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try {
        flush();
      } catch (RuntimeException abortedByShutdown) {
        return true;
      }
      return !deadLetters.isEmpty() || !enriched.isEmpty();
    });
    held.release.countDown();
    assertThat(deadLetters.isEmpty()).as("not dead-lettered as 'model failed'").isTrue();
    assertThat(enriched.isEmpty()).isTrue();
    int buffered = 0;
    try (var all = driver.<Bytes, byte[]>getKeyValueStore(PipelineTopology.bufferStore("news")).all()) {
      for (; all.hasNext(); all.next()) {
        buffered++;
      }
    }
    assertThat(buffered).as("still in the changelogged buffer, for the next start").isEqualTo(3);
  }

  /** A stand-in that is the real model in everything but {@code embed}; the real model is shared, so closing it is a no-op. */
  private interface Wrapping extends TextEmbedder {
    TextEmbedder delegate();

    @Override default String modelId() { return delegate().modelId(); }
    @Override default String modelVersion() { return delegate().modelVersion(); }
    @Override default int dimension() { return delegate().dimension(); }
    @Override default int maxTokens() { return delegate().maxTokens(); }
    @Override default int countTokens(String text) { return delegate().countTokens(text); }
    @Override default void close() { }
  }

  /** Delegates to the real model, once released while holding: a device call that outlasts a shutdown. */
  private static final class HeldOnTheModel implements Wrapping {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean holding;
    private final TextEmbedder delegate;

    HeldOnTheModel(TextEmbedder delegate) {
      this.delegate = delegate;
    }

    @Override
    public TextEmbedder delegate() {
      return delegate;
    }

    @Override
    public float[][] embed(List<String> texts) {
      if (holding) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.embed(texts);
    }
  }

  /**
   * Delegates to the real model but throws on texts containing a marker: a model that breaks on one
   * input, with a message that quotes the input, as a native runtime's message may.
   */
  private record FailingOn(String marker, TextEmbedder delegate) implements Wrapping {
    @Override
    public float[][] embed(List<String> texts) {
      if (texts.stream().anyMatch(t -> t.contains(marker))) {
        throw new IllegalStateException("model cannot handle " + texts);
      }
      return delegate.embed(texts);
    }
  }
}
