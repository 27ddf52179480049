package dev.lexstream.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.DatumReader;
import org.apache.avro.util.Utf8;

/**
 * A decoder that refuses strings whose bytes are not UTF-8. Avro's own decoders replace malformed
 * bytes with U+FFFD, so a document with a corrupt text would be enriched as if it said something
 * else, while the same bytes as plain text or JSON are dead-lettered. Wrapping the decoder, rather
 * than the datum reader, keeps Avro's fast reader; strings of skipped writer fields are not checked,
 * as nothing reads them.
 */
public final class StrictUtf8Decoder extends Decoder {
  /** A string that is not UTF-8; {@link #lenient()} is the value Avro would have made of it. */
  static final class InvalidUtf8Exception extends IOException {
    private static final long serialVersionUID = 1L;
    private final String lenient;

    InvalidUtf8Exception(String lenient, CharacterCodingException cause) {
      super("invalid UTF-8 in a string", cause);
      this.lenient = lenient;
    }

    String lenient() {
      return lenient;
    }
  }

  private final Decoder in;
  private CharsetDecoder utf8;

  private StrictUtf8Decoder(Decoder in) {
    this.in = in;
  }

  /**
   * Reads one whole datum from {@code bytes} from {@code offset} on, strictly: every string must be
   * UTF-8 and nothing may follow the datum. The single-object and the registry framing share it.
   *
   * @param malformed how a failure's message starts, e.g. {@code malformed Avro body for schema id 7}
   * @throws IOException with {@code malformed}, then what is wrong (invalid UTF-8 naming the field when
   *     it can, truncated, trailing bytes, or the exception Avro threw)
   */
  public static <T> T readWhole(DatumReader<T> reader, byte[] bytes, int offset, String malformed)
      throws IOException {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
    T datum;
    try {
      datum = reader.read(null, new StrictUtf8Decoder(decoder));
    } catch (InvalidUtf8Exception e) {
      throw new IOException(malformed + ": " + reason(e, reader, bytes, offset), e);
    } catch (EOFException e) {
      // Avro's EOFException has no message: say what it means
      throw new IOException(malformed + ": truncated", e);
    } catch (IOException | RuntimeException e) {
      // Avro signals corrupt bodies with assorted exceptions
      throw new IOException(malformed + ": " + e.getClass().getSimpleName(), e);
    }
    if (!decoder.isEnd()) {
      throw new IOException(malformed + ": trailing bytes after the record");
    }
    return datum;
  }

  /**
   * The reason for a record with an invalid string, naming its field (e.g. {@code invalid UTF-8 in
   * field text}) when reading the same bytes again the lenient way finds the value; {@code offset}
   * is where the datum starts in {@code bytes}.
   */
  private static String reason(InvalidUtf8Exception e, DatumReader<?> reader, byte[] bytes, int offset) {
    String field = null;
    try {
      Object datum = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null));
      field = fieldOf(datum, e.lenient(), "");
    } catch (IOException | RuntimeException ignored) {
      // the reason goes without the field name
    }
    return field == null || field.isEmpty() ? e.getMessage() : "invalid UTF-8 in field " + field;
  }

  private static String fieldOf(Object datum, String value, String path) {
    if (datum instanceof IndexedRecord record) {
      for (Schema.Field f : record.getSchema().getFields()) {
        String found = fieldOf(record.get(f.pos()), value, path.isEmpty() ? f.name() : path + "." + f.name());
        if (found != null) {
          return found;
        }
      }
    } else if (datum instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String found = fieldOf(entry.getKey(), value, path);
        if (found == null) {
          found = fieldOf(entry.getValue(), value, path);
        }
        if (found != null) {
          return found;
        }
      }
    } else if (datum instanceof Collection<?> items) {
      for (Object item : items) {
        String found = fieldOf(item, value, path);
        if (found != null) {
          return found;
        }
      }
    } else if (datum instanceof CharSequence s && value.contentEquals(s)) {
      return path;
    }
    return null;
  }

  private String decode(Utf8 s) throws InvalidUtf8Exception {
    if (utf8 == null) {
      utf8 = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    try {
      return utf8.decode(ByteBuffer.wrap(s.getBytes(), 0, s.getByteLength())).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidUtf8Exception(s.toString(), e);
    }
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    Utf8 s = in.readString(old);
    decode(s);
    return s;
  }

  @Override
  public String readString() throws IOException {
    return decode(in.readString(null));
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public void skipString() throws IOException {
    in.skipString();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return in.readBytes(old);
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipBytes();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return in.readArrayStart();
  }

  @Override
  public long arrayNext() throws IOException {
    return in.arrayNext();
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return in.readMapStart();
  }

  @Override
  public long mapNext() throws IOException {
    return in.mapNext();
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }

  @Override
  public int remainingBytes() {
    // Avro checks collection sizes against it before allocating
    return in.remainingBytes();
  }
}
