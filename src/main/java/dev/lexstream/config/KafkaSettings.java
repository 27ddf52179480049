package dev.lexstream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kafka:} section.
 *
 * @param bootstrap         bootstrap servers; {@value #EMBEDDED} starts an in-process broker
 *                          (overridden by the environment variable {@code LEXSTREAM_KAFKA_BOOTSTRAP})
 * @param applicationId     the Kafka Streams application id (consumer group)
 * @param partitions        partitions for the topics the app creates
 * @param replicationFactor replication factor for the topics the app creates
 * @param properties        passed through to Kafka Streams and clients (ordered, immutable)
 */
public record KafkaSettings(
        String bootstrap,
        String applicationId,
        int partitions,
        short replicationFactor,
        Map<String, String> properties) {

    public static final String EMBEDDED = "embedded";
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    public static final String DEFAULT_APPLICATION_ID = "lexstream";
    public static final int DEFAULT_PARTITIONS = 4;
    public static final short DEFAULT_REPLICATION_FACTOR = 1;

    public KafkaSettings {
        bootstrap = bootstrap == null ? DEFAULT_BOOTSTRAP : bootstrap;
        applicationId = applicationId == null ? DEFAULT_APPLICATION_ID : applicationId;
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** The settings used when the file has no {@code kafka:} section. */
    public static KafkaSettings defaults() {
        return new KafkaSettings(DEFAULT_BOOTSTRAP, DEFAULT_APPLICATION_ID, DEFAULT_PARTITIONS,
                DEFAULT_REPLICATION_FACTOR, Map.of());
    }

    /** True when {@code bootstrap} is {@value #EMBEDDED}: start an in-process broker. */
    public boolean embedded() {
        return EMBEDDED.equals(bootstrap);
    }
}
