package dev.lexstream.topology;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.SourceRef;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Writes every output record to the partition its input came from, so order per input partition
 * holds in the output topics whatever the keys (null keys would otherwise scatter).
 */
final class SourcePartitioner implements StreamPartitioner<byte[], Object> {
  @Override
  public Optional<Set<Integer>> partitions(String topic, byte[] key, Object value, int numPartitions) {
    SourceRef source;
    if (value instanceof EnrichedText enriched) {
      source = enriched.getSource();
    } else if (value instanceof DeadLetter deadLetter) {
      source = deadLetter.getSource();
    } else {
      return Optional.empty();
    }
    return Optional.of(Set.of(source.getPartition() % numPartitions));
  }
}
