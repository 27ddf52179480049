package dev.lexstream.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Configuration reference" table against what the loader reads: every key the table
 * names is one the loader accepts, every key the loader accepts is documented (in the table, or
 * for the deeper safety keys in docs/safety.md's configuration block), and every default the table
 * gives as a literal is the loader's default.
 */
class ConfigReferenceTest {

    private static final Path README = Path.of("README.md");
    private static final Path SAFETY_DOC = Path.of("docs/safety.md");
    /** The README's key for the {@code generation:} block that summarize and translate share. */
    private static final String GENERATION_ROW = "...generation";
    private static final Pattern LITERAL = Pattern.compile("`([^`]+)`");

    /** One key of a table row (rows like {@code a.b` / `c} name several), with its default and meaning cells. */
    record Entry(String key, String dflt, String meaning) {
    }

    @Test
    void everyKeyTheReadmeNamesIsOneTheLoaderAccepts() throws IOException {
        Map<String, Boolean> accepted = acceptedKeys();
        for (Entry e : readmeEntries()) {
            if (e.key().equals(GENERATION_ROW)) {
                assertThat(accepted.keySet()).as("README row %s", e.key()).anyMatch(k -> k.endsWith(".generation"));
            } else {
                assertThat(accepted).as("README key %s is not a key of the loader (RawConfig)", e.key())
                        .containsKey(e.key());
            }
        }
    }

    @Test
    void everyKeyTheLoaderAcceptsIsDocumented() throws IOException {
        List<Entry> entries = readmeEntries();
        String safetyBlock = safetyConfigBlock();
        List<String> undocumented = new ArrayList<>();
        acceptedKeys().forEach((key, leaf) -> {
            if (!documented(key, leaf, entries, safetyBlock)) {
                undocumented.add(key);
            }
        });
        assertThat(undocumented).as("keys the loader accepts that neither the README's configuration reference nor "
                + "docs/safety.md's configuration block documents").isEmpty();
    }

    @Test
    void everyLiteralDefaultInTheReadmeIsTheLoadersDefault() throws IOException {
        LexstreamConfig c = ConfigLoader.parse("""
                models: { m: { source: builtin:all-minilm-l6-v2-q } }
                pipelines: [{ name: p, input: in }]
                """, "defaults.yaml", Map.of());
        ModelSettings model = c.models().get("m");
        PipelineSettings p = c.pipelines().get(0);
        SerializationSettings.Registry registry = c.serialization().registry();
        Map<String, Object> actual = new LinkedHashMap<>();
        actual.put("kafka.bootstrap", c.kafka().bootstrap());
        actual.put("kafka.applicationId", c.kafka().applicationId());
        actual.put("kafka.partitions", c.kafka().partitions());
        actual.put("kafka.replicationFactor", c.kafka().replicationFactor());
        actual.put("kafka.properties", c.kafka().properties());
        actual.put("serialization.format", c.serialization().format().yamlName());
        actual.put("serialization.subjectStrategy", registry.subjectStrategy().yamlName());
        actual.put("serialization.autoRegister", registry.autoRegister());
        actual.put("serialization.keys", registry.keys());
        actual.put("serialization.truststore.type", truststoreTypeByDefault());
        actual.put("serialization.timeout", registry.timeout());
        actual.put("serialization.retries", registry.retries());
        actual.put("serialization.retryBackoff", registry.retryBackoff());
        actual.put("ops.host", c.ops().host());
        actual.put("models.<name>.device", model.device());
        actual.put("models.<name>.maxBatch", model.maxBatch());
        actual.put("models.<name>.coalesce", model.coalesce());
        actual.put("pipelines[].output", p.output().replace("p.", "<name>."));
        actual.put("pipelines[].quarantine", p.quarantine().replace("p.", "<name>."));
        actual.put("pipelines[].deadLetter", p.deadLetter().replace("p.", "<name>."));
        actual.put("pipelines[].inputFormat", p.inputFormat().yamlName());
        actual.put("pipelines[].maxTextBytes", p.maxTextBytes());
        actual.put("pipelines[].batching.maxRecords", p.batching().maxRecords());
        actual.put("pipelines[].batching.maxTokens", p.batching().maxTokens());
        actual.put("pipelines[].batching.maxWait", p.batching().maxWait());
        actual.put("pipelines[].batching.inFlight", p.batching().inFlight());
        actual.put("pipelines[].batching.flushWhenIdle", p.batching().flushWhenIdle());
        actual.put("pipelines[].classify[]", p.classify());

        int checked = 0;
        for (Entry e : readmeEntries()) {
            Matcher m = LITERAL.matcher(e.dflt());
            if (!m.matches()) {
                continue; // "—", "required", prose
            }
            assertThat(actual).as("README gives %s the default %s: add the loader's value to this test", e.key(),
                    e.dflt()).containsKey(e.key());
            assertThat(m.group(1)).as("default of %s", e.key()).isEqualTo(format(actual.get(e.key())));
            checked++;
        }
        assertThat(checked).isEqualTo(actual.size());
    }

    @Test
    void safetyDocConfigurationBlockIsAValidSafetySection() throws IOException {
        String yaml = "models: { minilm: { source: builtin:all-minilm-l6-v2-q } }\n"
                + "pipelines:\n  - name: p\n    input: in\n"
                + safetyConfigBlock().indent(4);
        SafetySettings s = ConfigLoader.parse(yaml, "docs/safety.md", Map.of()).pipelines().get(0).safety();
        assertThat(s.thresholds()).isEqualTo(SafetySettings.Thresholds.defaults()); // "defaults shown"
        assertThat(s.onDetectorError()).isEqualTo(SafetyAction.QUARANTINE);
    }

    // ---- the README's table ----

    static List<Entry> readmeEntries() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("## Configuration reference");
        assertThat(start).as("README section '## Configuration reference'").isNotNegative();
        List<Entry> entries = new ArrayList<>();
        boolean inTable = false;
        for (String line : readme.substring(start).split("\n")) {
            if (line.startsWith("| key |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && line.startsWith("| `")) {
                String[] cells = line.substring(2, line.length() - 2).split(" \\| ", 3);
                List<String> keys = split(cells[0]);
                List<String> defaults = split(cells[1]);
                String parent = keys.get(0).contains(".") ? keys.get(0).substring(0, keys.get(0).lastIndexOf('.') + 1) : "";
                for (int i = 0; i < keys.size(); i++) {
                    String key = i == 0 ? keys.get(0) : parent + keys.get(i);
                    String dflt = defaults.size() == keys.size() ? defaults.get(i) : cells[1].strip();
                    entries.add(new Entry(key.replace("`", ""), dflt, cells[2]));
                }
            }
        }
        assertThat(entries).as("rows of the README's configuration reference").hasSizeGreaterThan(20);
        return entries;
    }

    private static List<String> split(String cell) {
        return List.of(cell.strip().split(" / "));
    }

    // ---- what the loader accepts ----

    /** Every key path of {@link RawConfig}, in the README's notation, to whether it is a leaf (not a section). */
    static Map<String, Boolean> acceptedKeys() {
        Map<String, Boolean> keys = new LinkedHashMap<>();
        walk(RawConfig.Root.class, "", keys);
        return keys;
    }

    private static void walk(Class<?> record, String prefix, Map<String, Boolean> keys) {
        for (RecordComponent c : record.getRecordComponents()) {
            String path = prefix + c.getName();
            Optional<Class<?>> nested = nestedRecord(c.getGenericType());
            if (nested.isEmpty()) {
                keys.put(path, true);
            } else if (Collection.class.isAssignableFrom(c.getType())) {
                keys.put(path + "[]", false);
                walk(nested.get(), path + "[].", keys);
            } else if (Map.class.isAssignableFrom(c.getType())) {
                walk(nested.get(), path + ".<name>.", keys);
            } else {
                keys.put(path, false);
                walk(nested.get(), path + ".", keys);
            }
        }
    }

    /** The record a component holds: itself, or the element of a list or the value of a map. */
    private static Optional<Class<?>> nestedRecord(Type type) {
        Type t = type;
        if (type instanceof ParameterizedType pt) {
            Type[] args = pt.getActualTypeArguments();
            t = args[args.length - 1];
        }
        return t instanceof Class<?> c && c.isRecord() ? Optional.of(c) : Optional.empty();
    }

    /**
     * A key is documented when it is a row of the table, or a direct child of a row whose meaning
     * names it in backquotes; deeper keys under {@code safety} are documented when docs/safety.md's
     * configuration block has them as a key (comments included, for alternatives). A section
     * ({@code kafka}, {@code pipelines[].batching}) under no row needs no row of its own: its keys have them.
     */
    private static boolean documented(String key, boolean leaf, List<Entry> entries, String safetyBlock) {
        Entry nearest = null;
        for (Entry e : entries) {
            if (e.key().equals(key)) {
                return true;
            }
            boolean ancestor = e.key().equals(GENERATION_ROW) ? key.matches(".*\\.generation\\.[^.]+")
                    : key.startsWith(e.key() + ".");
            if (ancestor && (nearest == null || rowPrefix(e, key).length() > rowPrefix(nearest, key).length())) {
                nearest = e;
            }
        }
        if (nearest == null) {
            return !leaf;
        }
        String rest = key.substring(rowPrefix(nearest, key).length() + 1);
        if (!rest.contains(".")) {
            return nearest.meaning().contains("`" + rest + "`");
        }
        String last = rest.substring(rest.lastIndexOf('.') + 1);
        return nearest.key().equals("pipelines[].safety")
                && Pattern.compile("[\\s{,#(]" + Pattern.quote(last) + ":").matcher(safetyBlock).find();
    }

    private static String rowPrefix(Entry e, String key) {
        return e.key().equals(GENERATION_ROW) ? key.substring(0, key.lastIndexOf(".generation.") + ".generation".length())
                : e.key();
    }

    /** docs/safety.md's "## Configuration" YAML block: a {@code safety:} section with every key. */
    static String safetyConfigBlock() throws IOException {
        String doc = Files.readString(SAFETY_DOC);
        int section = doc.indexOf("## Configuration");
        assertThat(section).as("docs/safety.md section '## Configuration'").isNotNegative();
        int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
        String block = doc.substring(start, doc.indexOf("```", start));
        assertThat(block).startsWith("safety:");
        return block;
    }

    // ---- values ----

    /** The type of a trust store given without one (the loader only reads a truststore section whose file exists). */
    private static String truststoreTypeByDefault() throws IOException {
        Path store = Files.createTempFile("truststore", ".p12");
        try {
            RawConfig.Serialization s = new RawConfig.Serialization(null, null, null, null, null, null,
                    new RawConfig.Truststore(store.toString(), null, null), null, null, null);
            return new SerializationValidator(Map.of()).validate(s).registry().truststore().type();
        } finally {
            Files.delete(store);
        }
    }

    private static String format(Object value) {
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Map<?, ?> m && m.isEmpty()) {
            return "{}";
        }
        if (value instanceof Collection<?> c && c.isEmpty()) {
            return "[]";
        }
        return String.valueOf(value);
    }
}
