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
        + "same kafka.applicationId.")
final class RunCommand implements Callable<Integer> {
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
      // SIGTERM: the hook is closing the app; let it finish flushing before the JVM goes
      closed.await();
      return 0;
    }
    // Kafka Streams stopped on its own: an error, already logged
    Runtime.getRuntime().removeShutdownHook(hook);
    app.close();
    return Main.EXIT_RUNTIME_ERROR;
  }
}
