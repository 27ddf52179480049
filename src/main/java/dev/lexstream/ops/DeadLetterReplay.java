package dev.lexstream.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lexstream.avro.DeadLetter;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.AvroJson;
import dev.lexstream.serde.registry.RegistryCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-feeds dead letters to a pipeline's input topic after a fix: reads the dead-letter topic
 * (read_committed, no consumer group) up to the end it had when the replay started, keeps the dead
 * letters that pass the {@link Filter}, and produces each one's original bytes with its original
 * key, the dead-letter record's headers (the input's headers, passed through) plus
 * {@value #REPLAYED_FROM_HEADER}, to the input partition it came from. Dead letters whose original
 * was cut (over 512 KiB, or to fit max.request.size) are skipped: replaying a truncated value would
 * only fail again.
 * Records that fail again simply land in the dead-letter topic again, after the replay's end offset.
 */
public final class DeadLetterReplay {
  /** Header set on each replayed record: {@code <dead-letter topic>-<partition>@<offset>}. */
  public static final String REPLAYED_FROM_HEADER = "lexstream.replayed-from";
  /**
   * Header set on each replayed record: the record's id, the dead letter's {@code id}, or, when it has
   * none (it failed before its id was read), {@code <topic>-<partition>-<offset>} of its source. A record
   * without an id of its own is named after its coordinates, which a replay changes; the pipeline takes
   * this header as its id instead, so the replayed record comes out under the id its dead letter had.
   */
  public static final String REPLAYED_ID_HEADER = "lexstream.replayed-id";

  private static final Duration POLL = Duration.ofMillis(500);
  private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

  /**
   * Which dead letters to replay; null or empty means "any".
   *
   * @param partition  only this partition of the dead-letter topic
   * @param fromOffset first offset of the dead-letter topic to read (inclusive), on every partition read; a
   *                   partition whose first records retention deleted starts at the first one left
   * @param toOffset   last offset to read (inclusive)
   * @param max        stop after this many replayed
   */
  public record Filter(Set<String> stages, Set<String> ids, Set<String> errorTypes, Integer partition, Long fromOffset,
      Long toOffset, Long max) {
    public static Filter all() {
      return new Filter(null, null, null, null, null, null, null);
    }

    boolean matches(DeadLetter letter) {
      return (stages == null || stages.isEmpty() || stages.contains(letter.getStage()))
          && (ids == null || ids.isEmpty() || (letter.getId() != null && ids.contains(letter.getId())))
          && (errorTypes == null || errorTypes.isEmpty()
              || (letter.getErrorType() != null && errorTypes.contains(letter.getErrorType())));
    }
  }

  /** What a replay did; {@code lastOffsets} is the last dead-letter offset read per partition (to resume after). */
  public record Summary(long read, long replayed, long filteredOut, long truncated, long unreadable,
      Map<Integer, Long> lastOffsets) {}

  private final Properties consumerProps;
  private final Properties producerProps;
  private final RegistryCodec registry;

  /**
   * @param clientProperties passed to both clients (security settings); keys a client does not know are left out
   * @param registry         reads registry-encoded dead letters; null when none is configured
   */
  public DeadLetterReplay(String bootstrap, Map<String, String> clientProperties, RegistryCodec registry) {
    this.registry = registry;
    consumerProps = consumerProperties(bootstrap, clientProperties);
    producerProps = new Properties();
    clientProperties.forEach((k, v) -> {
      if (ProducerConfig.configNames().contains(k)) {
        producerProps.put(k, v);
      }
    });
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producerProps.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
  }

  /** The reading consumer's properties: {@code clientProperties} it knows, then the replay's own settings. */
  static Properties consumerProperties(String bootstrap, Map<String, String> clientProperties) {
    Properties props = new Properties();
    clientProperties.forEach((k, v) -> {
      if (ConsumerConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Retention can still delete records ahead of the position while the replay reads: go on from the
    // first one left instead of the default "latest", which would jump to the end and skip them all.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // partitionsFor() looks the topics up: on a broker that auto-creates topics (Kafka's default) a
    // mistyped --to would otherwise be created instead of refused as missing
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return props;
  }

  /**
   * Runs the replay.
   *
   * @param out      one JSON line per dead letter replayed (or that would be, with {@code dryRun}) or skipped
   * @param progress a progress line every 2 seconds, and the closing summary
   * @throws IllegalArgumentException when a topic does not exist or the filter names a partition it lacks
   */
  public Summary run(String deadLetterTopic, String targetTopic, Filter filter, boolean dryRun, Consumer<String> out,
      Consumer<String> progress) throws InterruptedException {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = dryRun ? null
            : new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<TopicPartition> partitions = partitions(consumer, deadLetterTopic, filter.partition());
      int targetPartitions = partitions(consumer, targetTopic, null).size();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      consumer.assign(partitions);
      if (filter.fromOffset() != null) {
        seekFrom(consumer, partitions, filter.fromOffset(), end, progress);
      } else {
        consumer.seekToBeginning(partitions);
      }
      long total = 0;
      for (TopicPartition tp : partitions) {
        total += Math.max(0, end.get(tp) - consumer.position(tp));
      }
      progress.accept("replay: reading up to " + total + " offset(s) of " + deadLetterTopic
          + (filter.toOffset() != null ? " (up to offset " + filter.toOffset() + ")" : "") + (dryRun ? "; dry run" : "")
          + (dryRun ? "" : "; replaying to " + targetTopic));
      long read = 0;
      long replayed = 0;
      long filtered = 0;
      long truncated = 0;
      long unreadable = 0;
      Map<Integer, Long> last = new TreeMap<>();
      List<Future<RecordMetadata>> sends = new ArrayList<>();
      long lastProgress = System.nanoTime();
      boolean done = done(consumer, partitions, end, filter);
      while (!done) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))
              || (filter.toOffset() != null && record.offset() > filter.toOffset())
              || (filter.max() != null && replayed >= filter.max())) {
            continue;
          }
          read++;
          last.put(record.partition(), record.offset());
          DeadLetter letter;
          try {
            letter = decode(record.value());
          } catch (IOException | RuntimeException e) {
            unreadable++;
            out.accept(line(record, null, "unreadable: " + e.getMessage()).toString());
            continue;
          }
          if (!filter.matches(letter)) {
            filtered++;
            continue;
          }
          byte[] original = bytes(letter.getOriginal());
          if (letter.getOriginalSize() > original.length) {
            truncated++;
            out.accept(line(record, letter, "skipped: original cut at " + original.length + " of "
                + letter.getOriginalSize() + " bytes").toString());
            continue;
          }
          if (!dryRun) {
            RecordHeaders headers = new RecordHeaders();
            for (Header header : record.headers()) {
              if (!header.key().equals(REPLAYED_FROM_HEADER) && !header.key().equals(REPLAYED_ID_HEADER)) {
                headers.add(header);
              }
            }
            headers.add(REPLAYED_FROM_HEADER, (record.topic() + "-" + record.partition() + "@" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
            headers.add(REPLAYED_ID_HEADER, replayedId(letter).getBytes(StandardCharsets.UTF_8));
            int source = letter.getSource().getPartition();
            Integer partition = source >= 0 && source < targetPartitions ? source : null;
            sends.add(producer.send(new ProducerRecord<>(targetTopic, partition, null,
                letter.getKey() == null ? null : bytes(letter.getKey()), original, headers)));
          }
          replayed++;
          out.accept(line(record, letter, dryRun ? "would-replay" : "replayed").toString());
        }
        if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
          lastProgress = System.nanoTime();
          progress.accept("replay: read " + read + " dead letter(s) of up to " + total + ", " + replayed + (dryRun ? " to replay" : " replayed"));
        }
        done = done(consumer, partitions, end, filter) || (filter.max() != null && replayed >= filter.max());
      }
      if (producer != null) {
        producer.flush();
        for (Future<RecordMetadata> send : sends) {
          try {
            send.get();
          } catch (ExecutionException e) {
            throw new IllegalStateException("producing to " + targetTopic + " failed: " + e.getCause(), e.getCause());
          }
        }
      }
      Summary summary = new Summary(read, replayed, filtered, truncated, unreadable, last);
      progress.accept("replay: read " + read + ", " + (dryRun ? "would replay " : "replayed ") + replayed
          + " to " + targetTopic + ", filtered out " + filtered + ", skipped " + truncated + " truncated and "
          + unreadable + " unreadable; last offsets read " + last);
      return summary;
    }
  }

  /**
   * Seeks every partition to {@code from}, within the offsets it still has: before its first one
   * (deleted by retention) it starts at the first one, and says so; past its end it starts at the
   * end, so that the "earliest" reset does not send it back to the beginning.
   */
  private static void seekFrom(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, long from,
      Map<TopicPartition, Long> end, Consumer<String> progress) {
    Map<TopicPartition, Long> first = consumer.beginningOffsets(partitions);
    for (TopicPartition tp : partitions) {
      long start = Math.min(Math.max(from, first.get(tp)), end.get(tp));
      if (start > from) {
        progress.accept("replay: offset " + from + " of " + tp + " no longer exists; starting at " + start);
      }
      consumer.seek(tp, start);
    }
  }

  private static boolean done(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
      Map<TopicPartition, Long> end, Filter filter) {
    for (TopicPartition tp : partitions) {
      long position = consumer.position(tp);
      long stop = end.get(tp);
      if (filter.toOffset() != null) {
        stop = Math.min(stop, filter.toOffset() + 1);
      }
      if (position < stop) {
        return false;
      }
    }
    return true;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic, Integer only) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic '" + topic + "' does not exist");
    }
    List<TopicPartition> out = new ArrayList<>();
    for (PartitionInfo info : infos) {
      if (only == null || only == info.partition()) {
        out.add(new TopicPartition(topic, info.partition()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("topic '" + topic + "' has no partition " + only + " (it has " + infos.size() + ")");
    }
    out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return out;
  }

  /** A dead letter in any of Lexstream's formats: single-object Avro, registry wire format, or JSON. */
  DeadLetter decode(byte[] value) throws IOException {
    if (value == null || value.length == 0) {
      throw new IOException("empty value");
    }
    if (AvroCodec.isSingleObject(value)) {
      return AvroCodec.decodeSingleObject(value, DeadLetter.class);
    }
    if (AvroCodec.isRegistryWireFormat(value)) {
      if (registry == null) {
        throw new IOException("schema-registry wire format, but no serialization.registryUrl is configured");
      }
      return registry.decode(value, DeadLetter.class);
    }
    if (value[0] == '{') {
      return fromJson(AvroJson.MAPPER.readTree(value));
    }
    throw new IOException("not a dead letter (neither Avro nor JSON)");
  }

  private static DeadLetter fromJson(JsonNode node) throws IOException {
    if (!node.hasNonNull("stage") || !node.hasNonNull("original") || !node.hasNonNull("source")) {
      throw new IOException("JSON is not a dead letter (needs stage, original, source)");
    }
    JsonNode source = node.get("source");
    return DeadLetter.newBuilder()
        .setId(node.hasNonNull("id") ? node.get("id").asText() : null)
        .setPipeline(node.path("pipeline").asText(""))
        .setStage(node.get("stage").asText())
        .setError(node.path("error").asText(""))
        .setErrorType(node.hasNonNull("errorType") ? node.get("errorType").asText() : null)
        .setSource(dev.lexstream.avro.SourceRef.newBuilder()
            .setTopic(source.path("topic").asText(""))
            .setPartition(source.path("partition").asInt(-1))
            .setOffset(source.path("offset").asLong(-1))
            .setTimestamp(java.time.Instant.ofEpochMilli(source.path("timestamp").asLong(0)))
            .build())
        .setKey(node.hasNonNull("key") ? ByteBuffer.wrap(Base64.getDecoder().decode(node.get("key").asText())) : null)
        .setOriginal(ByteBuffer.wrap(Base64.getDecoder().decode(node.get("original").asText())))
        .setOriginalSize(node.path("originalSize").asInt(0))
        .setFailedAt(java.time.Instant.ofEpochMilli(node.path("failedAt").asLong(0)))
        .build();
  }

  private static ObjectNode line(ConsumerRecord<byte[], byte[]> record, DeadLetter letter, String action) {
    ObjectNode node = AvroJson.MAPPER.createObjectNode();
    node.put("action", action);
    node.put("partition", record.partition());
    node.put("offset", record.offset());
    if (letter != null) {
      node.put("id", letter.getId());
      node.put("stage", letter.getStage());
      node.put("error", letter.getError());
      node.set("source", AvroJson.toJson(letter.getSource()));
      node.put("originalSize", letter.getOriginalSize());
    }
    return node;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  /** The id a replayed record keeps: its dead letter's, else the one its source coordinates gave it. */
  static String replayedId(DeadLetter letter) {
    if (letter.getId() != null && !letter.getId().isBlank()) {
      return letter.getId();
    }
    return letter.getSource().getTopic() + "-" + letter.getSource().getPartition() + "-" + letter.getSource().getOffset();
  }
}
