package dev.lexstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams properties a config gives: the exactly-once transaction timeout. */
class TransactionTimeoutTest {
  private static final String TIMEOUT = "producer.transaction.timeout.ms";

  private static Properties streamsProperties(String kafkaProperties) {
    return Lexstream.streamsProperties(ConfigLoader.parse("""
        kafka:
          applicationId: t
          properties: {%s}
        models:
          minilm: {source: "builtin:all-minilm-l6-v2-q"}
        pipelines:
          - name: p
            input: in
            classify:
              - name: topic
                model: minilm
                labels: {A: a, B: b}
        """.formatted(kafkaProperties), "t.yaml", Map.of()), "localhost:9092", Path.of("work"));
  }

  @Test
  void exactlyOnceTransactionsOutliveTheLongestPollIntervalByDefault() {
    // Kafka's 5 min max.poll.interval.ms + the 100 ms exactly-once commit interval + 1 min for the commit
    assertThat(streamsProperties("")).containsEntry(TIMEOUT, "360100");
  }

  @Test
  void kafkaStreamsGivesItToItsProducersInsteadOfItsOwnTenSeconds() {
    Map<String, Object> producer = new StreamsConfig(streamsProperties("")).getProducerConfigs("t-producer");
    assertThat(producer).containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "360100");
  }

  @Test
  void followsThePollIntervalAndCommitIntervalTheConfigSets() {
    assertThat(streamsProperties("max.poll.interval.ms: 600000, commit.interval.ms: 1000"))
        .containsEntry(TIMEOUT, "661000");
    assertThat(streamsProperties("max.poll.interval.ms: 600000, main.consumer.max.poll.interval.ms: 120000"))
        .as("the main consumer's own setting wins, as in Kafka Streams").containsEntry(TIMEOUT, "180100");
  }

  @Test
  void neverAsksForMoreThanTheBrokersDefaultMaximum() {
    assertThat(streamsProperties("consumer.max.poll.interval.ms: 3600000")).containsEntry(TIMEOUT, "900000");
  }

  @Test
  void keepsTheUsersTransactionTimeoutPrefixedOrNot() {
    assertThat(streamsProperties("producer.transaction.timeout.ms: 10000")).containsEntry(TIMEOUT, "10000");
    Properties unprefixed = streamsProperties("transaction.timeout.ms: 20000");
    assertThat(unprefixed).containsEntry("transaction.timeout.ms", "20000").doesNotContainKey(TIMEOUT);
  }

  @Test
  void setsNoTransactionTimeoutWithoutTransactions() {
    assertThat(streamsProperties("processing.guarantee: at_least_once")).doesNotContainKey(TIMEOUT);
  }
}
