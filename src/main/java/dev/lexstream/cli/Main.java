package dev.lexstream.cli;

import dev.lexstream.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lexstream} command line: exit 0 on success, 2 on usage or configuration errors
 * (the message names the option or config key), 1 on runtime failures.
 */
@Command(name = "lexstream", mixinStandardHelpOptions = true, version = "lexstream 0.1.0",
    description = "Enrich streams of text on Kafka with model inference.",
    subcommands = {DemoCommand.class, BrokerCommand.class, RunCommand.class, ProduceCommand.class,
        ConsumeCommand.class, EvalCommand.class, BenchCommand.class, ReplayCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_RUNTIME_ERROR = 1;
  public static final int EXIT_USAGE = 2;

  static {
    // Avro 1.12 refuses to instantiate generated classes outside trusted packages unless told
    System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES",
        System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.lexstream"));
    // as inference.DjlOffline does: an operator's explicit -Dai.djl.offline is theirs
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured picocli command line; tests drive it directly. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException) {
        commandLine.getErr().println("lexstream: config error: " + e.getMessage());
        return EXIT_USAGE;
      }
      commandLine.getErr().println("lexstream: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return EXIT_RUNTIME_ERROR;
    });
    return cli;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
