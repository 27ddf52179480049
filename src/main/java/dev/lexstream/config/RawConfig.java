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
                List<Pipeline> pipelines, Ops ops) {
    }

    record Ops(Integer port, String host) {
    }

    record Kafka(String bootstrap, String applicationId, Integer partitions, Integer replicationFactor,
                 LinkedHashMap<String, String> properties) {
    }

    record Serialization(String format, String registryUrl, String subjectStrategy, Boolean autoRegister,
                         Boolean keys, BasicAuth basicAuth, Truststore truststore, String timeout, Integer retries,
                         String retryBackoff) {
    }

    record BasicAuth(String username, String password) {
    }

    record Truststore(String path, String password, String type) {
    }

    record Model(String source, String device, Integer maxBatch, Boolean coalesce) {
    }

    record Pipeline(String name, String input, String output, String quarantine, String deadLetter,
                    String inputFormat, Batching batching, List<Classify> classify, Integer maxTextBytes,
                    Summarize summarize, Translate translate, Safety safety) {
    }

    record Summarize(String model, String method, String ranking, Integer maxSentences, Double maxRatio,
                     Double diversity, String prompt, Generation generation) {
    }

    record Translate(String backend, String target, String source, List<String> languages, String model,
                     String prompt, Generation generation) {
    }

    record Generation(Integer maxNewTokens, Integer numBeams, Double lengthPenalty, Integer noRepeatNgramSize,
                      Integer maxInputTokens) {
    }

    record Batching(Integer maxRecords, Integer maxTokens, String maxWait, Integer inFlight, Boolean flushWhenIdle) {
    }

    record Classify(String name, String model, LinkedHashMap<String, String> labels,
                    LinkedHashMap<String, List<String>> examples, Train train) {
    }

    record Train(String file, String format, JsonNode text, String label, LinkedHashMap<String, String> labelMap,
                 Integer skip, Integer limit, Integer perLabel, String head, Integer epochs) {
    }

    record Safety(String model, SafetyInput input, SafetyOutput output, SafetyThresholds thresholds,
                  SafetyRedaction redaction, String onDetectorError, SafetyTraining training) {
    }

    /** {@code pii} is an action for every PII type, or a map of PII type &rarr; action. */
    record SafetyInput(JsonNode pii, String promptInjection, String toxicity) {
    }

    record SafetyOutput(String toxicity, String unfaithful, String language, String empty, String length) {
    }

    record SafetyThresholds(Double pii, Double promptInjection, Double toxicity, Double outputToxicity,
                            Double summaryFaithfulness, Double translationFaithfulness, Double language,
                            Double maxLengthRatio) {
    }

    record SafetyRedaction(String mode, String mask, String salt) {
    }

    record SafetyTraining(String promptInjection, String toxicity) {
    }
}
