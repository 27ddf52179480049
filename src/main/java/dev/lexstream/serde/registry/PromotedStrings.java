package dev.lexstream.serde.registry;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A writer schema with each {@code bytes} that the reader reads as a {@code string} declared a
 * {@code string} itself. Avro's schema resolution promotes bytes to string by decoding them with
 * {@code new String(bytes, UTF_8)}, which replaces invalid bytes with U+FFFD without asking the
 * decoder, so a producer writing {@code text} as {@code bytes} would get a corrupt text enriched
 * where a {@code string} (or plain text, or JSON) is dead-lettered. Both types have the same binary
 * encoding, so declaring them strings reads the same datum, through the strict decoder's string check.
 *
 * <p>Conservative: where it cannot tell what the reader reads (a union branch it cannot pick, a
 * recursive type), the writer schema is left as it is.
 */
final class PromotedStrings {
  private PromotedStrings() {}

  /** {@code writer} with the bytes the reader reads as strings declared strings; {@code writer} itself when none. */
  static Schema of(Schema writer, Schema reader) {
    return rewrite(writer, reader, new IdentityHashMap<>());
  }

  private static Schema rewrite(Schema writer, Schema reader, Map<Schema, Boolean> visiting) {
    if (writer.getType() == Schema.Type.UNION) {
      List<Schema> branches = new ArrayList<>(writer.getTypes().size());
      boolean changed = false;
      for (Schema branch : writer.getTypes()) {
        Schema b = rewrite(branch, reader, visiting);
        changed |= b != branch;
        branches.add(b);
      }
      if (!changed || branches.stream().filter(b -> b.getType() == Schema.Type.STRING).count() > 1) {
        return writer; // a union may hold one string only
      }
      return Schema.createUnion(branches);
    }
    Schema target = readAs(writer, reader);
    if (target == null) {
      return writer;
    }
    switch (writer.getType()) {
      case BYTES:
        return target.getType() == Schema.Type.STRING ? Schema.create(Schema.Type.STRING) : writer;
      case ARRAY: {
        Schema items = rewrite(writer.getElementType(), target.getElementType(), visiting);
        return items == writer.getElementType() ? writer : Schema.createArray(items);
      }
      case MAP: {
        Schema values = rewrite(writer.getValueType(), target.getValueType(), visiting);
        return values == writer.getValueType() ? writer : Schema.createMap(values);
      }
      case RECORD:
        return record(writer, target, visiting);
      default:
        return writer;
    }
  }

  private static Schema record(Schema writer, Schema reader, Map<Schema, Boolean> visiting) {
    if (visiting.put(writer, Boolean.TRUE) != null) {
      return writer; // recursive: left alone
    }
    try {
      List<Schema> types = new ArrayList<>();
      boolean changed = false;
      for (Schema.Field f : writer.getFields()) {
        Schema.Field r = readerField(reader, f.name());
        Schema t = r == null ? f.schema() : rewrite(f.schema(), r.schema(), visiting);
        changed |= t != f.schema();
        types.add(t);
      }
      if (!changed) {
        return writer;
      }
      List<Schema.Field> fields = new ArrayList<>(types.size());
      for (int i = 0; i < types.size(); i++) {
        fields.add(new Schema.Field(writer.getFields().get(i), types.get(i)));
      }
      Schema copy = Schema.createRecord(writer.getName(), writer.getDoc(), writer.getNamespace(), writer.isError(), fields);
      writer.getAliases().forEach(copy::addAlias);
      return copy;
    } finally {
      visiting.remove(writer);
    }
  }

  /** The reader field a writer field is read into, by name or by the reader field's aliases. */
  private static Schema.Field readerField(Schema reader, String name) {
    Schema.Field f = reader.getField(name);
    if (f != null) {
      return f;
    }
    for (Schema.Field candidate : reader.getFields()) {
      if (candidate.aliases().contains(name)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * The reader type a non-union writer type is read as: the reader itself, or the reader union's branch
   * of the same kind (for bytes: a string branch, unless the union has a bytes branch); null when none.
   */
  private static Schema readAs(Schema writer, Schema reader) {
    if (reader.getType() != Schema.Type.UNION) {
      return matches(writer, reader) ? reader : null;
    }
    if (writer.getType() == Schema.Type.BYTES) {
      boolean hasBytes = reader.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.BYTES);
      return hasBytes ? null : reader.getTypes().stream().filter(b -> b.getType() == Schema.Type.STRING).findFirst()
          .orElse(null);
    }
    List<Schema> same = reader.getTypes().stream().filter(b -> matches(writer, b)).toList();
    return same.size() == 1 ? same.get(0) : null;
  }

  private static boolean matches(Schema writer, Schema reader) {
    return switch (writer.getType()) {
      case BYTES -> reader.getType() == Schema.Type.STRING || reader.getType() == Schema.Type.BYTES;
      case RECORD -> reader.getType() == Schema.Type.RECORD && (reader.getName().equals(writer.getName())
          || reader.getAliases().contains(writer.getFullName()));
      default -> reader.getType() == writer.getType();
    };
  }
}
