package dev.lexstream.serde;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.avro.specific.SpecificRecord;

/** Kafka serializer for Lexstream's output records in the configured serialization format. */
public final class RecordSerializer implements Serializer<Object> {
  private final AvroCodec codec;

  public RecordSerializer(AvroCodec codec) {
    this.codec = codec;
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof SpecificRecord record)) {
      throw new IllegalArgumentException("not an Avro record: " + data.getClass().getName());
    }
    return codec.encode(topic, record);
  }
}
