package dev.lexstream.app;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.serde.AvroCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a pipeline's outputs read_committed and counts how often each input id came out. */
final class OutputCollector implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String enrichedTopic;
  private final Map<String, Integer> seen = new HashMap<>();
  private long outputs;

  OutputCollector(String bootstrap, String pipeline, int partitions) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    enrichedTopic = pipeline + ".enriched";
    List<TopicPartition> assignment = new ArrayList<>();
    for (String topic : List.of(enrichedTopic, pipeline + ".dlq", pipeline + ".quarantine")) {
      for (int p = 0; p < partitions; p++) {
        assignment.add(new TopicPartition(topic, p));
      }
    }
    consumer.assign(assignment);
    consumer.seekToBeginning(assignment);
  }

  /** Polls once; returns the total number of output records read so far. */
  long poll() {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      String id;
      try {
        id = record.topic().equals(enrichedTopic)
            ? AvroCodec.decodeSingleObject(record.value(), EnrichedText.class).getId()
            : AvroCodec.decodeSingleObject(record.value(), DeadLetter.class).getId();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      seen.merge(id, 1, Integer::sum);
      outputs++;
    }
    return outputs;
  }

  long outputs() {
    return outputs;
  }

  Map<String, Integer> seen() {
    return seen;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
