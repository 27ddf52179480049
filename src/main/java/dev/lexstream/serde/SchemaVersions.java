package dev.lexstream.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * One record's schema as its generated class has it now, with every version of it that Lexstream
 * shipped, oldest first, each a self-contained {@code .avsc} resource next to a class.
 *
 * <p>Single-object encoding names the writer schema by its fingerprint alone, so a record written by
 * an earlier version (a replayed topic, a producer not upgraded yet, a batch buffer restored after an
 * upgrade) can be read only through that version's schema, shipped here. Hence the rule: a version file
 * is never edited, and a change that moves the schema's fingerprint adds one. Each user's tests check
 * that the newest file is the generated class's schema.
 */
public final class SchemaVersions {
  private final Schema current;
  private final List<Schema> shipped;

  private SchemaVersions(Schema current, List<Schema> shipped) {
    this.current = current;
    this.shipped = List.copyOf(shipped);
  }

  /**
   * Reads the version files of a record.
   *
   * @param current the generated class's schema
   * @param owner   the class whose package holds the files
   * @param files   the version files, oldest first
   * @throws IllegalStateException when a file is missing
   */
  public static SchemaVersions of(Schema current, Class<?> owner, String... files) {
    if (files.length == 0) {
      throw new IllegalArgumentException("no version file for " + current.getFullName());
    }
    List<Schema> shipped = new ArrayList<>();
    for (String file : files) {
      try (InputStream in = owner.getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + file + " next to " + owner.getName());
        }
        shipped.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return new SchemaVersions(current, shipped);
  }

  /** The generated class's schema: what records are read as, whichever version wrote them. */
  public Schema current() {
    return current;
  }

  /** Every shipped version, oldest first. */
  public List<Schema> shipped() {
    return shipped;
  }

  /** A store that finds every shipped version of each of {@code records} by its fingerprint. */
  public static SchemaStore.Cache store(List<SchemaVersions> records) {
    SchemaStore.Cache cache = new SchemaStore.Cache();
    for (SchemaVersions record : records) {
      record.shipped.forEach(cache::addSchema);
    }
    return cache;
  }
}
