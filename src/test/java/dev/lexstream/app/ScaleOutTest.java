package dev.lexstream.app;

import static dev.lexstream.app.CrashRecoveryTest.assertExactlyOnce;
import static dev.lexstream.app.CrashRecoveryTest.awaitOutputs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lexstream.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances with the same application id share the input partitions; when one is killed the
 * other takes its partitions over and nothing is lost or duplicated.
 */
class ScaleOutTest {
  @TempDir Path dir;
  private EmbeddedKafka broker;

  @BeforeEach
  void startBroker() {
    broker = EmbeddedKafka.start(null, 0);
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  @Test
  void twoInstancesSharePartitionsAndTheSurvivorTakesOver() throws Exception {
    int n = 8_000;
    Path config = CrashRecoveryTest.config(dir, broker.bootstrap(), "scale", 1);
    CrashRecoveryTest.produce(broker.bootstrap(), "scale.raw", "s", n);
    try (OutputCollector outputs = new OutputCollector(broker.bootstrap(), "scale", CrashRecoveryTest.PARTITIONS);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        LexstreamProcess a = LexstreamProcess.start(config, dir.resolve("work-a"), "a");
        LexstreamProcess b = LexstreamProcess.start(config, dir.resolve("work-b"), "b")) {
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
        outputs.poll();
        List<MemberDescription> members = group(admin).members().stream().toList();
        assertThat(members).hasSize(2);
        assertThat(members).allSatisfy(m -> assertThat(m.assignment().topicPartitions())
            .as("each instance owns input partitions").anyMatch(tp -> tp.topic().equals("scale.raw")));
      });
      // what an operator reads to see the spread: each instance logs its input partitions after a rebalance
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        List<String> ofA = loggedPartitions(a);
        List<String> ofB = loggedPartitions(b);
        assertThat(ofA).as("a's partitions").isNotEmpty();
        assertThat(ofB).as("b's partitions").isNotEmpty();
        // each partition once: on one instance, not both
        assertThat(java.util.stream.Stream.concat(ofA.stream(), ofB.stream()))
            .containsExactlyInAnyOrder("scale.raw-0", "scale.raw-1", "scale.raw-2", "scale.raw-3");
      });
      awaitOutputs(outputs, 1_000, Duration.ofMinutes(2), a, b);
      a.kill();
      awaitOutputs(outputs, n, Duration.ofMinutes(4), b);
      assertThat(group(admin).members()).hasSize(1);
      assertExactlyOnce(outputs, "s", n);
    }
  }

  /** The input partitions of the instance's last "input partitions of this instance" log line. */
  private static List<String> loggedPartitions(LexstreamProcess app) {
    String marker = "input partitions of this instance: [";
    String log = app.log();
    int at = log.lastIndexOf(marker);
    if (at < 0) {
      return List.of();
    }
    String list = log.substring(at + marker.length(), log.indexOf(']', at));
    return list.isBlank() ? List.of() : List.of(list.split(", "));
  }

  private static ConsumerGroupDescription group(Admin admin) throws Exception {
    return admin.describeConsumerGroups(List.of("scale-app")).all().get().get("scale-app");
  }
}
