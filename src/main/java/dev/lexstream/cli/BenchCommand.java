package dev.lexstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bench}: benchmarks that print ratios measured side by side in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks; each prints a table of ratios measured side by side in one run.",
    subcommands = {BenchPipelineCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand; allowed: " + String.join(", ", spec.subcommands().keySet()));
  }
}
