package dev.lexstream.cli;

import dev.lexstream.config.ConfigLoader;
import dev.lexstream.config.LexstreamConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Loads a config for a command, applying the {@code --bootstrap} option over file and environment. */
final class Configs {
  private Configs() {}

  static LexstreamConfig load(Path file, String bootstrapOption) {
    // --bootstrap goes through the same validation as the environment override it outranks
    Map<String, String> env = new HashMap<>(System.getenv());
    if (bootstrapOption != null) {
      env.put(ConfigLoader.ENV_BOOTSTRAP, bootstrapOption);
    }
    return ConfigLoader.load(file, env);
  }
}
