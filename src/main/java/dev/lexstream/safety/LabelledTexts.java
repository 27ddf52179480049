package dev.lexstream.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Labelled example texts for the embedding classifiers: a CSV file with a header naming a
 * {@code text} and a {@code label} column (RFC 4180 quoting, so texts may hold commas, quotes and
 * newlines), or JSON lines with {@code text} and {@code label}. A label of {@code 1}, {@code true}
 * or {@code yes} is positive; {@code 0}, {@code false} or {@code no} negative.
 */
public final class LabelledTexts {
  /** One example. */
  public record Example(String text, boolean positive) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private LabelledTexts() {}

  public static List<Example> read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A file shipped on the classpath, e.g. {@code /safety/toxicity.csv}. */
  public static List<Example> resource(String name) {
    try (InputStream in = LabelledTexts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return read(in, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Example> read(InputStream in, String name) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    reader.mark(1 << 16);
    int first;
    do {
      first = reader.read();
    } while (first == ' ' || first == '\n' || first == '\r' || first == '\t' || first == '\uFEFF');
    reader.reset();
    List<Example> out = first == '{' ? jsonLines(reader, name) : csv(reader, name);
    if (out.stream().noneMatch(Example::positive) || out.stream().allMatch(Example::positive)) {
      throw new IllegalArgumentException(name + ": needs positive and negative examples (labels 1 and 0)");
    }
    return out;
  }

  private static List<Example> jsonLines(BufferedReader reader, String name) throws IOException {
    List<Example> out = new ArrayList<>();
    String line;
    int n = 0;
    while ((line = reader.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      if (!node.hasNonNull("text") || !node.hasNonNull("label")) {
        throw new IllegalArgumentException(name + " line " + n + ": needs \"text\" and \"label\"");
      }
      out.add(new Example(node.get("text").asText(), label(node.get("label").asText(), name, n)));
    }
    return out;
  }

  private static List<Example> csv(Reader reader, String name) throws IOException {
    List<List<String>> rows = parseCsv(reader);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(name + ": empty file");
    }
    List<String> header = rows.get(0).stream().map(h -> h.strip().replace("\uFEFF", "").toLowerCase(Locale.ROOT))
        .toList();
    int text = header.indexOf("text");
    int label = header.indexOf("label");
    if (text < 0 || label < 0) {
      throw new IllegalArgumentException(name + ": the first line must be a header with 'text' and 'label' columns");
    }
    List<Example> out = new ArrayList<>();
    for (int i = 1; i < rows.size(); i++) {
      List<String> row = rows.get(i);
      if (row.size() == 1 && row.get(0).isBlank()) {
        continue;
      }
      if (row.size() <= Math.max(text, label)) {
        throw new IllegalArgumentException(name + " record " + i + ": expected " + header.size() + " columns");
      }
      out.add(new Example(row.get(text), label(row.get(label), name, i)));
    }
    return out;
  }

  private static boolean label(String value, String name, int at) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes" -> true;
      case "0", "false", "no" -> false;
      default -> throw new IllegalArgumentException(name + " record " + at + ": label '" + value
          + "' is not 1/0, true/false or yes/no");
    };
  }

  /** RFC 4180: fields separated by commas, optionally in double quotes ("" escapes a quote); CRLF or LF. */
  static List<List<String>> parseCsv(Reader in) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    int c;
    while ((c = in.read()) != -1) {
      any = true;
      if (quoted) {
        if (c == '"') {
          in.mark(1);
          int next = in.read();
          if (next == '"') {
            field.append('"');
          } else {
            quoted = false;
            if (next != -1) {
              in.reset();
            }
          }
        } else {
          field.append((char) c);
        }
      } else if (c == '"' && field.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r') {
          in.mark(1);
          if (in.read() != '\n') {
            in.reset();
          }
        }
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        any = false;
      } else {
        field.append((char) c);
      }
    }
    if (any || field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
