package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lexstream.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.streams.CloseOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM flushes what waits in micro-batch buffers before the process goes, and leaves the consumer
 * group so that the other instances take its partitions over at once.
 */
class GracefulShutdownTest {
  @TempDir Path dir;

  @Test
  void flushesBufferedRecordsOnSigterm() throws Exception {
    try (EmbeddedKafka broker = EmbeddedKafka.start(null, 0)) {
      Path config = CrashRecoveryTest.config(dir, broker.bootstrap(), "graceful", 1);
      // batches that never fill, never time out and never leave on idle: only a shutdown flush can get these records out
      Files.writeString(config, Files.readString(config)
          .replace("batching: {maxRecords: 32, maxTokens: 4096, maxWait: 50ms}",
              "batching: {maxRecords: 10000, maxTokens: 100000000, maxWait: 1h, flushWhenIdle: false}"));
      int n = 40;
      CrashRecoveryTest.produce(broker.bootstrap(), "graceful.raw", "g", n);
      try (OutputCollector outputs = new OutputCollector(broker.bootstrap(), "graceful", CrashRecoveryTest.PARTITIONS);
          LexstreamProcess app = LexstreamProcess.start(config, dir.resolve("work"), "graceful")) {
        // wait until the app has read the records into its buffers (the log says RUNNING, then give it a moment)
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!app.logTail().contains("-> RUNNING") && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        Thread.sleep(3000);
        outputs.poll();
        assertThat(outputs.outputs()).as("nothing leaves a buffer that neither fills nor times out").isZero();
        assertThat(app.terminate(Duration.ofSeconds(60))).as("exited after SIGTERM").isTrue();
        assertThat(app.exitValue()).as("the documented status of run after SIGTERM (128 + 15)").isEqualTo(143);
        assertThat(app.logTail()).contains("drained micro-batches (0 records left buffered)");
        CrashRecoveryTest.awaitOutputs(outputs, n, Duration.ofSeconds(30), app);
        CrashRecoveryTest.assertExactlyOnce(outputs, "g", n);
      }
    }
  }

  @Test
  void leavesTheConsumerGroupOnSigtermInsteadOfHoldingItsPartitionsUntilTheSessionTimesOut() throws Exception {
    try (EmbeddedKafka broker = EmbeddedKafka.start(null, 0);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      Path config = CrashRecoveryTest.config(dir, broker.bootstrap(), "leaving", 1);
      // a session far longer than this test waits: only a leave request can take the member out in time
      Files.writeString(config, Files.readString(config).replace("session.timeout.ms: 6000", "session.timeout.ms: 120000"));
      CrashRecoveryTest.produce(broker.bootstrap(), "leaving.raw", "l", 8);
      try (LexstreamProcess app = LexstreamProcess.start(config, dir.resolve("work"), "leaving")) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
            .ignoreExceptions().untilAsserted(() -> assertThat(members(admin, "leaving-app")).hasSize(1));

        assertThat(app.terminate(Duration.ofSeconds(60))).as("exited after SIGTERM").isTrue();
        assertThat(app.exitValue()).isEqualTo(143);

        // the process has exited: a member still listed now would hold its partitions for the whole session
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertThat(members(admin, "leaving-app")).as("members after a graceful stop").isEmpty());
      }
    }
  }

  @Test
  void staysInTheGroupOnCloseOnlyWithStaticMembership() {
    Properties dynamic = new Properties();
    dynamic.put("num.stream.threads", "2");
    Properties staticMember = new Properties();
    staticMember.put("main.consumer.group.instance.id", "lexstream-0");
    Properties plainStatic = new Properties();
    plainStatic.put("group.instance.id", "lexstream-0");

    assertThat(Lexstream.groupOnClose(dynamic)).isEqualTo(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    assertThat(Lexstream.groupOnClose(staticMember)).isEqualTo(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
    assertThat(Lexstream.groupOnClose(plainStatic)).isEqualTo(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
  }

  private static List<MemberDescription> members(Admin admin, String group) throws Exception {
    return List.copyOf(admin.describeConsumerGroups(List.of(group)).all().get().get(group).members());
  }
}
