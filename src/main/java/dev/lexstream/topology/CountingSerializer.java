package dev.lexstream.topology;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.Finding;
import dev.lexstream.ops.Metrics;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serializer of every output sink, counting what it serializes: one record by pipeline
 * and outcome (from the topic: output, quarantine or dead letter), dead letters by stage, and the
 * safety findings an enriched or quarantined record carries. Every record leaving a pipeline passes
 * here, whichever processor forwarded it, so this is the one place that counts outcomes. Under
 * exactly-once a record processed again after an aborted transaction counts again.
 */
final class CountingSerializer implements Serializer<Object> {
  private final Serializer<Object> delegate;
  private final Map<String, String> outcomeByTopic;
  private final Metrics metrics;

  /** @param outcomeByTopic {@link Metrics#ENRICHED}, {@link Metrics#QUARANTINE} or {@link Metrics#DLQ} per output topic */
  CountingSerializer(Serializer<Object> delegate, Map<String, String> outcomeByTopic, Metrics metrics) {
    this.delegate = delegate;
    this.outcomeByTopic = Map.copyOf(outcomeByTopic);
    this.metrics = metrics;
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    byte[] bytes = delegate.serialize(topic, data);
    count(topic, data);
    return bytes;
  }

  @Override
  public byte[] serialize(String topic, Headers headers, Object data) {
    byte[] bytes = delegate.serialize(topic, headers, data);
    count(topic, data);
    return bytes;
  }

  private void count(String topic, Object data) {
    if (data instanceof DeadLetter deadLetter) {
      metrics.recordOut(deadLetter.getPipeline(), Metrics.DLQ);
      metrics.deadLetter(deadLetter.getPipeline(), deadLetter.getStage());
    } else if (data instanceof EnrichedText enriched) {
      String outcome = outcomeByTopic.getOrDefault(topic, Metrics.ENRICHED);
      metrics.recordOut(enriched.getPipeline(), outcome);
      if (enriched.getSafety() != null && enriched.getSafety().getFindings() != null) {
        for (Finding finding : enriched.getSafety().getFindings()) {
          metrics.safetyFinding(enriched.getPipeline(), finding.getCategory(), finding.getAction());
        }
      }
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
