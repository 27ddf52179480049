package dev.lexstream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

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
    /** The producer setting that caps one record: {@value}. */
    public static final String MAX_REQUEST_SIZE = ProducerConfig.MAX_REQUEST_SIZE_CONFIG;
    /** The same setting for Kafka Streams' producer only; it wins over {@link #MAX_REQUEST_SIZE}. */
    public static final String PRODUCER_MAX_REQUEST_SIZE = StreamsConfig.producerPrefix(MAX_REQUEST_SIZE);
    /** The producer's own default of max.request.size (1 MiB). */
    public static final int DEFAULT_MAX_REQUEST_SIZE =
            (Integer) ProducerConfig.configDef().defaultValues().get(MAX_REQUEST_SIZE);

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

    /**
     * The max.request.size Kafka Streams' producer will run with, from the properties passed through
     * to it: the {@code producer.}-prefixed value over the plain one (as StreamsConfig resolves them),
     * else the producer's default. Values are validated at load time.
     */
    public int maxRequestSize() {
        String value = properties.getOrDefault(PRODUCER_MAX_REQUEST_SIZE, properties.get(MAX_REQUEST_SIZE));
        return value == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(value.trim());
    }

    /** True when {@code bootstrap} is {@value #EMBEDDED}: start an in-process broker. */
    public boolean embedded() {
        return EMBEDDED.equals(bootstrap);
    }
}
