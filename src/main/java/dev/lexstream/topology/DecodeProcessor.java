package dev.lexstream.topology;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.avro.TextDocument;
import dev.lexstream.config.SafetyAction;
import dev.lexstream.ops.DeadLetterReplay;
import dev.lexstream.safety.InputGuard;
import dev.lexstream.safety.Verdicts;
import dev.lexstream.serde.InputDecoder;
import dev.lexstream.serde.RejectedRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stage of a pipeline: decodes raw bytes into a document, validates its text, runs the input
 * guard (PII detection and redaction, when the pipeline has a safety policy), checks that its batch
 * buffer entry fits the producer's max.request.size, and sends it on to the models, or to the
 * dead-letter topic with the reason. Never lets bad input stop the task.
 */
final class DecodeProcessor implements Processor<byte[], byte[], byte[], Object> {
  private static final Logger log = LoggerFactory.getLogger(DecodeProcessor.class);

  private final String pipeline;
  private final InputDecoder decoder;
  private final TextValidator validator;
  private final BufferEntryCheck entryCheck;
  private final String next;
  private final String deadLetterSink;
  private final SinkSizes sizes;
  private final InputGuard guard;
  private ProcessorContext<byte[], Object> context;

  /**
   * @param guard the pipeline's input guard; null when it has none
   * @param sizes sizes dead letters as {@code deadLetterSink} will write them
   */
  DecodeProcessor(String pipeline, InputDecoder decoder, TextValidator validator, InputGuard guard,
      BufferEntryCheck entryCheck, String next, String deadLetterSink, SinkSizes sizes) {
    this.pipeline = pipeline;
    this.decoder = decoder;
    this.validator = validator;
    this.guard = guard;
    this.entryCheck = entryCheck;
    this.next = next;
    this.deadLetterSink = deadLetterSink;
    this.sizes = sizes;
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
    String fallbackId = replayedId(record);
    if (fallbackId == null) {
      fallbackId = meta.topic() + "-" + meta.partition() + "-" + meta.offset();
    }
    String id = null;
    // what a dead letter of this record may carry: the input bytes until the guard redacts the text
    byte[] original = record.value();
    try {
      TextDocument document = decoder.decode(record.value());
      id = document.getId() == null || document.getId().isBlank() ? fallbackId : document.getId();
      document.setId(id);
      document.setText(validator.validate(document.getText()));
      SafetyVerdict verdict = null;
      if (guard != null) {
        InputGuard.Result screened = guard.screen(document.getText());
        if (screened.action() == SafetyAction.DROP) {
          byte[] withheld = screened.deadLetterText().equals(document.getText()) ? original
              : redactedDocument(document, screened.deadLetterText());
          String reason = Verdicts.dropReason(screened.verdict());
          log.debug("dead-letter pipeline={} id={} at {}-{}@{} stage={}: {}", pipeline, id, meta.topic(),
              meta.partition(), meta.offset(), SafetyStages.INPUT, reason);
          forwardDeadLetter(record, DeadLetters.of(pipeline, id, SafetyStages.INPUT, reason, null, source,
              record.key(), withheld));
          return;
        }
        if (screened.redacted()) {
          // from here on nothing may carry the raw text, dead letters of later stages included
          original = redactedDocument(document, screened.text());
        }
        document.setText(screened.text());
        verdict = screened.verdict();
      }
      PendingText pending = new PendingText(document, source, record.key(), original, record.headers(), verdict);
      context.forward(record.withValue(entryCheck.check(pending)), next);
    } catch (RejectedRecordException e) {
      log.debug("dead-letter pipeline={} id={} at {}-{}@{} stage={}: {}", pipeline, id, meta.topic(),
          meta.partition(), meta.offset(), e.stage(), e.getMessage());
      forwardDeadLetter(record, DeadLetters.of(pipeline, id, e.stage(), e.getMessage(), e.getCause(), source,
          record.key(), original));
    }
  }

  /**
   * The id {@code replay} gave a record it re-fed (its dead letter's): without it a record that has no id of its
   * own would be named after its new offset, and nobody could match it with its dead letter.
   */
  private static String replayedId(Record<byte[], byte[]> record) {
    Header header = record.headers().lastHeader(DeadLetterReplay.REPLAYED_ID_HEADER);
    if (header == null || header.value() == null || header.value().length == 0) {
      return null;
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Sends the dead letter on with the record's key and headers, cut where they would not fit. */
  private void forwardDeadLetter(Record<byte[], byte[]> record, DeadLetter letter) {
    context.forward(DeadLetters.fit(record, letter, sizes, deadLetterSink), deadLetterSink);
  }

  /** The document with {@code text} in place of its text, in Avro single-object encoding (replayable input). */
  private static byte[] redactedDocument(TextDocument document, String text) {
    TextDocument copy = TextDocument.newBuilder(document).setText(text).build();
    try {
      ByteBuffer buffer = copy.toByteBuffer();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
