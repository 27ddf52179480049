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
        List<PipelineSettings> pipelines) {

    public LexstreamConfig {
        kafka = kafka == null ? KafkaSettings.defaults() : kafka;
        serialization = serialization == null ? SerializationSettings.defaults() : serialization;
        models = models == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(models));
        pipelines = pipelines == null ? List.of() : List.copyOf(pipelines);
    }
}
