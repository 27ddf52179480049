package dev.lexstream.topology;

import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.serde.InputDecoder;
import dev.lexstream.serde.RejectedRecordException;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stage of a pipeline: decodes raw bytes into a document, validates its text, and sends it
 * on to the models, or to the dead-letter topic with the reason. Never lets bad input stop the task.
 */
final class DecodeProcessor implements Processor<byte[], byte[], byte[], Object> {
  private static final Logger log = LoggerFactory.getLogger(DecodeProcessor.class);

  private final String pipeline;
  private final InputDecoder decoder;
  private final TextValidator validator;
  private final String next;
  private final String deadLetterSink;
  private ProcessorContext<byte[], Object> context;

  DecodeProcessor(String pipeline, InputDecoder decoder, TextValidator validator, String next, String deadLetterSink) {
    this.pipeline = pipeline;
    this.decoder = decoder;
    this.validator = validator;
    this.next = next;
    this.deadLetterSink = deadLetterSink;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    SourceRef source = SourceRef.newBuilder()
        .setTopic(meta.topic())
        .setPartition(meta.partition())
        .setOffset(meta.offset())
        .setTimestamp(Instant.ofEpochMilli(record.timestamp()))
        .build();
    String fallbackId = meta.topic() + "-" + meta.partition() + "-" + meta.offset();
    String id = null;
    try {
      TextDocument document = decoder.decode(record.value());
      id = document.getId() == null || document.getId().isBlank() ? fallbackId : document.getId();
      document.setId(id);
      document.setText(validator.validate(document.getText()));
      context.forward(record.withValue(new PendingText(document, source, record.key(), record.value(), record.headers())), next);
    } catch (RejectedRecordException e) {
      log.debug("dead-letter pipeline={} id={} at {}-{}@{} stage={}: {}", pipeline, id, meta.topic(),
          meta.partition(), meta.offset(), e.stage(), e.getMessage());
      context.forward(record.withValue(DeadLetters.of(pipeline, id, e.stage(), e.getMessage(), e.getCause(),
          source, record.key(), record.value())), deadLetterSink);
    }
  }
}
