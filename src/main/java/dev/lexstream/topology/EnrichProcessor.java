package dev.lexstream.topology;

import dev.lexstream.avro.EnrichedText;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline's models on each decoded record and forwards the enriched record (to the
 * quarantine topic, or as a dead letter, when its safety verdict says so), or a dead letter at
 * stage {@code inference} when a model throws on it.
 */
final class EnrichProcessor implements Processor<byte[], PendingText, byte[], Object> {
  static final String STAGE = "inference";
  private static final Logger log = LoggerFactory.getLogger(EnrichProcessor.class);

  private final String pipeline;
  private final Enricher enricher;
  private final String outputSink;
  private final String quarantineSink;
  private final String deadLetterSink;
  private ProcessorContext<byte[], Object> context;

  EnrichProcessor(String pipeline, Enricher enricher, String outputSink, String quarantineSink, String deadLetterSink) {
    this.pipeline = pipeline;
    this.enricher = enricher;
    this.outputSink = outputSink;
    this.quarantineSink = quarantineSink;
    this.deadLetterSink = deadLetterSink;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], PendingText> record) {
    PendingText pending = record.value();
    List<EnrichedText> enriched;
    try {
      enriched = enricher.enrich(List.of(pending));
    } catch (RuntimeException e) {
      log.warn("dead-letter pipeline={} id={} at {}-{}@{} stage={}: {}", pipeline, pending.id(),
          pending.source().getTopic(), pending.source().getPartition(), pending.source().getOffset(), STAGE,
          e.getClass().getName());
      context.forward(record.withValue(DeadLetters.of(pipeline, pending.id(), STAGE,
          "model failed: " + e.getClass().getSimpleName(), e, pending.source(), pending.key(),
          pending.original())), deadLetterSink);
      return;
    }
    EnrichedText result = enriched.get(0);
    switch (SafetyStages.route(result)) {
      case QUARANTINE -> context.forward(record.withValue(result), quarantineSink);
      case DEAD_LETTER -> context.forward(record.withValue(SafetyStages.deadLetter(pipeline, result, pending)),
          deadLetterSink);
      default -> context.forward(record.withValue(result), outputSink);
    }
  }
}
