// Checks that the embedded broker is a real Kafka: transactions, read_committed, and durable restarts.
package dev.lexstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lexstream.kafka.TopicAdmin.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void acceptsTransactionalProducerAndReadCommittedConsumer() {
        String bootstrap = TestKafka.bootstrap();
        String topic = "tx-" + UUID.randomUUID();
        TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicSpec.of(topic, 4)), TIMEOUT);

        try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 8; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 8; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
            // A last committed record after the aborted batch proves the consumer read past the abort marker.
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k0", "committed-last"));
            producer.commitTransaction();
        }

        List<String> values = consumeAll(bootstrap, topic, 9);
        assertThat(values)
                .hasSize(9)
                .contains("committed-last")
                .allMatch(v -> v.startsWith("committed-"));
    }

    @Test
    void restartsOnExistingDataDirectoryKeepingRecords(@TempDir Path dir) {
        String topic = "durable";
        try (EmbeddedKafka first = EmbeddedKafka.start(dir, 0)) {
            TopicAdmin.ensureTopics(first.bootstrap(), Map.of(), List.of(TopicSpec.of(topic, 2)), TIMEOUT);
            try (KafkaProducer<String, String> producer = producer(first.bootstrap(), Map.of())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
                }
            }
        }
        String clusterIdFile = read(dir.resolve("logs/meta.properties"));

        try (EmbeddedKafka second = EmbeddedKafka.start(dir, 0)) {
            assertThat(consumeAll(second.bootstrap(), topic, 5)).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4");
            // ensureTopics on the restarted broker finds the topic already there.
            TopicAdmin.ensureTopics(second.bootstrap(), Map.of(), List.of(TopicSpec.of(topic, 2)), TIMEOUT);
        }
        assertThat(read(dir.resolve("logs/meta.properties"))).isEqualTo(clusterIdFile);
    }

    @Test
    void refusesAPortInUseWithAPlainMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
            assertThatThrownBy(() -> EmbeddedKafka.start(null, taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " is already in use");
        }
    }

    static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        return producer(bootstrap, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID()));
    }

    static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        props.putAll(extra);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Reads from the beginning, read_committed, until {@code expected} records came or the timeout passed. */
    static List<String> consumeAll(String bootstrap, String topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            // One more short poll so that records beyond the expected count (say, aborted ones) would show up.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
