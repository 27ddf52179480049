package dev.lexstream.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks a {@code kafka.properties} entry against Kafka's own definitions at config load, so that a
 * bad value is a config error naming its key instead of a failure of Kafka Streams after the models
 * load and the topics are created. Keys Kafka does not define pass unchecked, as Kafka passes them.
 */
final class KafkaPropertiesValidator {

    /** Client prefixes Kafka Streams strips before it hands a property to that client. */
    private static final Map<String, ConfigDef> PREFIXED = Map.of(
            StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.configDef(),
            StreamsConfig.RESTORE_CONSUMER_PREFIX, ConsumerConfig.configDef(),
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, ConsumerConfig.configDef(),
            StreamsConfig.CONSUMER_PREFIX, ConsumerConfig.configDef(),
            StreamsConfig.PRODUCER_PREFIX, ProducerConfig.configDef(),
            StreamsConfig.ADMIN_CLIENT_PREFIX, AdminClientConfig.configDef());

    /** An unprefixed key goes to Kafka Streams and every client it makes (and to our topic admin). */
    private static final List<ConfigDef> UNPREFIXED = List.of(StreamsConfig.configDef(), ConsumerConfig.configDef(),
            ProducerConfig.configDef(), AdminClientConfig.configDef());

    private KafkaPropertiesValidator() {
    }

    /** @throws ConfigException at {@code path} when a definition of {@code key} rejects {@code value} */
    static void check(String path, String key, String value) {
        for (Map.Entry<String, ConfigDef> prefixed : PREFIXED.entrySet()) {
            if (key.startsWith(prefixed.getKey())) {
                check(path, prefixed.getValue(), key.substring(prefixed.getKey().length()), value);
                return;
            }
        }
        for (ConfigDef def : UNPREFIXED) {
            check(path, def, key, value);
        }
    }

    /** Parses and validates one value as {@link ConfigDef#parse} would, without needing the required keys. */
    private static void check(String path, ConfigDef def, String name, String value) {
        ConfigDef.ConfigKey key = def.configKeys().get(name);
        if (key == null) {
            return;
        }
        try {
            Object parsed = ConfigDef.parseType(name, value, key.type);
            if (key.validator != null) {
                key.validator.ensureValid(name, parsed);
            }
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new ConfigException(path, ConfigValidator.invalid(value) + " (Kafka: " + reason(e, name, value)
                    + "); allowed: " + allowed(key), e);
        }
    }

    /** Kafka's message without its "Invalid value V for configuration K: " preamble, which the path says. */
    private static String reason(org.apache.kafka.common.config.ConfigException e, String name, String value) {
        String preamble = "Invalid value " + value + " for configuration " + name + ": ";
        String message = String.valueOf(e.getMessage());
        return message.startsWith(preamble) ? message.substring(preamble.length()) : message;
    }

    private static String allowed(ConfigDef.ConfigKey key) {
        String type = "a value of type " + key.type.name().toLowerCase(Locale.ROOT);
        return key.validator == null ? type : type + ", " + key.validator;
    }
}
