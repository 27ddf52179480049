package dev.lexstream.cli;

import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import java.nio.file.Path;

/** Loads a config for a command, applying the {@code --bootstrap} option over file and environment. */
final class Configs {
  /** The option that overrides kafka.bootstrap; errors about its value name it. */
  static final String BOOTSTRAP_OPTION = "--bootstrap";

  private Configs() {}

  static LexstreamConfig load(Path file, String bootstrapOption) {
    return ConfigLoader.load(file, System.getenv(), bootstrapOption, BOOTSTRAP_OPTION);
  }
}
