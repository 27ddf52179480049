// Avro datum writers, readers and schema fingerprints, built once per schema instead of once per record.
package dev.lexstream.serde;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Building a writer or a resolving reader walks the schema, and a fingerprint normalizes it to
 * text: per record, that was a visible share of a stream thread's time in the pipeline profile.
 * Avro's datum writers and readers keep no per-call state (its own {@code BinaryMessageEncoder}
 * shares one writer between threads; readers keep resolvers per thread), so one instance per
 * schema serves every thread. The schemas are the handful Lexstream writes and the writer schemas
 * it meets, so the caches stay small.
 */
public final class AvroDatums {
  private static final Map<Schema, DatumWriter<SpecificRecord>> WRITERS = new ConcurrentHashMap<>();
  private static final Map<Schema, DatumWriter<Object>> GENERIC_WRITERS = new ConcurrentHashMap<>();
  private static final Map<List<Schema>, DatumReader<?>> SPECIFIC_READERS = new ConcurrentHashMap<>();
  private static final Map<List<Schema>, DatumReader<?>> GENERIC_READERS = new ConcurrentHashMap<>();
  private static final Map<Schema, Long> FINGERPRINTS = new ConcurrentHashMap<>();

  private AvroDatums() {}

  /** A writer of generated records with the schema's own data model (logical-type conversions included). */
  public static DatumWriter<SpecificRecord> writer(Schema schema) {
    return WRITERS.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, SpecificData.getForSchema(s)));
  }

  /** A writer of plain values (e.g. a {@code string} key). */
  public static DatumWriter<Object> genericWriter(Schema schema) {
    return GENERIC_WRITERS.computeIfAbsent(schema, GenericDatumWriter::new);
  }

  /** Reads data written with {@code writer} into the generated class of {@code reader}. */
  @SuppressWarnings("unchecked")
  public static <T> DatumReader<T> specificReader(Schema writer, Schema reader) {
    return (DatumReader<T>) SPECIFIC_READERS.computeIfAbsent(List.of(writer, reader),
        k -> new SpecificDatumReader<>(writer, reader));
  }

  /** Reads data written with {@code writer} generically ({@code GenericRecord} for records). */
  public static <T> DatumReader<T> genericReader(Schema writer) {
    return genericReader(writer, writer);
  }

  /** Reads data written with {@code writer} generically, resolved to {@code reader}'s shape. */
  @SuppressWarnings("unchecked")
  public static <T> DatumReader<T> genericReader(Schema writer, Schema reader) {
    return (DatumReader<T>) GENERIC_READERS.computeIfAbsent(List.of(writer, reader),
        k -> new GenericDatumReader<>(writer, reader));
  }

  /** The 64-bit parsing fingerprint of single-object encoding. */
  public static long fingerprint(Schema schema) {
    return FINGERPRINTS.computeIfAbsent(schema, SchemaNormalization::parsingFingerprint64);
  }
}
