package dev.lexstream.config;

import com.fasterxml.jackson.databind.JsonNode;


import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Applies defaults to the bound YAML and checks every value; errors name the key path. */
final class ConfigValidator {
    /**
     * Kafka Streams exception handlers that may skip a record: every record must end in an output topic,
     * and Lexstream routes record failures itself (deserialization cannot fail: its serdes are bytes).
     */
    private static final Set<String> RECORD_SKIPPING_HANDLERS = Set.of(
            "processing.exception.handler", "production.exception.handler", "default.production.exception.handler");


    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    /** As {@code DeviceSpec.parse} reads it: a GPU index of at most 4 digits. */
    private static final Pattern DEVICE = Pattern.compile("auto|cpu|gpu|gpu:\\d{1,4}");
    private static final Pattern HOST_PORT = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*://)?(\\[[0-9A-Fa-f:.%A-Za-z]+]|[A-Za-z0-9._-]+):(\\d{1,5})");
    private static final String NAME_ALLOWED = "allowed: letters, digits, '.', '_' and '-'";
    private static final String TOPIC_ALLOWED =
            "allowed: a Kafka topic name (letters, digits, '.', '_', '-'; at most 249 characters)";

    private final String bootstrapOverride;
    private final String bootstrapSource;
    private final Map<String, String> env;

    /**
     * @param bootstrapOverride overrides {@code kafka.bootstrap} when non-blank
     * @param bootstrapSource   where the override came from, as errors about it name it
     *                          (an environment variable or a command-line option)
     * @param env               the environment: serialization overrides (see {@link SerializationSettings})
     */
    ConfigValidator(String bootstrapOverride, String bootstrapSource, Map<String, String> env) {
        this.bootstrapOverride = bootstrapOverride == null || bootstrapOverride.isBlank() ? null
                : bootstrapOverride.strip();
        this.bootstrapSource = bootstrapSource;
        this.env = env;
    }

    LexstreamConfig validate(RawConfig.Root raw, String source) {
        KafkaSettings kafka = kafka(raw.kafka());
        SerializationSettings serialization = serialization(raw.serialization());
        Map<String, ModelSettings> models = models(raw.models());
        List<PipelineSettings> pipelines = pipelines(raw.pipelines(), models);
        OpsSettings ops = ops(raw.ops());
        return new LexstreamConfig(kafka, serialization, models, pipelines, ops);
    }

    // ---- ops ----

    private OpsSettings ops(RawConfig.Ops o) {
        Integer port = o == null ? null : o.port();
        String note = "";
        String fromEnv = env.get(OpsSettings.ENV_PORT);
        if (fromEnv != null && !fromEnv.isBlank()) {
            note = " (from " + OpsSettings.ENV_PORT + ")";
            try {
                port = Integer.parseInt(fromEnv.strip());
            } catch (NumberFormatException e) {
                throw new ConfigException("ops.port", ConfigLoader.quote(fromEnv.strip()) + note
                        + " is not a port; allowed: an integer from 0 (any free port) to 65535");
            }
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw new ConfigException("ops.port", port + note
                    + " is out of range; allowed: an integer from 0 (any free port) to 65535");
        }
        String host = o == null || o.host() == null ? OpsSettings.DEFAULT_HOST : o.host().strip();
        if (host.isEmpty()) {
            throw new ConfigException("ops.host", "is empty; required: an address to bind to (e.g. 0.0.0.0, 127.0.0.1)");
        }
        return new OpsSettings(port, host);
    }

    // ---- kafka ----

    private KafkaSettings kafka(RawConfig.Kafka k) {
        if (k == null) {
            k = new RawConfig.Kafka(null, null, null, null, null);
        }
        String bootstrap;
        String bootstrapNote = "";
        if (bootstrapOverride != null) {
            bootstrap = bootstrapOverride;
            bootstrapNote = " (from " + bootstrapSource + ")";
        } else {
            bootstrap = k.bootstrap() == null ? KafkaSettings.DEFAULT_BOOTSTRAP : k.bootstrap().strip();
        }
        if (!bootstrap.equals(KafkaSettings.EMBEDDED)) {
            String[] servers = bootstrap.split(",", -1);
            for (String server : servers) {
                Matcher m = HOST_PORT.matcher(server.strip());
                if (!m.matches() || Integer.parseInt(m.group(3)) < 1 || Integer.parseInt(m.group(3)) > 65535) {
                    throw new ConfigException("kafka.bootstrap", ConfigLoader.quote(bootstrap) + bootstrapNote
                            + " is not a bootstrap server list; allowed: host:port[,host:port...] (port 1-65535) "
                            + "or 'embedded'");
                }
            }
        }
        String applicationId = k.applicationId() == null ? KafkaSettings.DEFAULT_APPLICATION_ID : k.applicationId();
        if (!NAME.matcher(applicationId).matches()) {
            throw new ConfigException("kafka.applicationId", invalid(applicationId) + "; " + NAME_ALLOWED);
        }
        int partitions = atLeast1(k.partitions(), KafkaSettings.DEFAULT_PARTITIONS, "kafka.partitions");
        int rf = atLeast1(k.replicationFactor(), KafkaSettings.DEFAULT_REPLICATION_FACTOR, "kafka.replicationFactor");
        if (rf > Short.MAX_VALUE) {
            throw new ConfigException("kafka.replicationFactor", rf + " is too large; allowed: 1 to " + Short.MAX_VALUE);
        }
        LinkedHashMap<String, String> props = new LinkedHashMap<>();
        if (k.properties() != null) {
            k.properties().forEach((key, value) -> {
                String path = ConfigPaths.key("kafka.properties", key);
                if (value == null) {
                    throw new ConfigException(path, "has no value; required: a scalar value (string, number or boolean)");
                }
                if (key.equals("bootstrap.servers")) {
                    throw new ConfigException(path, "is set by kafka.bootstrap; allowed: set kafka.bootstrap instead");
                }
                if (key.equals("application.id")) {
                    throw new ConfigException(path, "is set by kafka.applicationId; allowed: set kafka.applicationId instead");
                }
                if (RECORD_SKIPPING_HANDLERS.contains(key)) {
                    throw new ConfigException(path, "is not allowed: Lexstream sends a record that fails to the"
                            + " dead-letter topic itself and stops on errors that are not about one record; a handler"
                            + " that continues would skip records (lost) or leave a failed batch buffered; remove it");
                }
                if (key.equals(KafkaSettings.MAX_REQUEST_SIZE) || key.equals(KafkaSettings.PRODUCER_MAX_REQUEST_SIZE)) {
                    // the topology sizes records by it, before Kafka reads it
                    requireBytes(path, value);
                }
                KafkaPropertiesValidator.check(path, key, value);
                props.put(key, value);
            });
        }
        return new KafkaSettings(bootstrap, applicationId, partitions, (short) rf, props);
    }

    // ---- serialization ----

    private SerializationSettings serialization(RawConfig.Serialization s) {
        return new SerializationValidator(env).validate(s);
    }

    // ---- models ----

    private Map<String, ModelSettings> models(LinkedHashMap<String, RawConfig.Model> raw) {
        LinkedHashMap<String, ModelSettings> models = new LinkedHashMap<>();
        if (raw == null) {
            return models;
        }
        raw.forEach((name, m) -> {
            String path = ConfigPaths.key("models", name);
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(path, invalid(name) + " as a model name; " + NAME_ALLOWED);
            }
            if (m == null) {
                throw new ConfigException(path, "has no settings; required: a map with 'source' "
                        + "(and optionally 'device', 'maxBatch', 'coalesce')");
            }
            String source = required(m.source(), path + ".source",
                    "builtin:NAME or a directory path (e.g. builtin:all-minilm-l6-v2-q)");
            String device = m.device() == null ? ModelSettings.DEFAULT_DEVICE : m.device().strip();
            if (!DEVICE.matcher(device).matches()) {
                throw new ConfigException(path + ".device", invalid(device) + "; allowed: auto, cpu, gpu, gpu:N (N = GPU index, 0-9999)");
            }
            int maxBatch = atLeast1(m.maxBatch(), ModelSettings.DEFAULT_MAX_BATCH, path + ".maxBatch");
            boolean coalesce = m.coalesce() == null ? ModelSettings.DEFAULT_COALESCE : m.coalesce();
            models.put(name, new ModelSettings(source, device, maxBatch, coalesce));
        });
        return models;
    }

    // ---- pipelines ----

    private List<PipelineSettings> pipelines(List<RawConfig.Pipeline> raw, Map<String, ModelSettings> models) {
        if (raw == null) {
            throw new ConfigException("pipelines", "missing; required: a list of at least one pipeline");
        }
        if (raw.isEmpty()) {
            throw new ConfigException("pipelines", "is empty; required: a list of at least one pipeline");
        }
        List<PipelineSettings> out = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> inputs = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String path = ConfigPaths.index("pipelines", i);
            PipelineSettings p = pipeline(raw.get(i), path, models);
            Integer prev = names.putIfAbsent(p.name(), i);
            if (prev != null) {
                throw new ConfigException(path + ".name", "duplicate pipeline name '" + p.name()
                        + "' (also pipelines[" + prev + "]); allowed: a name no other pipeline uses");
            }
            prev = inputs.putIfAbsent(p.input(), i);
            if (prev != null) {
                throw new ConfigException(path + ".input", "topic '" + p.input() + "' is already the input of pipelines["
                        + prev + "]; allowed: a topic no other pipeline reads");
            }
            out.add(p);
        }
        return out;
    }

    private PipelineSettings pipeline(RawConfig.Pipeline p, String path, Map<String, ModelSettings> models) {
        if (p == null) {
            throw new ConfigException(path, "is empty; required: a map with at least 'name' and 'input'");
        }

        String name = required(p.name(), path + ".name", "a pipeline name (letters, digits, '.', '_', '-')");
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(path + ".name", invalid(name) + "; " + NAME_ALLOWED);
        }
        String input = topic(required(p.input(), path + ".input", "the input topic name"), path + ".input", "");
        String output = outTopic(p.output(), name + ".enriched", path + ".output", input);
        String quarantine = outTopic(p.quarantine(), name + ".quarantine", path + ".quarantine", input);
        String deadLetter = outTopic(p.deadLetter(), name + ".dlq", path + ".deadLetter", input);
        if (quarantine.equals(output)) {
            throw new ConfigException(path + ".quarantine", "'" + quarantine + "' is also the output topic; "
                    + "allowed: a topic different from output and deadLetter");
        }
        if (deadLetter.equals(output) || deadLetter.equals(quarantine)) {
            throw new ConfigException(path + ".deadLetter", "'" + deadLetter + "' is also the "
                    + (deadLetter.equals(output) ? "output" : "quarantine")
                    + " topic; allowed: a topic different from output and quarantine");
        }
        PipelineSettings.InputFormat inputFormat = p.inputFormat() == null ? PipelineSettings.InputFormat.AUTO
                : oneOf(PipelineSettings.InputFormat.values(), PipelineSettings.InputFormat::yamlName,
                        p.inputFormat(), path + ".inputFormat");
        BatchingSettings batching = batching(p.batching(), path + ".batching");
        List<ClassifyTask> classify = classify(p.classify(), path + ".classify", models);
        SafetySettings safety = p.safety() == null ? null : SafetyValidator.safety(p.safety(), path + ".safety", models);
        int maxTextBytes = atLeast1(p.maxTextBytes(), PipelineSettings.DEFAULT_MAX_TEXT_BYTES, path + ".maxTextBytes");
        if (maxTextBytes > PipelineSettings.MAX_TEXT_BYTES_LIMIT) {
            throw new ConfigException(path + ".maxTextBytes", maxTextBytes + " is too large; allowed: 1 to "
                    + PipelineSettings.MAX_TEXT_BYTES_LIMIT);
        }
        SummarizeSettings summarize = GenerativeTaskValidator.summarize(p.summarize(), path + ".summarize", models);
        TranslateSettings translate = GenerativeTaskValidator.translate(p.translate(), path + ".translate", models);
        return new PipelineSettings(name, input, output, quarantine, deadLetter, inputFormat, batching, classify,
                maxTextBytes, summarize, translate, safety);
    }

    private static String outTopic(String value, String dflt, String path, String input) {
        String topic = value == null ? dflt : value;
        String note = value == null ? " (default, from the pipeline name)" : "";
        topic(topic, path, note);
        if (topic.equals(input)) {
            throw new ConfigException(path, "'" + topic + "'" + note + " is the pipeline's input topic; "
                    + "allowed: a topic different from input");
        }
        return topic;
    }

    private static String topic(String topic, String path, String note) {
        if (topic.equals(".") || topic.equals("..") || !TOPIC.matcher(topic).matches()) {
            throw new ConfigException(path, ConfigLoader.quote(topic) + note + " is not a valid topic name; " + TOPIC_ALLOWED
                    + ", not '.' or '..'");
        }
        return topic;
    }

    private static BatchingSettings batching(RawConfig.Batching b, String path) {
        if (b == null) {
            return BatchingSettings.defaults();
        }
        int maxRecords = atLeast1(b.maxRecords(), BatchingSettings.DEFAULT_MAX_RECORDS, path + ".maxRecords");
        int maxTokens = atLeast1(b.maxTokens(), BatchingSettings.DEFAULT_MAX_TOKENS, path + ".maxTokens");
        Duration maxWait = BatchingSettings.DEFAULT_MAX_WAIT;
        if (b.maxWait() != null) {
            try {
                maxWait = Durations.parse(b.maxWait());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path + ".maxWait", e.getMessage(), e);
            }
            if (maxWait.isZero() || maxWait.isNegative()) {
                throw new ConfigException(path + ".maxWait", "'" + b.maxWait().strip()
                        + "' is not positive; allowed: a duration > 0 (e.g. 50ms)");
            }
        }
        int inFlight = b.inFlight() == null ? BatchingSettings.DEFAULT_IN_FLIGHT : b.inFlight();
        if (inFlight < 1 || inFlight > BatchingSettings.MAX_IN_FLIGHT) {
            throw new ConfigException(path + ".inFlight", inFlight + " is out of range; allowed: 1.."
                    + BatchingSettings.MAX_IN_FLIGHT);
        }
        boolean flushWhenIdle = b.flushWhenIdle() == null ? BatchingSettings.DEFAULT_FLUSH_WHEN_IDLE : b.flushWhenIdle();
        return new BatchingSettings(maxRecords, maxTokens, maxWait, inFlight, flushWhenIdle);
    }

    private static List<ClassifyTask> classify(List<RawConfig.Classify> raw, String path,
                                               Map<String, ModelSettings> models) {
        List<ClassifyTask> tasks = new ArrayList<>();
        if (raw == null) {
            return tasks;
        }
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String tp = ConfigPaths.index(path, i);
            RawConfig.Classify c = raw.get(i);
            if (c == null) {
                throw new ConfigException(tp, "is empty; required: a map with 'name', 'model' and 'labels'");
            }
            String name = required(c.name(), tp + ".name", "a task name (letters, digits, '.', '_', '-')");
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(tp + ".name", invalid(name) + "; " + NAME_ALLOWED);
            }
            Integer prev = names.putIfAbsent(name, i);
            if (prev != null) {
                throw new ConfigException(tp + ".name", "duplicate task name '" + name + "' (also "
                        + ConfigPaths.index(path, prev) + "); allowed: a name no other task of this pipeline uses");
            }
            String definedModels = models.isEmpty() ? "(none)" : String.join(", ", models.keySet());
            String model = required(c.model(), tp + ".model", "a key of models (defined models: " + definedModels + ")");
            if (!models.containsKey(model)) {
                throw new ConfigException(tp + ".model", "unknown model '" + model + "'; defined models: " + definedModels);
            }
            TrainSettings train = train(c.train(), tp + ".train");
            boolean ownLabels = ModelKinds.isClassification(models.get(model).source());
            LinkedHashMap<String, String> labels = c.labels() == null && (train != null || ownLabels)
                    ? new LinkedHashMap<>() : labels(c.labels(), tp + ".labels", ownLabels);
            LinkedHashMap<String, List<String>> examples = examples(c.examples(), tp + ".examples", labels);
            tasks.add(new ClassifyTask(name, model, labels, examples, train));
        }
        return tasks;
    }

    private static LinkedHashMap<String, String> labels(LinkedHashMap<String, String> raw, String path,
                                                        boolean descriptionsOptional) {
        if (raw == null) {
            throw new ConfigException(path, "missing; required: a map of at least 2 labels (label: description), "
                    + "unless 'train' names a labelled file or the model is a text-classification model");
        }
        if (raw.size() < 2) {
            throw new ConfigException(path, "has " + raw.size() + " label" + (raw.size() == 1 ? "" : "s")
                    + "; required: at least 2 labels (label: description)");
        }
        LinkedHashMap<String, String> labels = new LinkedHashMap<>();
        raw.forEach((label, description) -> {
            String lp = ConfigPaths.key(path, label);
            if (label.isBlank()) {
                throw new ConfigException(lp, "empty label; required: a non-empty label name");
            }
            if ((description == null || description.isBlank()) && !descriptionsOptional) {
                throw new ConfigException(lp, "has no description; required: a short description of the label");
            }
            labels.put(label, description == null ? "" : description.strip());
        });
        return labels;
    }

    private static LinkedHashMap<String, List<String>> examples(LinkedHashMap<String, List<String>> raw, String path,
                                                                Map<String, String> labels) {
        LinkedHashMap<String, List<String>> examples = new LinkedHashMap<>();
        if (raw == null) {
            return examples;
        }
        raw.forEach((label, texts) -> {
            String lp = ConfigPaths.key(path, label);
            if (!labels.isEmpty() && !labels.containsKey(label)) {
                throw new ConfigException(lp, "unknown label '" + label + "'; labels: " + String.join(", ", labels.keySet()));
            }
            if (texts == null) {
                throw new ConfigException(lp, "has no examples; required: a list of example texts");
            }
            for (int i = 0; i < texts.size(); i++) {
                if (texts.get(i) == null || texts.get(i).isBlank()) {
                    throw new ConfigException(ConfigPaths.index(lp, i), "empty example; required: a non-empty text");
                }
            }
            examples.put(label, List.copyOf(texts));
        });
        return examples;
    }

    private static TrainSettings train(RawConfig.Train t, String path) {
        if (t == null) {
            return null;
        }
        String file = required(t.file(), path + ".file", "the path of a labelled CSV (with a header) or JSONL file");
        String format = t.format() == null ? null : t.format().strip();
        if (format != null && !TrainSettings.FORMATS.contains(format)) {
            throw new ConfigException(path + ".format", invalid(format) + "; allowed: "
                    + String.join(", ", TrainSettings.FORMATS) + " (default: by the file's extension)");
        }
        if (format == null && !file.endsWith(".csv") && !file.endsWith(".jsonl") && !file.endsWith(".ndjson")) {
            throw new ConfigException(path + ".format", "missing, and the file name does not end in .csv or .jsonl; "
                    + "allowed: " + String.join(", ", TrainSettings.FORMATS));
        }
        List<String> text = new ArrayList<>();
        if (t.text() == null) {
            text.add("text");
        } else if (t.text().isTextual()) {
            text.add(t.text().asText().strip());
        } else if (t.text().isArray() && !t.text().isEmpty()) {
            for (int i = 0; i < t.text().size(); i++) {
                JsonNode n = t.text().get(i);
                if (!n.isTextual() || n.asText().isBlank()) {
                    throw new ConfigException(ConfigPaths.index(path + ".text", i), "required: a column/field name");
                }
                text.add(n.asText().strip());
            }
        } else {
            throw new ConfigException(path + ".text", "required: a column/field name or a list of them "
                    + "(joined with a space), e.g. [title, description]");
        }
        String label = t.label() == null ? "label" : required(t.label(), path + ".label", "a column/field name");
        LinkedHashMap<String, String> labelMap = new LinkedHashMap<>();
        if (t.labelMap() != null) {
            t.labelMap().forEach((raw, mapped) -> {
                if (mapped == null || mapped.isBlank()) {
                    throw new ConfigException(ConfigPaths.key(path + ".labelMap", raw), "required: a label name");
                }
                labelMap.put(raw, mapped.strip());
            });
        }
        int skip = t.skip() == null ? 0 : t.skip();
        if (skip < 0) {
            throw new ConfigException(path + ".skip", skip + " is too small; allowed: an integer >= 0");
        }
        Integer limit = t.limit() == null ? null : atLeast1(t.limit(), 1, path + ".limit");
        Integer perLabel = t.perLabel() == null ? null : atLeast1(t.perLabel(), 1, path + ".perLabel");
        String head = t.head() == null ? TrainSettings.HEAD_LOGISTIC : t.head().strip();
        if (!TrainSettings.HEADS.contains(head)) {
            throw new ConfigException(path + ".head", invalid(head) + "; allowed: " + String.join(", ", TrainSettings.HEADS));
        }
        int epochs = atLeast1(t.epochs(), TrainSettings.DEFAULT_EPOCHS, path + ".epochs");
        return new TrainSettings(file, format, text, label, labelMap, skip, limit, perLabel, head, epochs);
    }

    // ---- helpers ----

    static String required(String value, String path, String what) {
        if (value == null) {
            throw new ConfigException(path, "missing required key; required: " + what);
        }
        if (value.isBlank()) {
            throw new ConfigException(path, "is empty; required: " + what);
        }
        return value.strip();
    }

    static int atLeast1(Integer value, int dflt, String path) {
        if (value == null) {
            return dflt;
        }
        if (value < 1) {
            throw new ConfigException(path, value + " is too small; allowed: an integer >= 1");
        }
        return value;
    }

    /** A size in bytes, as Kafka reads an int setting (surrounding spaces allowed). */
    private static void requireBytes(String path, String value) {
        try {
            if (Integer.parseInt(value.trim()) >= 1) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below, with the allowed range
        }
        throw new ConfigException(path, invalid(value) + "; allowed: a size in bytes from 1 to " + Integer.MAX_VALUE);
    }

    static <E extends Enum<E>> E oneOf(E[] values, Function<E, String> yamlName, String given, String path) {
        String g = given.strip();
        for (E v : values) {
            if (yamlName.apply(v).equals(g)) {
                return v;
            }
        }
        throw new ConfigException(path, ConfigLoader.quote(g) + " is not allowed; allowed: "
                + Stream.of(values).map(yamlName).collect(Collectors.joining(", ")));
    }

    static String invalid(String value) {
        return ConfigLoader.quote(value) + " is not valid";
    }
}
