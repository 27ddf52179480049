package dev.lexstream.cli;

import dev.lexstream.app.Lexstream;
import dev.lexstream.config.LexstreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: the pipelines of a config until SIGTERM, then a clean close (commit, flush). */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the pipelines of a config until SIGTERM; scale out by starting more instances with the "
        + "same kafka.applicationId. After SIGTERM and a clean close (commit, flush) the exit status is "
        + RunCommand.EXIT_SIGTERM + " (128 + SIGTERM); 1 if Kafka Streams stops on its own.")
final class RunCommand implements Callable<Integer> {
  /**
   * The status after a SIGTERM, clean close or not: the JVM exits with the signal's status once the shutdown
   * hooks are done, whatever call() returns; forcing 0 would need Runtime.halt from the hook.
   */
  static final int EXIT_SIGTERM = 143;

  @Option(names = "--config", required = true, description = "Pipeline config (YAML).")
  Path config;

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers; overrides kafka.bootstrap and "
      + "LEXSTREAM_KAFKA_BOOTSTRAP.")
  String bootstrap;

  @Override
  public Integer call() throws InterruptedException {
    LexstreamConfig loaded = Configs.load(config, bootstrap);
    Lexstream app = Lexstream.start(loaded, Lexstream.defaultWorkDir());
    CountDownLatch closed = new CountDownLatch(1);
    AtomicBoolean terminating = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      terminating.set(true);
      app.close();
      closed.countDown();
    }, "lexstream-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("running " + loaded.pipelines().size() + " pipeline(s) against " + app.bootstrap()
        + (app.opsPort() < 0 ? "" : "; metrics and health on port " + app.opsPort()));
    System.out.flush();
    app.awaitStopped(Duration.ofDays(36500));
    if (terminating.get()) {
      // SIGTERM: the hook is closing the app; let it finish flushing before the JVM goes (with EXIT_SIGTERM:
      // Main's System.exit cannot change the status of a shutdown already under way)
      closed.await();
      return EXIT_SIGTERM;
    }
    // Kafka Streams stopped on its own: an error, already logged
    Runtime.getRuntime().removeShutdownHook(hook);
    app.close();
    return Main.EXIT_RUNTIME_ERROR;
  }
}
