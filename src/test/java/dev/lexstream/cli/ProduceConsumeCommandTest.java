package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.kafka.TestKafka;
import dev.lexstream.kafka.TopicAdmin;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code produce} and {@code consume} against a real broker. */
class ProduceConsumeCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void producesLinesAndConsumesThemBackAsJson(@TempDir Path dir) throws Exception {
    String bootstrap = TestKafka.bootstrap();
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicAdmin.TopicSpec.of("cli.roundtrip", 1)),
        Duration.ofSeconds(30));
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, "{\"key\": \"k1\", \"id\": \"a\", \"text\": \"first\"}\n\n{\"id\": \"b\", \"text\": \"second\"}\n");
    assertThat(run("produce", "--bootstrap", bootstrap, "--topic", "cli.roundtrip", "--format", "jsonl",
        "--file", file.toString())).isZero();
    assertThat(err.toString()).contains("produced 2 records to cli.roundtrip");
    assertThat(run("consume", "--bootstrap", bootstrap, "--topic", "cli.roundtrip", "--max", "2",
        "--idle-timeout", "10")).isZero();
    assertThat(out.toString().strip().split("\n"))
        .containsExactly("{\"id\":\"a\",\"text\":\"first\"}", "{\"id\":\"b\",\"text\":\"second\"}");
  }

  @Test
  void aBadJsonLineHalfWayWritesNothingSoARerunDoesNotDuplicate(@TempDir Path dir) throws Exception {
    String bootstrap = TestKafka.bootstrap();
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicAdmin.TopicSpec.of("cli.bad-line", 1)),
        Duration.ofSeconds(30));
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, "{\"id\": \"a\"}\n{\"id\": \"b\"}\n{not json\n{\"id\": \"c\"}\n");
    assertThat(run("produce", "--bootstrap", bootstrap, "--topic", "cli.bad-line", "--format", "jsonl",
        "--file", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--file line 3: not valid JSON").contains("nothing was produced");
    assertThat(run("consume", "--bootstrap", bootstrap, "--topic", "cli.bad-line", "--max", "1",
        "--idle-timeout", "3")).isZero();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aBadJsonLineOnStdinIsNamedAsStdin() {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream("[1, 2]\n".getBytes(StandardCharsets.UTF_8)));
    try {
      // parsed before any connection: no broker is needed to report it
      assertThat(run("produce", "--bootstrap", "localhost:1", "--topic", "t", "--format", "jsonl")).isEqualTo(2);
    } finally {
      System.setIn(stdin);
    }
    assertThat(err.toString()).contains("stdin line 1: expected a JSON object").doesNotContain("--file line");
  }

  @Test
  void textLinesGoOutAsTheirBytesInvalidUtf8IncludedFromAFileAndFromStdin(@TempDir Path dir) throws Exception {
    String bootstrap = TestKafka.bootstrap();
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicAdmin.TopicSpec.of("cli.raw-bytes", 1)),
        Duration.ofSeconds(30));
    byte[] bad = {'b', 'a', 'd', ' ', (byte) 0xC3, '(', ' ', (byte) 0xFF};
    byte[] input = concat(bad, "\r\nok \u00e9\n".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("in.txt");
    Files.write(file, input);

    assertThat(run("produce", "--bootstrap", bootstrap, "--topic", "cli.raw-bytes", "--file", file.toString())).isZero();
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(input));
    try {
      assertThat(run("produce", "--bootstrap", bootstrap, "--topic", "cli.raw-bytes")).isZero();
    } finally {
      System.setIn(stdin);
    }

    byte[] ok = "ok \u00e9".getBytes(StandardCharsets.UTF_8);
    assertThat(values(bootstrap, "cli.raw-bytes", 4)).containsExactly(bad, ok, bad, ok);
  }

  @Test
  void aJsonlLineThatIsNotUtf8IsNamedAndNothingIsProduced(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("in.jsonl");
    Files.write(file, concat("{\"text\": \"a\"}\n{\"text\": \"".getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xFF, '"', '}', '\n'}));
    // checked before any connection: no broker is needed to report it
    assertThat(run("produce", "--bootstrap", "localhost:1", "--topic", "t", "--format", "jsonl",
        "--file", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--file line 2: not valid UTF-8").contains("nothing was produced");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static List<byte[]> values(String bootstrap, String topic, int count) {
    List<byte[]> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }

  @Test
  void producingToAMissingTopicIsAUsageErrorNotASilentLoss() {
    assertThat(run("produce", "--bootstrap", TestKafka.bootstrap(), "--topic", "cli.no-such-topic",
        "--file", "pom.xml")).isEqualTo(2);
    assertThat(err.toString()).contains("--topic: 'cli.no-such-topic' does not exist").doesNotContain("produced");
  }

  @Test
  void aMistypedTopicOnABrokerThatAutoCreatesTopicsIsRefusedNotCreated() throws Exception {
    String bootstrap = TestKafka.autoCreatingBootstrap();
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicAdmin.TopicSpec.of("cli.orders", 1)),
        Duration.ofSeconds(30));

    assertThat(run("produce", "--bootstrap", bootstrap, "--topic", "cli.ordres", "--file", "pom.xml")).isEqualTo(2);

    assertThat(err.toString())
        .contains("--topic: 'cli.ordres' does not exist on " + bootstrap)
        .contains("Did you mean 'cli.orders'?")
        .contains("kafka-topics --bootstrap-server " + bootstrap + " --create --topic cli.ordres")
        .doesNotContain("produced");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      assertThat(admin.listTopics().names().get()).contains("cli.orders").doesNotContain("cli.ordres");
    }
  }

  @Test
  void consumingAMistypedTopicNamesTheExistingTopicsWithCloseNames() throws Exception {
    String bootstrap = TestKafka.bootstrap();
    TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicAdmin.TopicSpec.of("cli.events.enriched", 1)),
        Duration.ofSeconds(30));

    assertThat(run("consume", "--bootstrap", bootstrap, "--topic", "cli.events.enrichd", "--idle-timeout", "1"))
        .isEqualTo(2);

    assertThat(err.toString())
        .contains("--topic: 'cli.events.enrichd' does not exist on " + bootstrap)
        .contains("Did you mean 'cli.events.enriched'?");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void consumersNeverAskTheBrokerToCreateATopicTheyLookUp() {
    // on a broker with auto.create.topics.enable (Kafka's default) a mistyped --topic would be created, not refused
    assertThat(ConsumeCommand.consumerProperties("localhost:9092"))
        .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
  }
}
