package dev.lexstream.topology;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.batching.BatchingProcessor.BatchHandler;
import dev.lexstream.batching.BatchingProcessor.Forward;
import dev.lexstream.batching.Bisection;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a flushed micro-batch becomes: the enriched records, in offset order, each to the output,
 * quarantine or dead-letter topic as its safety verdict says ({@link SafetyStages#route}); a
 * record that makes a model throw is isolated by bisection and sent to the dead-letter topic at
 * stage {@code inference}, while the rest of its batch is enriched. An enriched record larger than
 * the producer's max.request.size goes to the dead-letter topic at stage {@code output} instead. A
 * batch cut short by shutdown (an interrupt, a closed model executor) throws instead: none of its
 * records is dead-lettered or forwarded, and they stay in the task's buffer for its next owner.
 */
final class EnrichBatch implements BatchHandler<PendingText> {
  static final String STAGE = "inference";
  /** Stage of a record whose enriched output the producer would refuse: where the output checks report too. */
  static final String OUTPUT_STAGE = SafetyStages.OUTPUT;
  private static final Logger log = LoggerFactory.getLogger(EnrichBatch.class);

  private final String pipeline;
  private final Enricher enricher;
  private final String outputSink;
  private final String quarantineSink;
  private final String deadLetterSink;
  private final SinkSizes sizes;

  /**
   * @param quarantineSink where quarantined records go; null sends them to the output (no safety policy)
   * @param sizes          sizes records as the pipeline's sinks will write them
   */
  EnrichBatch(String pipeline, Enricher enricher, String outputSink, String quarantineSink, String deadLetterSink,
      SinkSizes sizes) {
    this.pipeline = pipeline;
    this.enricher = enricher;
    this.outputSink = outputSink;
    this.quarantineSink = quarantineSink == null ? outputSink : quarantineSink;
    this.deadLetterSink = deadLetterSink;
    this.sizes = sizes;
  }

  @Override
  public List<Forward> handle(List<PendingText> batch) {
    List<Bisection.Outcome<EnrichedText>> outcomes = Bisection.run(batch, enricher::enrich);
    List<Forward> forwards = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      PendingText pending = batch.get(i);
      Bisection.Outcome<EnrichedText> outcome = outcomes.get(i);
      if (outcome.failed()) {
        RuntimeException e = outcome.failure();
        log.warn("dead-letter pipeline={} id={} at {}-{}@{} stage={}: {}", pipeline, pending.id(),
            pending.source().getTopic(), pending.source().getPartition(), pending.source().getOffset(), STAGE,
            e.getClass().getName());
        forwards.add(deadLetter(pending, DeadLetters.of(pipeline, pending.id(), STAGE,
            "model failed: " + e.getClass().getSimpleName(), e, pending.source(), pending.key(), pending.original())));
      } else {
        EnrichedText result = outcome.result();
        forwards.add(switch (SafetyStages.route(result)) {
          case QUARANTINE -> enriched(quarantineSink, pending, result);
          case DEAD_LETTER -> deadLetter(pending, SafetyStages.deadLetter(pipeline, result, pending));
          default -> enriched(outputSink, pending, result);
        });
      }
    }
    return forwards;
  }

  /**
   * The enriched record to its sink, or, when the producer would refuse it (a summary and a
   * translation come on top of the text), a dead letter saying so: it would stop the task.
   */
  private Forward enriched(String sink, PendingText pending, EnrichedText result) {
    Record<byte[], Object> record = record(pending, result);
    long size = sizes.size(sink, record);
    if (sizes.limit().admits(size)) {
      return new Forward(sink, record);
    }
    log.warn("dead-letter pipeline={} id={} at {}-{}@{} stage={}: enriched record of {} bytes", pipeline,
        pending.id(), pending.source().getTopic(), pending.source().getPartition(), pending.source().getOffset(),
        OUTPUT_STAGE, size);
    return deadLetter(pending, DeadLetters.of(pipeline, pending.id(), OUTPUT_STAGE, "enriched record of " + size
        + " bytes exceeds max.request.size " + sizes.limit().bytes(), null, pending.source(), pending.key(),
        pending.original()));
  }

  /** The dead letter with the record's key and headers, cut where they would not fit. */
  private Forward deadLetter(PendingText pending, DeadLetter letter) {
    return new Forward(deadLetterSink, DeadLetters.fit(record(pending, letter), letter, sizes, deadLetterSink));
  }

  private static Record<byte[], Object> record(PendingText pending, Object value) {
    return new Record<>(pending.key(), value, pending.timestamp(), pending.headers());
  }
}
