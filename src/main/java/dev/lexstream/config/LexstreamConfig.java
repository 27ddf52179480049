package dev.lexstream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated Lexstream config (see DESIGN.md, "Pipeline config"). Built by {@link ConfigLoader};
 * immutable; {@code models} keeps the order of the file.
 */
public record LexstreamConfig(
        KafkaSettings kafka,
        SerializationSettings serialization,
        Map<String, ModelSettings> models,
        List<PipelineSettings> pipelines,
        OpsSettings ops) {

    public LexstreamConfig {
        ops = ops == null ? OpsSettings.defaults() : ops;
        kafka = kafka == null ? KafkaSettings.defaults() : kafka;
        serialization = serialization == null ? SerializationSettings.defaults() : serialization;
        models = models == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(models));
        pipelines = pipelines == null ? List.of() : List.copyOf(pipelines);
    }

    /** A config without an {@code ops:} section (no ops HTTP server). */
    public LexstreamConfig(KafkaSettings kafka, SerializationSettings serialization, Map<String, ModelSettings> models,
                           List<PipelineSettings> pipelines) {
        this(kafka, serialization, models, pipelines, null);
    }

    /** This config with other ops settings. */
    public LexstreamConfig withOps(OpsSettings ops) {
        return new LexstreamConfig(kafka, serialization, models, pipelines, ops);
    }
}
