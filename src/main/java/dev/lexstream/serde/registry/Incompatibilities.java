package dev.lexstream.serde.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Says which field makes a schema change incompatible, in words, from Avro's own check or a registry's message. */
public final class Incompatibilities {
  /** Field names as Confluent ({@code additionalInfo:'f'}), Apicurio and Karapace ({@code field 'f'}) print them. */
  private static final List<Pattern> FIELD_IN_MESSAGE = List.of(
      Pattern.compile("additionalInfo:\\s*'([A-Za-z_][A-Za-z0-9_]*)'"),
      Pattern.compile("[Ff]ield\\s+'([A-Za-z_][A-Za-z0-9_]*)'"),
      Pattern.compile("[Ff]ield\\s+\"([A-Za-z_][A-Za-z0-9_]*)\""));

  private Incompatibilities() {}

  /** The first field name a registry's incompatibility message mentions, if it mentions one. */
  public static Optional<String> fieldInMessage(String message) {
    if (message == null) {
      return Optional.empty();
    }
    for (Pattern p : FIELD_IN_MESSAGE) {
      Matcher m = p.matcher(message);
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether data written with {@code writer} can be read with {@code reader}; when not, one line per
   * problem, naming the field path (e.g. {@code field 'safety.action': READER_FIELD_MISSING_DEFAULT_VALUE}).
   */
  public static List<String> check(Schema reader, Schema writer) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    List<String> problems = new ArrayList<>();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return problems;
    }
    for (Incompatibility i : result.getIncompatibilities()) {
      problems.add(describe(i, reader));
    }
    return problems;
  }

  static String describe(Incompatibility i, Schema reader) {
    String path = fieldPath(reader, i.getLocation());
    String what = switch (i.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE -> "field '" + (path.isEmpty() ? i.getMessage() : path)
          + "' is new and has no default value, so records written with the old schema cannot be read";
      case NAME_MISMATCH -> "record name differs (" + i.getMessage() + ")" + (path.isEmpty() ? "" : " at field '" + path + "'");
      default -> (path.isEmpty() ? "schema" : "field '" + path + "'") + ": " + i.getType() + " (" + i.getMessage() + ")";
    };
    return what;
  }

  /** Translates Avro's JSON-pointer location ({@code /fields/3/type/1/fields/0}) into field names. */
  static String fieldPath(Schema schema, String location) {
    if (location == null || location.isEmpty() || location.equals("/")) {
      return "";
    }
    List<String> names = new ArrayList<>();
    String[] tokens = location.substring(1).split("/");
    Schema s = schema;
    try {
      for (int t = 0; t < tokens.length; t++) {
        String tok = tokens[t];
        switch (tok) {
          case "fields" -> {
            if (t + 1 >= tokens.length) {
              return String.join(".", names);
            }
            Schema.Field f = s.getFields().get(Integer.parseInt(tokens[++t]));
            names.add(f.name());
            s = f.schema();
          }
          case "type" -> {
            if (t + 1 < tokens.length && tokens[t + 1].matches("\\d+") && s.getType() == Schema.Type.UNION) {
              s = s.getTypes().get(Integer.parseInt(tokens[++t]));
            }
          }
          case "items" -> s = s.getElementType();
          case "values" -> s = s.getValueType();
          default -> {
            if (tok.matches("\\d+") && s.getType() == Schema.Type.UNION) {
              s = s.getTypes().get(Integer.parseInt(tok));
            } else {
              return String.join(".", names);
            }
          }
        }
      }
    } catch (RuntimeException e) {
      // a location we cannot follow: say what we have
    }
    return String.join(".", names);
  }
}
