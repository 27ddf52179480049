package dev.lexstream.cli;

import dev.lexstream.kafka.TopicAdmin;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * A {@code --topic} that must already exist, checked with the admin client before a producer or consumer
 * touches it: their metadata requests let a broker with {@code auto.create.topics.enable} (Kafka's default)
 * create a mistyped topic.
 */
final class TopicOption {
  private TopicOption() {}

  /**
   * @param hint what to do about a missing topic, appended to the usage error
   * @throws ParameterException naming {@code --bootstrap} when no broker answers, or {@code --topic} with the
   *     existing topics whose names are close to it
   */
  static void requireExisting(CommandLine cli, String bootstrap, String topic, Duration wait, String hint) {
    try {
      TopicAdmin.requireTopic(bootstrap, Map.of(), topic, wait);
    } catch (TopicAdmin.NoBrokerException e) {
      throw new ParameterException(cli, "--bootstrap: " + e.getMessage());
    } catch (TopicAdmin.MissingTopicException e) {
      String similar = e.similar().stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "));
      throw new ParameterException(cli, "--topic: '" + topic + "' does not exist on " + bootstrap + ". "
          + (similar.isEmpty() ? "" : "Did you mean " + similar + "? ") + hint);
    }
  }
}
