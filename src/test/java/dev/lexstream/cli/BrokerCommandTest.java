// Checks the `broker` command's contract with scripts: the "ready <bootstrap>" line, a usable broker, a clean stop.
package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BrokerCommandTest {

    @Test
    void printsReadyWithABootstrapThatAcceptsClientsAndStopsCleanly() throws Exception {
        BrokerCommand command = new BrokerCommand();
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out, true));
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread runner = new Thread(() -> exitCode.set(cli.execute("--port", "0")), "broker-command");
        runner.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().endsWith("\n"));
        assertThat(out.toString()).matches("ready localhost:\\d+\\R");
        String bootstrap = out.toString().strip().substring("ready ".length());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }

        command.stop();
        runner.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(runner.isAlive()).isFalse();
        assertThat(exitCode.get()).isZero();
    }

    @Test
    void rejectsAnOutOfRangePortAsAUsageError() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new BrokerCommand()).setErr(new PrintWriter(err, true)).execute("--port", "70000");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--port");
    }

    @Test
    void helpNamesTheOptions() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new BrokerCommand()).setOut(new PrintWriter(out, true)).execute("--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("--port", "--data", "ready <bootstrap>");
    }
}
