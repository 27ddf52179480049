package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM flushes what waits in micro-batch buffers before the process goes. */
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
}
