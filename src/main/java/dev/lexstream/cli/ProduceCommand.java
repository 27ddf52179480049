package dev.lexstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lexstream.serde.AvroJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
      description = "text: each line is the record value; jsonl: each line is a JSON object, whose optional \"key\" "
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
    try (BufferedReader in = open()) {
      String line;
      long lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank() && format == Format.jsonl) {
          continue;
        }
        records.add(format == Format.text
            ? new ProducerRecord<>(topic, null, line.getBytes(StandardCharsets.UTF_8))
            : jsonRecord(line, lineNo));
      }
    }
    return records;
  }

  private ProducerRecord<byte[], byte[]> jsonRecord(String line, long lineNo) {
    // the input is --file, or stdin without it: name the one the user gave
    String where = (file == null ? "stdin" : "--file") + " line " + lineNo;
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

  private BufferedReader open() throws IOException {
    if (file == null) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    if (!Files.isReadable(file)) {
      throw new ParameterException(spec.commandLine(), "--file: cannot read " + file);
    }
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }
}
