package dev.lexstream.serde;

import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer for output keys (the input record's key): passed through unchanged, or written in
 * the schema-registry format when {@code serialization.keys} is on.
 */
public final class KeySerializer implements Serializer<byte[]> {
  private final AvroCodec codec;

  public KeySerializer(AvroCodec codec) {
    this.codec = codec;
  }

  @Override
  public byte[] serialize(String topic, byte[] key) {
    return codec.encodeKey(topic, key);
  }
}
