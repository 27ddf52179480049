package dev.lexstream.topology;

import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sizes a record as one of a pipeline's sinks will write it, before it is forwarded: serialized by
 * the sinks' own key and value serializers (so in the configured format: JSON escapes text and
 * writes bytes as base64) and counted as the producer counts it against max.request.size.
 */
final class SinkSizes {
  private final RequestSizeLimit limit;
  private final Serializer<byte[]> keys;
  private final Serializer<Object> values;
  private final Map<String, String> topicBySink;

  /**
   * @param values      the sinks' value serializer without side effects (not the counting one)
   * @param topicBySink the topic each sink of the pipeline writes to, by sink name
   */
  SinkSizes(RequestSizeLimit limit, Serializer<byte[]> keys, Serializer<Object> values,
      Map<String, String> topicBySink) {
    this.limit = limit;
    this.keys = keys;
    this.values = values;
    this.topicBySink = Map.copyOf(topicBySink);
  }

  RequestSizeLimit limit() {
    return limit;
  }

  /** What the producer counts for the record when {@code sink} writes it. */
  long size(String sink, Record<byte[], ?> record) {
    String topic = topicBySink.get(sink);
    if (topic == null) {
      throw new IllegalArgumentException("no topic for sink " + sink);
    }
    byte[] key = keys.serialize(topic, record.key());
    byte[] value = values.serialize(topic, record.value());
    return RequestSizeLimit.recordSize(key == null ? 0 : key.length, value == null ? 0 : value.length,
        record.headers());
  }
}
