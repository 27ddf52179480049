package dev.lexstream.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * The YAML as Jackson binds it: boxed numbers and plain strings so that absent keys, defaults,
 * enums and durations are resolved (with key paths in the errors) by {@link ConfigValidator}.
 * Record component names are the YAML keys; their order is the order of "allowed keys" in errors.
 */
final class RawConfig {

    private RawConfig() {
    }

    record Root(Kafka kafka, Serialization serialization, LinkedHashMap<String, Model> models,
                List<Pipeline> pipelines) {
    }

    record Kafka(String bootstrap, String applicationId, Integer partitions, Integer replicationFactor,
                 LinkedHashMap<String, String> properties) {
    }

    record Serialization(String format, String registryUrl) {
    }

    record Model(String source, String device) {
    }

    record Pipeline(String name, String input, String output, String quarantine, String deadLetter,
                    String inputFormat, Batching batching, List<Classify> classify, Integer maxTextBytes,
                    JsonNode summarize, JsonNode translate, JsonNode safety) {
    }

    record Batching(Integer maxRecords, Integer maxTokens, String maxWait) {
    }

    record Classify(String name, String model, LinkedHashMap<String, String> labels,
                    LinkedHashMap<String, List<String>> examples, Train train) {
    }

    record Train(String file, String format, JsonNode text, String label, LinkedHashMap<String, String> labelMap,
                 Integer skip, Integer limit, Integer perLabel, String head, Integer epochs) {
    }
}
