package dev.lexstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** The replay's consumer settings; the replay itself runs against the embedded broker in ReplayCommandTest. */
class DeadLetterReplayTest {
  @Test
  void theConsumerNeverAsksTheBrokerToCreateATopicItLooksUp() {
    // on a broker with auto.create.topics.enable (Kafka's default) a mistyped --to would be created, not refused
    assertThat(DeadLetterReplay.consumerProperties("localhost:9092",
        Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "true", "security.protocol", "SSL")))
        .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false")
        .containsEntry("security.protocol", "SSL");
  }
}
