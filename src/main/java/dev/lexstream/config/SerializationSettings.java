package dev.lexstream.config;

import java.time.Duration;

/**
 * {@code serialization:} section: how output records are encoded, and how to reach the schema
 * registry (for {@code registry} output, and for registry-encoded input in any format).
 *
 * @param format      {@code single-object} (Avro single-object encoding), {@code registry}
 *                    (Confluent wire format with a schema registry) or {@code json}
 * @param registryUrl the schema registry URL(s), comma-separated; required for {@code registry},
 *                    null unless given
 * @param registry    the registry client settings (defaults when the keys are absent)
 */
public record SerializationSettings(Format format, String registryUrl, Registry registry) {

    /** Overrides {@code serialization.format} when set and non-empty. */
    public static final String ENV_FORMAT = "LEXSTREAM_SERIALIZATION_FORMAT";
    /** Overrides {@code serialization.registryUrl} when set and non-empty. */
    public static final String ENV_REGISTRY_URL = "LEXSTREAM_REGISTRY_URL";
    /** Overrides {@code serialization.basicAuth.username} when set and non-empty. */
    public static final String ENV_REGISTRY_USERNAME = "LEXSTREAM_REGISTRY_USERNAME";
    /** Overrides {@code serialization.basicAuth.password} when set and non-empty. */
    public static final String ENV_REGISTRY_PASSWORD = "LEXSTREAM_REGISTRY_PASSWORD";
    /** Overrides {@code serialization.truststore.password} when set and non-empty. */
    public static final String ENV_TRUSTSTORE_PASSWORD = "LEXSTREAM_REGISTRY_TRUSTSTORE_PASSWORD";

    public enum Format {
        SINGLE_OBJECT("single-object"), REGISTRY("registry"), JSON("json");

        private final String yamlName;

        Format(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The spelling in YAML, e.g. {@code single-object}. */
        public String yamlName() {
            return yamlName;
        }
    }

    /** How a registry subject is named (Confluent's TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy). */
    public enum SubjectStrategy {
        /** {@code <topic>-value} / {@code <topic>-key}. */
        TOPIC("topic"),
        /** The record's full name, e.g. {@code dev.lexstream.avro.EnrichedText}. */
        RECORD("record"),
        /** {@code <topic>-<record full name>}. */
        TOPIC_RECORD("topic-record");

        private final String yamlName;

        SubjectStrategy(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }

    /** HTTP basic authentication for the registry. */
    public record BasicAuth(String username, String password) {
        @Override
        public String toString() {
            return "BasicAuth[username=" + username + ", password=***]";
        }
    }

    /** Trust store for a registry served over https with a certificate the JVM does not trust. */
    public record Truststore(String path, String password, String type) {
        public static final String DEFAULT_TYPE = "PKCS12";

        @Override
        public String toString() {
            return "Truststore[path=" + path + ", password=" + (password == null ? "null" : "***") + ", type=" + type + "]";
        }
    }

    /**
     * Registry client settings.
     *
     * @param subjectStrategy how subjects are named
     * @param autoRegister    register Lexstream's schemas when missing; when false they must be registered already
     * @param keys            write record keys in the registry format too (as Avro {@code string}, or
     *                        {@code bytes} for keys that are not UTF-8); only with {@code format: registry}
     * @param basicAuth       null when the registry needs no authentication
     * @param truststore      null to use the JVM's trust store
     * @param timeout         connect and request timeout of one HTTP call
     * @param retries         further attempts after a 5xx answer, a timeout or a connection failure
     * @param retryBackoff    wait before the first retry; doubled for each further one
     */
    public record Registry(SubjectStrategy subjectStrategy, boolean autoRegister, boolean keys, BasicAuth basicAuth,
                           Truststore truststore, Duration timeout, int retries, Duration retryBackoff) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
        public static final int DEFAULT_RETRIES = 3;
        public static final int MAX_RETRIES = 20;
        public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);

        public static Registry defaults() {
            return new Registry(SubjectStrategy.TOPIC, true, false, null, null, DEFAULT_TIMEOUT, DEFAULT_RETRIES,
                    DEFAULT_RETRY_BACKOFF);
        }
    }

    public SerializationSettings {
        format = format == null ? Format.SINGLE_OBJECT : format;
        registry = registry == null ? Registry.defaults() : registry;
    }

    /** Format and URL with default registry client settings. */
    public SerializationSettings(Format format, String registryUrl) {
        this(format, registryUrl, Registry.defaults());
    }

    /** The settings used when the file has no {@code serialization:} section. */
    public static SerializationSettings defaults() {
        return new SerializationSettings(Format.SINGLE_OBJECT, null);
    }
}
