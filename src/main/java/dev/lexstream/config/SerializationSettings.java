package dev.lexstream.config;

/**
 * {@code serialization:} section: how output records are encoded.
 *
 * @param format      {@code single-object} (Avro single-object encoding), {@code registry}
 *                    (Confluent wire format with a schema registry) or {@code json}
 * @param registryUrl the schema registry URL(s); required for {@code registry}, null unless given
 */
public record SerializationSettings(Format format, String registryUrl) {

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

    public SerializationSettings {
        format = format == null ? Format.SINGLE_OBJECT : format;
    }

    /** The settings used when the file has no {@code serialization:} section. */
    public static SerializationSettings defaults() {
        return new SerializationSettings(Format.SINGLE_OBJECT, null);
    }
}
