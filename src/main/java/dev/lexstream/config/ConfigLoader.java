package dev.lexstream.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads a Lexstream YAML config, strictly: unknown or duplicate keys, wrong types, bad values and
 * missing required keys are {@link ConfigException}s naming the key path and what is allowed.
 * The environment variable {@value #ENV_BOOTSTRAP}, when set and non-empty, overrides
 * {@code kafka.bootstrap}; the {@code ENV_*} variables of {@link SerializationSettings} override
 * serialization keys the same way.
 */
public final class ConfigLoader {

    /** Overrides {@code kafka.bootstrap} when set and non-empty. */
    public static final String ENV_BOOTSTRAP = "LEXSTREAM_KAFKA_BOOTSTRAP";

    private static final ObjectMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private ConfigLoader() {
    }

    /** Loads {@code file}, with the process environment. */
    public static LexstreamConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads {@code file}; {@code env} supplies {@value #ENV_BOOTSTRAP}. */
    public static LexstreamConfig load(Path file, Map<String, String> env) {
        return parse(read(file), file.toString(), env);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "config file not found; give the path of a YAML config file");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(file.toString(), "cannot read config file (" + e + "); "
                    + "give a readable UTF-8 YAML file", e);
        }
    }

    /**
     * Loads {@code file} with {@code bootstrap}, when non-blank, outranking {@value #ENV_BOOTSTRAP} and
     * {@code kafka.bootstrap}; {@code bootstrapSource} (e.g. a command-line option) names it in the error
     * when it is not a bootstrap server list.
     */
    public static LexstreamConfig load(Path file, Map<String, String> env, String bootstrap, String bootstrapSource) {
        if (bootstrap == null || bootstrap.isBlank()) {
            return load(file, env);
        }
        return parse(read(file), file.toString(), env, bootstrap, bootstrapSource);
    }

    /** Parses YAML text, with the process environment; {@code sourceName} names it in file-level errors. */
    public static LexstreamConfig parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, System.getenv());
    }

    /** Parses YAML text; {@code env} supplies {@value #ENV_BOOTSTRAP}. */
    public static LexstreamConfig parse(String yaml, String sourceName, Map<String, String> env) {
        return parse(yaml, sourceName, env, Objects.requireNonNull(env, "env").get(ENV_BOOTSTRAP), ENV_BOOTSTRAP);
    }

    private static LexstreamConfig parse(String yaml, String sourceName, Map<String, String> env,
                                         String bootstrap, String bootstrapSource) {
        Objects.requireNonNull(env, "env");
        String source = sourceName == null || sourceName.isBlank() ? "config" : sourceName;
        JsonNode tree = readTree(yaml == null ? "" : yaml, source);
        RawConfig.Root raw;
        try {
            raw = MAPPER.treeToValue(tree, RawConfig.Root.class);
        } catch (JsonProcessingException e) {
            throw translate(e, source);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "cannot read config (" + e.getMessage() + "); see the README's \"Configuration reference\"", e);
        }
        return new ConfigValidator(bootstrap, bootstrapSource, env).validate(raw, source);
    }

    private static JsonNode readTree(String yaml, String source) {
        try (JsonParser p = MAPPER.createParser(yaml)) {
            JsonNode tree = MAPPER.readTree(p);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new ConfigException(source, "config is empty; required: a YAML map with at least 'pipelines'");
            }
            if (!tree.isObject()) {
                throw new ConfigException(source, "config is " + describe(tree)
                        + "; required: a YAML map with keys " + allowedKeys(RawConfig.Root.class));
            }
            if (p.nextToken() != null) {
                throw new ConfigException(source, "more than one YAML document; allowed: one document");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw translate(e, source);
        } catch (IOException e) {
            throw new ConfigException(source, "cannot read YAML (" + e.getMessage() + "); give valid YAML", e);
        }
    }

    private static ConfigException translate(JsonProcessingException e, String source) {
        String path = pathOf(e);
        String where = path.isEmpty() ? source : path;
        String key = recordKey(e);
        if (e instanceof UnrecognizedPropertyException u) {
            return new ConfigException(where, "unknown key '" + u.getPropertyName() + "'; allowed keys: "
                    + allowedKeys(u.getReferringClass(), u.getKnownPropertyIds()), e);
        }
        if (e instanceof InvalidFormatException f) {
            return new ConfigException(where, quote(f.getValue()) + " is not " + expected(f.getTargetType(), "")
                    + "; expected: " + expected(f.getTargetType(), key), e);
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String got = gotFrom(m);
            return new ConfigException(where, (got == null ? "wrong type" : "got " + got)
                    + "; expected: " + expected(m.getTargetType(), key), e);
        }
        InputCoercionException c = e instanceof InputCoercionException ic ? ic
                : e.getCause() instanceof InputCoercionException ic2 ? ic2 : null;
        if (c != null) {
            String value = c.getProcessor() == null ? null : textOf(c.getProcessor());
            return new ConfigException(where, (value == null ? "number" : value) + " is out of range; expected: "
                    + expected(c.getTargetType(), key) + " from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE, e);
        }
        String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        if (msg.startsWith("Duplicate field")) {
            String dup = msg.replaceFirst("^Duplicate field '(.*)'.*$", "$1");
            return new ConfigException(where, "duplicate key '" + dup + "'; allowed: each key once per map", e);
        }
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            String problem = y.getProblem() == null ? firstLine(msg) : y.getProblem();
            return new ConfigException(source, "invalid YAML at line " + (y.getProblemMark().getLine() + 1)
                    + ", column " + (y.getProblemMark().getColumn() + 1) + ": " + problem + "; give valid YAML", e);
        }
        if (e instanceof JsonParseException || e.getClass().getName().contains("yaml")) {
            JsonLocation loc = e.getLocation();
            String at = loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            return new ConfigException(source, "invalid YAML" + at + ": " + firstLine(msg) + "; give valid YAML", e);
        }
        return new ConfigException(where, firstLine(msg) + "; see the README's \"Configuration reference\"", e);
    }

    /** The last key of the error's path when it is a config key (a record component), not a map key or index. */
    private static String recordKey(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            JsonMappingException.Reference last = m.getPath().get(m.getPath().size() - 1);
            Object from = last.getFrom();
            Class<?> owner = from instanceof Class<?> c ? c : from == null ? null : from.getClass();
            if (last.getFieldName() != null && owner != null && owner.isRecord()) {
                return last.getFieldName();
            }
        }
        return null;
    }

    private static String pathOf(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return ConfigPaths.of(m.getPath());
        }
        if (e.getProcessor() instanceof JsonParser p) {
            return ConfigPaths.of(p.getParsingContext());
        }
        return "";
    }

    private static String textOf(JsonParser p) {
        try {
            return p.getText();
        } catch (IOException | RuntimeException ex) {
            return null;
        }
    }

    private static String gotFrom(MismatchedInputException e) {
        if (!(e.getProcessor() instanceof JsonParser p)) {
            return null;
        }
        JsonToken t = p.currentToken();
        if (t == null) {
            return null;
        }
        try {
            return switch (t) {
                case START_OBJECT, FIELD_NAME -> "a map";
                case START_ARRAY -> "a list";
                case VALUE_STRING -> quote(p.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> p.getText();
                case VALUE_NULL -> "an empty value";
                default -> null;
            };
        } catch (IOException ex) {
            return null;
        }
    }

    static String describe(JsonNode n) {
        if (n.isArray()) {
            return "a list";
        }
        if (n.isObject()) {
            return "a map";
        }
        return "a scalar (" + quote(n.asText()) + ")";
    }

    /** What a key holds, for type errors: by key name where that says more than the Java type. */
    private static String expected(Class<?> type, String key) {
        if (key != null) {
            switch (key) {
                case "maxWait":
                    return "a duration (e.g. 50ms, 1.5s, PT0.05S)";
                case "input", "output", "quarantine", "deadLetter":
                    return "a topic name";
                case "pipelines":
                    return "a list of pipelines";
                case "classify":
                    return "a list of classify tasks";
                case "labels":
                    return "a map of label: description";
                case "examples":
                    return "a map of label: [example texts]";
                case "models":
                    return "a map of model name: {source, device}";
                case "properties":
                    return "a map of property: value";
                default:
                    break;
            }
        }
        return expected(type);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a map";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a " + type.getSimpleName();
    }

    private static String allowedKeys(Class<?> type, Collection<Object> known) {
        if (type != null && type.isRecord()) {
            return allowedKeys(type);
        }
        return known == null ? "(none)" : known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    static String allowedKeys(Class<?> recordType) {
        return Arrays.stream(recordType.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.joining(", "));
    }

    static String quote(Object value) {
        String s = String.valueOf(value);
        if (s.length() > 60) {
            s = s.substring(0, 57) + "...";
        }
        return "'" + ConfigException.oneLine(s) + "'";
    }

    private static String firstLine(String s) {
        String[] lines = s.strip().split("\\R");
        return lines.length == 0 ? "" : lines[0].strip();
    }
}
