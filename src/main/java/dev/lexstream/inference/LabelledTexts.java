// Reads labelled texts from CSV (with a header) or JSONL: training heads and evaluation share it.
package dev.lexstream.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** A labelled file, read whole (these files are for start-up training and evaluation, not streams). */
public final class LabelledTexts {

    /** One row: its text, its label (after the label map) and its 1-based data row number. */
    public record Example(String text, String label, long row) {}

    /**
     * @param file       a CSV file with a header row, or a JSONL file (one JSON object per line)
     * @param format     {@code csv}, {@code jsonl}, or null for the file's extension
     * @param textFields columns/fields joined with a space into the text
     * @param labelField column/field of the label
     * @param labelMap   raw label &rarr; label; when not empty every raw label must be in it
     * @param skip       data rows to skip first
     * @param limit      rows to return at most (null: all)
     */
    public record Spec(Path file, String format, List<String> textFields, String labelField,
                       Map<String, String> labelMap, int skip, Integer limit) {
        public Spec {
            textFields = List.copyOf(textFields);
            labelMap = labelMap == null ? Map.of() : Map.copyOf(labelMap);
        }
    }

    private LabelledTexts() {}

    /**
     * @throws IllegalArgumentException naming the file, row and field for a missing file, column,
     *     empty text or an unmapped label
     */
    public static List<Example> read(Spec spec) {
        String format = spec.format() != null ? spec.format() : formatOf(spec.file());
        try {
            return "csv".equals(format) ? readCsv(spec) : readJsonl(spec);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("labelled file " + spec.file() + " not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + spec.file() + ": " + e.getMessage(), e);
        }
    }

    static String formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return "csv";
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return "jsonl";
        }
        throw new IllegalArgumentException("cannot tell the format of " + file + " from its name; give csv or jsonl");
    }

    private static List<Example> readCsv(Spec spec) throws IOException {
        CsvMapper mapper = new CsvMapper();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        List<Example> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(spec.file(), StandardCharsets.UTF_8);
             MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class).with(schema).readValues(reader)) {
            long row = 0;
            boolean checked = false;
            while (rows.hasNext()) {
                Map<String, String> values = rows.next();
                row++;
                if (!checked) {
                    checkColumns(spec, values.keySet(), "column");
                    checked = true;
                }
                if (row <= spec.skip()) {
                    continue;
                }
                if (spec.limit() != null && out.size() >= spec.limit()) {
                    break;
                }
                out.add(example(spec, row, values::get));
            }
        }
        return out;
    }

    private static List<Example> readJsonl(Spec spec) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Example> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(spec.file(), StandardCharsets.UTF_8)) {
            long row = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                row++;
                if (row <= spec.skip()) {
                    continue;
                }
                if (spec.limit() != null && out.size() >= spec.limit()) {
                    break;
                }
                JsonNode node;
                try {
                    node = mapper.readTree(line);
                } catch (IOException e) {
                    throw new IllegalArgumentException(spec.file() + " row " + row + ": not a JSON object ("
                            + e.getMessage().lines().findFirst().orElse("") + ")");
                }
                if (node == null || !node.isObject()) {
                    throw new IllegalArgumentException(spec.file() + " row " + row + ": not a JSON object");
                }
                final long r = row;
                out.add(example(spec, row, field -> {
                    JsonNode v = node.get(field);
                    if (v == null || v.isNull()) {
                        throw new IllegalArgumentException(spec.file() + " row " + r + ": no field '" + field + "'");
                    }
                    return v.isValueNode() ? v.asText() : v.toString();
                }));
            }
        }
        return out;
    }

    private static void checkColumns(Spec spec, java.util.Set<String> present, String what) {
        List<String> wanted = new ArrayList<>(spec.textFields());
        wanted.add(spec.labelField());
        for (String w : wanted) {
            if (!present.contains(w)) {
                throw new IllegalArgumentException(spec.file() + " has no " + what + " '" + w + "'; " + what + "s: " + present);
            }
        }
    }

    private static Example example(Spec spec, long row, java.util.function.Function<String, String> get) {
        StringJoiner text = new StringJoiner(" ");
        for (String f : spec.textFields()) {
            String v = get.apply(f);
            if (v != null && !v.isBlank()) {
                text.add(v.strip());
            }
        }
        if (text.length() == 0) {
            throw new IllegalArgumentException(spec.file() + " row " + row + ": empty text in " + spec.textFields());
        }
        String raw = get.apply(spec.labelField());
        raw = raw == null ? "" : raw.strip();
        String label = raw;
        if (!spec.labelMap().isEmpty()) {
            label = spec.labelMap().get(raw);
            if (label == null) {
                throw new IllegalArgumentException(spec.file() + " row " + row + ": label '" + raw
                        + "' is not in the label map " + new LinkedHashMap<>(spec.labelMap()).keySet());
            }
        }
        if (label.isEmpty()) {
            throw new IllegalArgumentException(spec.file() + " row " + row + ": empty label");
        }
        return new Example(text.toString(), label, row);
    }
}
