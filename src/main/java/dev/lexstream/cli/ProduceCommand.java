package dev.lexstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lexstream.serde.AvroJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code produce}: writes one Kafka record per input line (plain text, or JSON lines with an optional key). */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Write one record per line of a file (or stdin) to a topic. The whole input is read and "
        + "checked first: a bad jsonl line writes nothing.")
final class ProduceCommand implements Callable<Integer> {
  enum Format { text, jsonl }

  /** How long to wait for the broker to describe the topic, and for the producer's metadata. */
  private static final Duration TOPIC_WAIT = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, e.g. localhost:9092.")
  String bootstrap;

  @Option(names = "--topic", required = true, description = "Topic to write to.")
  String topic;

  @Option(names = "--format", defaultValue = "text",
      description = "text: each line is the record value, its bytes as they are (invalid UTF-8 included); jsonl: each line is a JSON object, whose optional \"key\" "
          + "field becomes the record key. Allowed: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--file", description = "File to read (default: stdin).")
  Path file;

  @Override
  public Integer call() throws IOException {
    // every line is parsed before the first send: a bad jsonl line half-way must not leave the lines before
    // it written, or a re-run after fixing it duplicates them (inputs are CLI-sized, so reading all is fine)
    List<ProducerRecord<byte[], byte[]>> records = readRecords();
    TopicOption.requireExisting(spec.commandLine(), bootstrap, topic, TOPIC_WAIT,
        "Create it (kafka-topics --bootstrap-server " + bootstrap + " --create --topic " + topic
            + "), or start the pipeline that reads it (Lexstream creates its topics)");
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(TOPIC_WAIT.toMillis()));
    PrintWriter err = spec.commandLine().getErr();
    AtomicLong failed = new AtomicLong();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> record : records) {
        producer.send(record, (meta, e) -> {
          if (e != null && failed.getAndIncrement() == 0) {
            err.println("produce: send failed: " + e.getMessage());
          }
        });
      }
      producer.flush();
    }
    int count = records.size();
    if (failed.get() > 0) {
      err.println("produce: " + failed.get() + " of " + count + " records were not written to " + topic);
      err.flush();
      return Main.EXIT_RUNTIME_ERROR;
    }
    err.println("produced " + count + " records to " + topic);
    err.flush();
    return 0;
  }

  /** The records of every input line, in order; a line that is not one is a usage error naming it. */
  private List<ProducerRecord<byte[], byte[]>> readRecords() throws IOException {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    long lineNo = 0;
    for (byte[] line : lines(readInput())) {
      lineNo++;
      if (format == Format.text) {
        // the line's bytes as they are: decoding them first would replace invalid UTF-8 with U+FFFD (or fail
        // on --file), and writing a producer's bad bytes is how an operator checks the dead-letter path
        records.add(new ProducerRecord<>(topic, null, line));
        continue;
      }
      String text = strictUtf8(line, lineNo);
      if (!text.isBlank()) {
        records.add(jsonRecord(text, lineNo));
      }
    }
    return records;
  }

  /**
   * The input split into lines at {@code \n}, {@code \r\n} or {@code \r}, without them, as
   * {@link java.io.BufferedReader#readLine} splits text (a last line without a terminator counts).
   */
  static List<byte[]> lines(byte[] input) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < input.length; i++) {
      if (input[i] == '\n' || input[i] == '\r') {
        lines.add(Arrays.copyOfRange(input, start, i));
        if (input[i] == '\r' && i + 1 < input.length && input[i + 1] == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < input.length) {
      lines.add(Arrays.copyOfRange(input, start, input.length));
    }
    return lines;
  }

  private String strictUtf8(byte[] line, long lineNo) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line)).toString();
    } catch (CharacterCodingException e) {
      throw new ParameterException(spec.commandLine(), where(lineNo)
          + ": not valid UTF-8 (--format jsonl); nothing was produced");
    }
  }

  /** The input, for the user to name in errors: --file, or stdin without it. */
  private String where(long lineNo) {
    return (file == null ? "stdin" : "--file") + " line " + lineNo;
  }

  private ProducerRecord<byte[], byte[]> jsonRecord(String line, long lineNo) {
    String where = where(lineNo);
    JsonNode node;
    try {
      node = AvroJson.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), where + ": not valid JSON (--format jsonl); nothing was produced");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new ParameterException(spec.commandLine(), where
          + ": expected a JSON object (--format jsonl); nothing was produced");
    }
    JsonNode key = object.remove("key");
    byte[] keyBytes = key == null || key.isNull() ? null : key.asText().getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, keyBytes, object.toString().getBytes(StandardCharsets.UTF_8));
  }

  private byte[] readInput() throws IOException {
    if (file == null) {
      return System.in.readAllBytes();
    }
    if (!Files.isReadable(file)) {
      throw new ParameterException(spec.commandLine(), "--file: cannot read " + file);
    }
    return Files.readAllBytes(file);
  }
}
