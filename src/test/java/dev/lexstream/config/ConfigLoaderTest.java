package dev.lexstream.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {

    /** The example of DESIGN.md, "Pipeline config", without summarize/translate/safety. */
    static final String DESIGN_EXAMPLE = """
            kafka:
              bootstrap: localhost:9092          # "embedded" starts an in-process broker
              applicationId: lexstream
              properties: {}                     # passed through to Kafka Streams and clients
            serialization:
              format: single-object              # single-object | registry | json
              registryUrl: http://localhost:8081 # when format is registry
            models:
              minilm:
                source: builtin:all-minilm-l6-v2-q   # builtin:NAME, or a directory path
                device: auto                     # auto | cpu | gpu | gpu:N
            pipelines:
              - name: news
                input: news.raw
                output: news.enriched            # default: <name>.enriched
                quarantine: news.quarantine      # default: <name>.quarantine
                deadLetter: news.dlq             # default: <name>.dlq
                inputFormat: auto                # auto | text | json | avro
                batching: { maxRecords: 32, maxTokens: 4096, maxWait: 50ms }
                classify:
                  - name: topic
                    model: minilm
                    labels:                      # zero-shot: label -> description
                      World: world news, politics, international affairs
                      Sports: sports, games, athletes, matches
                    examples:                    # optional few-shot: label -> example texts
                      Sports: ["The home side won 3-1 in extra time."]
            """;

    static final String MINIMAL = """
            models:
              minilm: { source: builtin:all-minilm-l6-v2-q }
            pipelines:
              - name: news
                input: news.raw
                classify:
                  - name: topic
                    model: minilm
                    labels: { World: world news, Sports: sports news }
            """;

    private static LexstreamConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml", Map.of());
    }

    private static ConfigException error(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage()).as("one line").doesNotContain("\n").doesNotContain("\r");
        assertThat(e.getMessage()).startsWith(e.path() + ": ").contains("; ");
        return e;
    }

    @Test
    void parsesDesignExampleWithDefaults() {
        LexstreamConfig c = parse(DESIGN_EXAMPLE);

        assertThat(c.kafka().bootstrap()).isEqualTo("localhost:9092");
        assertThat(c.kafka().embedded()).isFalse();
        assertThat(c.kafka().applicationId()).isEqualTo("lexstream");
        assertThat(c.kafka().partitions()).isEqualTo(4);
        assertThat(c.kafka().replicationFactor()).isEqualTo((short) 1);
        assertThat(c.kafka().properties()).isEmpty();
        assertThat(c.serialization().format()).isEqualTo(SerializationSettings.Format.SINGLE_OBJECT);
        assertThat(c.serialization().registryUrl()).isEqualTo("http://localhost:8081");
        assertThat(c.models()).containsOnlyKeys("minilm");
        assertThat(c.models().get("minilm")).isEqualTo(new ModelSettings("builtin:all-minilm-l6-v2-q", "auto"));

        assertThat(c.pipelines()).hasSize(1);
        PipelineSettings p = c.pipelines().get(0);
        assertThat(p.name()).isEqualTo("news");
        assertThat(p.input()).isEqualTo("news.raw");
        assertThat(p.output()).isEqualTo("news.enriched");
        assertThat(p.quarantine()).isEqualTo("news.quarantine");
        assertThat(p.deadLetter()).isEqualTo("news.dlq");
        assertThat(p.inputFormat()).isEqualTo(PipelineSettings.InputFormat.AUTO);
        assertThat(p.batching()).isEqualTo(new BatchingSettings(32, 4096, Duration.ofMillis(50), 2, true));
        assertThat(p.maxTextBytes()).isEqualTo(100_000);
        assertThat(p.summarize()).isNull();
        assertThat(p.translate()).isNull();
        assertThat(p.safety()).isNull();
        assertThat(p.classify()).hasSize(1);
        ClassifyTask t = p.classify().get(0);
        assertThat(t.name()).isEqualTo("topic");
        assertThat(t.model()).isEqualTo("minilm");
        assertThat(t.labels()).containsExactly(
                Map.entry("World", "world news, politics, international affairs"),
                Map.entry("Sports", "sports, games, athletes, matches"));
        assertThat(t.examples()).containsExactly(Map.entry("Sports", List.of("The home side won 3-1 in extra time.")));
    }

    @Test
    void appliesDefaultsWhenKeysAreAbsent() {
        LexstreamConfig c = parse(MINIMAL);

        assertThat(c.kafka()).isEqualTo(KafkaSettings.defaults());
        assertThat(c.kafka().bootstrap()).isEqualTo("localhost:9092");
        assertThat(c.serialization()).isEqualTo(new SerializationSettings(SerializationSettings.Format.SINGLE_OBJECT, null));
        assertThat(c.models().get("minilm").device()).isEqualTo("auto");
        PipelineSettings p = c.pipelines().get(0);
        assertThat(p.output()).isEqualTo("news.enriched");
        assertThat(p.quarantine()).isEqualTo("news.quarantine");
        assertThat(p.deadLetter()).isEqualTo("news.dlq");
        assertThat(p.inputFormat()).isEqualTo(PipelineSettings.InputFormat.AUTO);
        assertThat(p.batching()).isEqualTo(BatchingSettings.defaults());
        assertThat(p.batching().maxWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(p.maxTextBytes()).isEqualTo(100_000);
        assertThat(p.classify().get(0).examples()).isEmpty();
    }

    /** Every example config the repository ships (config/*.yaml); observability/ holds no pipeline configs. */
    static Stream<Path> exampleConfigs() throws java.io.IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of("config"))) {
            files = listed.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).contains(Path.of("config/demo.yaml"), Path.of("config/safety.yaml"));
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("exampleConfigs")
    void everyExampleConfigLoads(Path file) {
        LexstreamConfig c = ConfigLoader.load(file, Map.of());
        assertThat(c.pipelines()).isNotEmpty();
    }

    @Test
    void parsesPipelineWithoutModelsOrClassify() {
        LexstreamConfig c = parse("pipelines: [{name: p, input: in}]\n");
        assertThat(c.models()).isEmpty();
        assertThat(c.pipelines().get(0).classify()).isEmpty();
    }

    @Test
    void parsesDemoConfig() {
        LexstreamConfig c = ConfigLoader.load(Path.of("config/demo.yaml"), Map.of());

        assertThat(c.kafka().embedded()).isTrue();
        assertThat(c.kafka().applicationId()).isEqualTo("lexstream-demo");
        assertThat(c.kafka().partitions()).isEqualTo(4);
        assertThat(c.serialization().format()).isEqualTo(SerializationSettings.Format.SINGLE_OBJECT);
        assertThat(c.models()).containsExactly(Map.entry("minilm", new ModelSettings("builtin:all-minilm-l6-v2-q", "auto")));
        PipelineSettings p = c.pipelines().get(0);
        assertThat(p.name()).isEqualTo("demo");
        assertThat(p.input()).isEqualTo("demo.raw");
        assertThat(p.output()).isEqualTo("demo.enriched");
        assertThat(p.batching()).isEqualTo(new BatchingSettings(32, 4096, Duration.ofMillis(50), 2, true));
        assertThat(p.classify()).extracting(ClassifyTask::name).containsExactly("topic", "intent");
        assertThat(p.classify().get(0).labels()).containsOnlyKeys("World", "Sports", "Business", "Sci/Tech");
        assertThat(p.classify().get(0).labels().keySet()).containsExactly("World", "Sports", "Business", "Sci/Tech");
        assertThat(p.classify().get(1).labels()).containsKeys("complaint", "question", "praise", "bug_report");
        assertThat(p.summarize().model()).isEqualTo("minilm");
        assertThat(p.summarize().maxSentences()).isEqualTo(1);
        assertThat(p.translate().backend()).isEqualTo(TranslateSettings.Backend.APERTIUM);
        assertThat(p.translate().target()).isEqualTo("es");
    }

    @Test
    void keepsModelAndLabelOrder() {
        LexstreamConfig c = parse("""
                models:
                  zeta: { source: builtin:a }
                  alpha: { source: builtin:b }
                  mid: { source: /models/c, device: "gpu:1" }
                pipelines:
                  - name: p
                    input: in
                    classify:
                      - name: t
                        model: mid
                        labels: { z: last letter, a: first letter, m: middle letter }
                """);
        assertThat(c.models().keySet()).containsExactly("zeta", "alpha", "mid");
        assertThat(c.models().get("mid").device()).isEqualTo("gpu:1");
        assertThat(c.pipelines().get(0).classify().get(0).labels().keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void configIsImmutable() {
        LexstreamConfig c = parse(DESIGN_EXAMPLE);
        assertThatThrownBy(() -> c.models().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.pipelines().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.kafka().properties().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
        ClassifyTask t = c.pipelines().get(0).classify().get(0);
        assertThatThrownBy(() -> t.labels().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.examples().get("Sports").add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void kafkaPropertiesScalarsBecomeStrings() {
        LexstreamConfig c = parse("""
                kafka:
                  partitions: 8
                  replicationFactor: 3
                  properties:
                    processing.guarantee: exactly_once_v2
                    num.stream.threads: 2
                    enable.idempotence: true
                    sasl.login.refresh.window.factor: 0.8
                pipelines: [{name: p, input: in}]
                """);
        assertThat(c.kafka().partitions()).isEqualTo(8);
        assertThat(c.kafka().replicationFactor()).isEqualTo((short) 3);
        assertThat(c.kafka().properties()).containsExactly(
                Map.entry("processing.guarantee", "exactly_once_v2"),
                Map.entry("num.stream.threads", "2"),
                Map.entry("enable.idempotence", "true"),
                Map.entry("sasl.login.refresh.window.factor", "0.8"));
    }

    @Test
    void parsesEnumsAndIsoDuration() {
        LexstreamConfig c = parse("""
                serialization: { format: registry, registryUrl: "http://registry:8081" }
                pipelines:
                  - { name: a, input: a.in, inputFormat: json, batching: { maxWait: PT0.25S } }
                  - { name: b, input: b.in, inputFormat: avro, batching: { maxWait: 1.5s }, maxTextBytes: 10 }
                  - { name: c, input: c.in, inputFormat: text }
                """);
        assertThat(c.serialization().format()).isEqualTo(SerializationSettings.Format.REGISTRY);
        assertThat(c.pipelines()).extracting(PipelineSettings::inputFormat).containsExactly(
                PipelineSettings.InputFormat.JSON, PipelineSettings.InputFormat.AVRO, PipelineSettings.InputFormat.TEXT);
        assertThat(c.pipelines().get(0).batching().maxWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.pipelines().get(1).batching().maxWait()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.pipelines().get(1).batching().maxRecords()).isEqualTo(32);
        assertThat(c.pipelines().get(1).maxTextBytes()).isEqualTo(10);
    }

    @Test
    void envOverridesBootstrap() {
        LexstreamConfig c = ConfigLoader.parse(DESIGN_EXAMPLE, "test.yaml",
                Map.of(ConfigLoader.ENV_BOOTSTRAP, "broker-1:9092,broker-2:9092"));
        assertThat(c.kafka().bootstrap()).isEqualTo("broker-1:9092,broker-2:9092");

        LexstreamConfig embedded = ConfigLoader.parse(DESIGN_EXAMPLE, "test.yaml",
                Map.of("LEXSTREAM_KAFKA_BOOTSTRAP", "embedded"));
        assertThat(embedded.kafka().embedded()).isTrue();
    }

    @Test
    void emptyEnvDoesNotOverrideBootstrap() {
        LexstreamConfig c = ConfigLoader.parse("kafka: {bootstrap: 'kafka:29092'}\npipelines: [{name: p, input: in}]",
                "test.yaml", Map.of(ConfigLoader.ENV_BOOTSTRAP, ""));
        assertThat(c.kafka().bootstrap()).isEqualTo("kafka:29092");
    }

    @Test
    void bootstrapOptionOutranksTheEnvironmentAndErrorsNameTheOption(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "kafka: {bootstrap: 'file:1'}\npipelines: [{name: p, input: in}]\n");
        Map<String, String> env = Map.of(ConfigLoader.ENV_BOOTSTRAP, "env:1");
        assertThat(ConfigLoader.load(f, env, "option:1", "--bootstrap").kafka().bootstrap()).isEqualTo("option:1");
        assertThat(ConfigLoader.load(f, env, null, "--bootstrap").kafka().bootstrap()).isEqualTo("env:1");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(f, env, "foo", "--bootstrap"));
        assertThat(e.getMessage()).startsWith("kafka.bootstrap: 'foo' (from --bootstrap) is not a bootstrap server list")
                .doesNotContain(ConfigLoader.ENV_BOOTSTRAP);
    }

    @Test
    void rejectsBadBootstrapFromEnvNamingTheVariable() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(MINIMAL, "t.yaml",
                Map.of(ConfigLoader.ENV_BOOTSTRAP, "no-port")));
        assertThat(e.path()).isEqualTo("kafka.bootstrap");
        assertThat(e.getMessage()).contains("LEXSTREAM_KAFKA_BOOTSTRAP").contains("host:port");
    }

    @Test
    void loadsFileFromDisk(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, MINIMAL);
        assertThat(ConfigLoader.load(f, Map.of()).pipelines()).hasSize(1);
    }

    // ---- errors ----

    @Test
    void rejectsMissingFile(@TempDir Path dir) {
        Path f = dir.resolve("nope.yaml");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
        assertThat(e.path()).isEqualTo(f.toString());
        assertThat(e.getMessage()).startsWith(f + ": ").contains("not found");
    }

    @Test
    void rejectsUnknownKeyNamingAllowedKeys() {
        ConfigException e = error("""
                pipelines:
                  - name: p
                    input: in
                    batching: { maxRecords: 8, maxWiat: 10ms }
                """);
        assertThat(e.path()).isEqualTo("pipelines[0].batching.maxWiat");
        assertThat(e.getMessage()).isEqualTo("pipelines[0].batching.maxWiat: unknown key 'maxWiat'; "
                + "allowed keys: maxRecords, maxTokens, maxWait, inFlight, flushWhenIdle");
    }

    @Test
    void rejectsUnknownTopLevelKey() {
        ConfigException e = error("pipeline: []\n");
        assertThat(e.path()).isEqualTo("pipeline");
        assertThat(e.getMessage()).endsWith("allowed keys: kafka, serialization, models, pipelines, ops");
    }

    @Test
    void rejectsUnknownKeyInModel() {
        ConfigException e = error("models: { minilm: { source: x, gpu: true } }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.path()).isEqualTo("models.minilm.gpu");
        assertThat(e.getMessage()).contains("allowed keys: source, device");
    }

    @Test
    void rejectsInFlightOutOfRangeNamingTheRange() {
        ConfigException e = error("pipelines: [{name: p, input: in, batching: {inFlight: 0}}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].batching.inFlight");
        assertThat(e.getMessage()).isEqualTo("pipelines[0].batching.inFlight: 0 is out of range; allowed: 1..16");
    }

    @Test
    void flushWhenIdleIsOnUnlessTurnedOffAndMustBeABoolean() {
        assertThat(BatchingSettings.defaults().flushWhenIdle()).isTrue();
        LexstreamConfig off = ConfigLoader.parse("pipelines: [{name: p, input: in, batching: {flushWhenIdle: false}}]\n",
                "t.yaml", Map.of());
        assertThat(off.pipelines().get(0).batching().flushWhenIdle()).isFalse();
        ConfigException e = error("pipelines: [{name: p, input: in, batching: {flushWhenIdle: sometimes}}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].batching.flushWhenIdle");
        assertThat(e.getMessage()).contains("true or false");
    }

    @Test
    void rejectsBadDurationNamingAllowedForms() {
        ConfigException e = error("pipelines: [{name: p, input: in, batching: {maxWait: 50 millis}}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].batching.maxWait");
        assertThat(e.getMessage()).startsWith("pipelines[0].batching.maxWait: '50 millis' is not a duration; allowed: ")
                .contains("ms, s, m or h").contains("1.5s").contains("PT0.05S");
    }

    @Test
    void rejectsZeroDuration() {
        ConfigException e = error("pipelines: [{name: p, input: in, batching: {maxWait: 0ms}}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].batching.maxWait");
        assertThat(e.getMessage()).contains("> 0");
    }

    @Test
    void rejectsUnknownModelReference() {
        ConfigException e = error("""
                models:
                  minilm: { source: builtin:all-minilm-l6-v2-q }
                pipelines:
                  - name: p
                    input: in
                    classify:
                      - { name: t, model: foo, labels: { a: aa, b: bb } }
                """);
        assertThat(e.path()).isEqualTo("pipelines[0].classify[0].model");
        assertThat(e.getMessage()).isEqualTo("pipelines[0].classify[0].model: unknown model 'foo'; defined models: minilm");
    }

    @Test
    void rejectsDuplicateKeys() {
        ConfigException e = error("""
                pipelines:
                  - name: p
                    input: in
                    input: other
                """);
        assertThat(e.path()).isEqualTo("pipelines[0].input");
        assertThat(e.getMessage()).contains("duplicate key 'input'");
    }

    @Test
    void rejectsDuplicateLabels() {
        ConfigException e = error("""
                models: { m: { source: x } }
                pipelines:
                  - name: p
                    input: in
                    classify:
                      - name: t
                        model: m
                        labels:
                          a: one
                          b: two
                          a: three
                """);
        assertThat(e.path()).isEqualTo("pipelines[0].classify[0].labels.a");
        assertThat(e.getMessage()).contains("duplicate key 'a'");
    }

    @Test
    void rejectsWrongType() {
        ConfigException notInt = error("pipelines: [{name: p, input: in, batching: {maxRecords: many}}]\n");
        assertThat(notInt.path()).isEqualTo("pipelines[0].batching.maxRecords");
        assertThat(notInt.getMessage()).isEqualTo(
                "pipelines[0].batching.maxRecords: 'many' is not an integer; expected: an integer");

        ConfigException listForMap = error("kafka: { properties: [a, b] }\npipelines: [{name: p, input: in}]\n");
        assertThat(listForMap.path()).isEqualTo("kafka.properties");
        assertThat(listForMap.getMessage()).isEqualTo("kafka.properties: got a list; expected: a map of property: value");

        ConfigException mapForString = error("pipelines: [{name: p, input: {topic: x}}]\n");
        assertThat(mapForString.path()).isEqualTo("pipelines[0].input");
        assertThat(mapForString.getMessage()).isEqualTo("pipelines[0].input: got a map; expected: a topic name");

        ConfigException mapForList = error("pipelines: {name: p, input: in}\n");
        assertThat(mapForList.path()).isEqualTo("pipelines");
        assertThat(mapForList.getMessage()).contains("got a map; expected: a list");

        ConfigException floatForInt = error("kafka: { partitions: 1.5 }\npipelines: [{name: p, input: in}]\n");
        assertThat(floatForInt.path()).isEqualTo("kafka.partitions");
        assertThat(floatForInt.getMessage()).contains("expected: an integer");

        ConfigException outOfRange = error("kafka: { partitions: 99999999999 }\npipelines: [{name: p, input: in}]\n");
        assertThat(outOfRange.path()).isEqualTo("kafka.partitions");
        assertThat(outOfRange.getMessage()).contains("out of range");

        ConfigException listForDuration = error("pipelines: [{name: p, input: in, batching: {maxWait: [1]}}]\n");
        assertThat(listForDuration.getMessage()).isEqualTo(
                "pipelines[0].batching.maxWait: got a list; expected: a duration (e.g. 50ms, 1.5s, PT0.05S)");
    }

    @Test
    void rejectsMissingRequiredKey() {
        ConfigException input = error("pipelines: [{name: p}]\n");
        assertThat(input.path()).isEqualTo("pipelines[0].input");
        assertThat(input.getMessage()).startsWith("pipelines[0].input: missing required key; required: ");

        ConfigException name = error("pipelines: [{input: in}]\n");
        assertThat(name.path()).isEqualTo("pipelines[0].name");

        ConfigException source = error("models: { minilm: { device: cpu } }\npipelines: [{name: p, input: in}]\n");
        assertThat(source.path()).isEqualTo("models.minilm.source");

        ConfigException labels = error("models: { m: { source: x } }\n"
                + "pipelines: [{name: p, input: in, classify: [{name: t, model: m}]}]\n");
        assertThat(labels.path()).isEqualTo("pipelines[0].classify[0].labels");

        ConfigException pipelines = error("kafka: { bootstrap: embedded }\n");
        assertThat(pipelines.path()).isEqualTo("pipelines");
    }

    @Test
    void rejectsBadEnumValue() {
        ConfigException e = error("serialization: { format: avro }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.path()).isEqualTo("serialization.format");
        assertThat(e.getMessage()).isEqualTo(
                "serialization.format: 'avro' is not allowed; allowed: single-object, registry, json");

        ConfigException in = error("pipelines: [{name: p, input: in, inputFormat: csv}]\n");
        assertThat(in.getMessage()).isEqualTo(
                "pipelines[0].inputFormat: 'csv' is not allowed; allowed: auto, text, json, avro");
    }

    @Test
    void rejectsRegistryFormatWithoutUrl() {
        ConfigException e = error("serialization: { format: registry }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.path()).isEqualTo("serialization.registryUrl");
        assertThat(e.getMessage()).contains("required when serialization.format is registry");
    }

    @Test
    void rejectsEmptyFile() {
        ConfigException e = error("# nothing here\n");
        assertThat(e.path()).isEqualTo("test.yaml");
        assertThat(e.getMessage()).contains("empty");
    }

    @Test
    void rejectsNonMapFile() {
        ConfigException e = error("- a\n- b\n");
        assertThat(e.path()).isEqualTo("test.yaml");
        assertThat(e.getMessage()).contains("a list").contains("pipelines");
    }

    @Test
    void rejectsInvalidYamlWithLine() {
        ConfigException e = error("pipelines:\n  - name: p\n   input: [unclosed\n");
        assertThat(e.path()).isEqualTo("test.yaml");
        assertThat(e.getMessage()).startsWith("test.yaml: invalid YAML at line 3, column ");
    }

    @Test
    void rejectsEmptyPipelines() {
        ConfigException e = error("pipelines: []\n");
        assertThat(e.path()).isEqualTo("pipelines");
        assertThat(e.getMessage()).contains("at least one pipeline");
    }

    @Test
    void rejectsBadModelNameAndDevice() {
        ConfigException name = error("models: { 'mini lm': { source: x } }\npipelines: [{name: p, input: in}]\n");
        assertThat(name.path()).isEqualTo("models['mini lm']");
        assertThat(name.getMessage()).contains("letters, digits");

        ConfigException device = error("models: { minilm: { source: x, device: cuda } }\npipelines: [{name: p, input: in}]\n");
        assertThat(device.path()).isEqualTo("models.minilm.device");
        assertThat(device.getMessage()).endsWith("allowed: auto, cpu, gpu, gpu:N (N = GPU index, 0-9999)");

        ConfigException index = error("models: { minilm: { source: x, device: 'gpu:99999999999' } }\n"
                + "pipelines: [{name: p, input: in}]\n");
        assertThat(index.path()).isEqualTo("models.minilm.device");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:99999", "localhost:0", "a:9092,b:65536"})
    void rejectsBootstrapPortsOutOfRangeNamingTheRange(String bootstrap) {
        ConfigException e = error("kafka: { bootstrap: '" + bootstrap + "' }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.path()).isEqualTo("kafka.bootstrap");
        assertThat(e.getMessage()).contains("port 1-65535");
    }

    @Test
    void rejectsBadPipelineName() {
        ConfigException e = error("pipelines: [{name: 'my pipeline', input: in}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].name");
    }

    @Test
    void rejectsDuplicatePipelineName() {
        ConfigException e = error("pipelines: [{name: p, input: a}, {name: p, input: b}]\n");
        assertThat(e.path()).isEqualTo("pipelines[1].name");
        assertThat(e.getMessage()).contains("duplicate pipeline name 'p'");
    }

    @Test
    void rejectsDuplicateClassifyTaskName() {
        ConfigException e = error("""
                models: { m: { source: x } }
                pipelines:
                  - name: p
                    input: in
                    classify:
                      - { name: t, model: m, labels: { a: aa, b: bb } }
                      - { name: t, model: m, labels: { c: cc, d: dd } }
                """);
        assertThat(e.path()).isEqualTo("pipelines[0].classify[1].name");
        assertThat(e.getMessage()).contains("duplicate task name 't'");
    }

    @Test
    void rejectsInvalidTopicNames() {
        ConfigException input = error("pipelines: [{name: p, input: 'news raw'}]\n");
        assertThat(input.path()).isEqualTo("pipelines[0].input");
        assertThat(input.getMessage()).contains("not a valid topic name").contains("249");

        ConfigException tooLong = error("pipelines: [{name: p, input: in, output: " + "x".repeat(250) + "}]\n");
        assertThat(tooLong.path()).isEqualTo("pipelines[0].output");

        ConfigException dot = error("pipelines: [{name: p, input: in, deadLetter: '..'}]\n");
        assertThat(dot.path()).isEqualTo("pipelines[0].deadLetter");
    }

    @Test
    void rejectsOutputTopicEqualToInput() {
        ConfigException e = error("pipelines: [{name: p, input: p.dlq}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].deadLetter");
        assertThat(e.getMessage()).contains("input topic");

        ConfigException out = error("pipelines: [{name: p, input: t, output: t}]\n");
        assertThat(out.path()).isEqualTo("pipelines[0].output");
    }

    @Test
    void rejectsSharedOutputTopicsWithinPipeline() {
        ConfigException e = error("pipelines: [{name: p, input: in, output: x, quarantine: x}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].quarantine");
    }

    @Test
    void rejectsTwoPipelinesReadingOneTopic() {
        ConfigException e = error("pipelines: [{name: p, input: in}, {name: q, input: in}]\n");
        assertThat(e.path()).isEqualTo("pipelines[1].input");
    }

    @Test
    void rejectsFewerThanTwoLabels() {
        ConfigException e = error("models: { m: { source: x } }\n"
                + "pipelines: [{name: p, input: in, classify: [{name: t, model: m, labels: {only: one}}]}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].classify[0].labels");
        assertThat(e.getMessage()).contains("at least 2 labels");
    }

    @Test
    void rejectsExampleForUnknownLabel() {
        ConfigException e = error("models: { m: { source: x } }\n"
                + "pipelines: [{name: p, input: in, classify: [{name: t, model: m, labels: {a: aa, b: bb},"
                + " examples: {c: [text]}}]}]\n");
        assertThat(e.path()).isEqualTo("pipelines[0].classify[0].examples.c");
        assertThat(e.getMessage()).isEqualTo("pipelines[0].classify[0].examples.c: unknown label 'c'; labels: a, b");
    }

    @Test
    void rejectsNonPositiveNumbers() {
        assertThat(error("pipelines: [{name: p, input: in, batching: {maxRecords: 0}}]\n").path())
                .isEqualTo("pipelines[0].batching.maxRecords");
        assertThat(error("pipelines: [{name: p, input: in, batching: {maxTokens: -1}}]\n").path())
                .isEqualTo("pipelines[0].batching.maxTokens");
        assertThat(error("pipelines: [{name: p, input: in, maxTextBytes: 0}]\n").path())
                .isEqualTo("pipelines[0].maxTextBytes");
        ConfigException e = error("kafka: { partitions: 0 }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.getMessage()).isEqualTo("kafka.partitions: 0 is too small; allowed: an integer >= 1");
    }

    @Test
    void rejectsBootstrapServersInProperties() {
        ConfigException e = error("kafka: { properties: { bootstrap.servers: 'x:1' } }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.path()).isEqualTo("kafka.properties['bootstrap.servers']");
        assertThat(e.getMessage()).contains("kafka.bootstrap");
    }

    @Test
    void rejectsExceptionHandlersThatCouldSkipRecords() {
        for (String key : List.of("processing.exception.handler", "production.exception.handler",
                "default.production.exception.handler")) {
            ConfigException e = error("kafka: { properties: { " + key + ": "
                    + "org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler } }\n"
                    + "pipelines: [{name: p, input: in}]\n");
            assertThat(e.path()).isEqualTo("kafka.properties['" + key + "']");
            assertThat(e.getMessage()).contains("is not allowed", "dead-letter topic", "remove it");
        }
    }

    @Test
    void readsMaxRequestSizeAsKafkaStreamsGivesItToItsProducer() {
        for (String properties : List.of("{}", "{max.request.size: 2097152}", "{producer.max.request.size: ' 300000'}",
                "{max.request.size: 5000000, producer.max.request.size: 100000}", "{linger.ms: 5}")) {
            KafkaSettings kafka = parse("kafka: {properties: " + properties + "}\npipelines: [{name: p, input: in}]\n")
                    .kafka();
            Properties props = new Properties();
            props.putAll(kafka.properties());
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
            Object streams = new StreamsConfig(props).getProducerConfigs("client")
                    .getOrDefault(KafkaSettings.MAX_REQUEST_SIZE, KafkaSettings.DEFAULT_MAX_REQUEST_SIZE);
            assertThat(kafka.maxRequestSize()).as(properties).isEqualTo(Integer.parseInt(streams.toString().trim()));
        }
        assertThat(KafkaSettings.defaults().maxRequestSize()).isEqualTo(1024 * 1024);
    }

    @Test
    void rejectsAMaxRequestSizeThatIsNotASizeInBytes() {
        ConfigException e = error("kafka: { properties: { producer.max.request.size: 1MB } }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.getMessage()).isEqualTo(
                "kafka.properties['producer.max.request.size']: '1MB' is not valid; allowed: a size in bytes from 1 to 2147483647");
        assertThat(error("kafka: { properties: { max.request.size: 0 } }\npipelines: [{name: p, input: in}]\n").path())
                .isEqualTo("kafka.properties['max.request.size']");
    }

    @Test
    void rejectsAKafkaPropertyValueKafkaWouldRejectNamingTheKey() {
        ConfigException e = error("kafka: { properties: { num.stream.threads: two } }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.path()).isEqualTo("kafka.properties['num.stream.threads']");
        assertThat(e.getMessage()).startsWith("kafka.properties['num.stream.threads']: 'two' is not valid")
                .contains("allowed: a value of type int");
    }

    @Test
    void rejectsTheExactlyOnceGuaranteeKafka4RemovedListingTheAllowedOnes() {
        ConfigException e = error("kafka: { properties: { processing.guarantee: exactly_once } }\n"
                + "pipelines: [{name: p, input: in}]\n");
        assertThat(e.path()).isEqualTo("kafka.properties['processing.guarantee']");
        assertThat(e.getMessage()).contains("'exactly_once' is not valid").contains("at_least_once", "exactly_once_v2");
    }

    @Test
    void checksAClientPrefixedKafkaPropertyAgainstThatClient() {
        ConfigException e = error("kafka: { properties: { producer.acks: some } }\npipelines: [{name: p, input: in}]\n");
        assertThat(e.path()).isEqualTo("kafka.properties['producer.acks']");
        assertThat(e.getMessage()).contains("'some' is not valid");
        assertThat(error("kafka: { properties: { main.consumer.max.poll.records: 0 } }\n"
                + "pipelines: [{name: p, input: in}]\n").path())
                .isEqualTo("kafka.properties['main.consumer.max.poll.records']");
    }

    @Test
    void rejectsMultipleDocuments() {
        ConfigException e = error(MINIMAL + "---\n" + MINIMAL);
        assertThat(e.path()).isEqualTo("test.yaml");
    }
}
