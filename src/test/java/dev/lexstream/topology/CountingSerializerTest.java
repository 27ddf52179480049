package dev.lexstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lexstream.avro.DeadLetter;
import dev.lexstream.avro.EnrichedText;
import dev.lexstream.avro.Finding;
import dev.lexstream.avro.SafetyVerdict;
import dev.lexstream.avro.SourceRef;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.ops.Metrics;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.RecordSerializer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CountingSerializerTest {
  private final List<String> seen = new ArrayList<>();
  private final Metrics metrics = new Metrics() {
    @Override
    public void recordOut(String pipeline, String outcome) {
      seen.add("out " + pipeline + " " + outcome);
    }

    @Override
    public void deadLetter(String pipeline, String stage) {
      seen.add("dlq " + pipeline + " " + stage);
    }

    @Override
    public void safetyFinding(String pipeline, String category, String action) {
      seen.add("finding " + pipeline + " " + category + " " + action);
    }
  };

  private final AvroCodec codec = new AvroCodec(Format.SINGLE_OBJECT);
  private final CountingSerializer serializer = new CountingSerializer(new RecordSerializer(codec),
      Map.of("n.enriched", Metrics.ENRICHED, "n.quarantine", Metrics.QUARANTINE, "n.dlq", Metrics.DLQ), metrics);

  private static final SourceRef SOURCE = SourceRef.newBuilder().setTopic("n.raw").setPartition(0).setOffset(7)
      .setTimestamp(Instant.EPOCH).build();

  private static EnrichedText enriched(String action, Finding... findings) {
    return EnrichedText.newBuilder().setId("a").setPipeline("news").setText("secret words").setSource(SOURCE)
        .setSafety(SafetyVerdict.newBuilder().setAction(action).setFindings(List.of(findings)).build())
        .setProcessedAt(Instant.EPOCH).build();
  }

  private static Finding finding(String category, String action) {
    return Finding.newBuilder().setCategory(category).setDetector("d").setScore(1).setAction(action).build();
  }

  @Test
  void countsOutcomesByTopicDeadLettersByStageAndFindings() {
    byte[] bytes = serializer.serialize("n.enriched", new RecordHeaders(), enriched("allow"));
    assertThat(bytes).isEqualTo(codec.encode(enriched("allow")));
    serializer.serialize("n.quarantine", new RecordHeaders(),
        enriched("quarantine", finding("prompt_injection", "quarantine"), finding("pii.email", "redact")));
    serializer.serialize("n.dlq", DeadLetter.newBuilder().setPipeline("news").setStage("decode").setError("bad")
        .setSource(SOURCE).setOriginal(ByteBuffer.wrap(new byte[] {1})).setFailedAt(Instant.EPOCH).build());

    assertThat(seen).containsExactly(
        "out news enriched",
        "out news quarantine",
        "finding news prompt_injection quarantine",
        "finding news pii.email redact",
        "out news dlq",
        "dlq news decode");
  }

  @Test
  void nullValuesAreNotCounted() {
    assertThat(serializer.serialize("n.enriched", null)).isNull();
    assertThat(seen).isEmpty();
  }
}
