// `lexstream broker`: a single-node Kafka for local work and scripts, which wait for its "ready" line on stdout.
package dev.lexstream.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.lexstream.kafka.EmbeddedKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {
                "Runs a single-node Kafka broker (KRaft, broker+controller) in this process until it is killed.",
                "Prints \"ready <bootstrap>\" on stdout once it accepts clients; logs go to stderr."
        })
public final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
            description = "Client port on localhost; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory, kept across restarts (default: a temporary directory removed on exit).")
    Path data;

    /** Opened once the broker is up; tests use it to stop a broker started in a thread. */
    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, got " + port);
        }
        EmbeddedKafka broker = EmbeddedKafka.start(data, port);
        // SIGTERM runs shutdown hooks only; closing here lets the broker write its clean-shutdown marker
        // so the next start on the same --data directory skips log recovery.
        Thread hook = new Thread(broker::close, "lexstream-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("ready " + broker.bootstrap());
        out.flush();
        try {
            stop.await();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting and the hook is running or will run.
            }
            broker.close();
        }
        return 0;
    }

    /** Stops a broker started by {@link #call()} in this JVM, as SIGTERM would. */
    public void stop() {
        stop.countDown();
    }
}
