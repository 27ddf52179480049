package dev.lexstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class RequestSizeLimitTest {
  @Test
  void recordSizeIsNeverLessThanWhatTheProducerComparesWithMaxRequestSize() {
    List<List<Header>> headerSets = List.of(List.of(), List.of(new RecordHeader("trace", new byte[300])),
        List.of(new RecordHeader("ä-key", null), new RecordHeader("b", new byte[70_000])));
    for (int keyBytes : new int[] {0, 12, 200}) {
      for (int valueBytes : new int[] {0, 100, 127, 128, 16_384, 2_000_000}) {
        for (List<Header> headers : headerSets) {
          int producer = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
              CompressionType.ZSTD, new byte[keyBytes], new byte[valueBytes], headers.toArray(Header[]::new));
          long ours = RequestSizeLimit.recordSize(keyBytes, valueBytes, headers);
          assertThat(ours).as("key %d, value %d, headers %s", keyBytes, valueBytes, headers)
              .isGreaterThanOrEqualTo(producer)
              .isLessThanOrEqualTo(producer + RequestSizeLimit.FRAMING_BYTES);
        }
      }
    }
  }

  @Test
  void admitsARecordUpToTheLimitAndNotBeyond() {
    RequestSizeLimit limit = new RequestSizeLimit(1000);
    assertThat(limit.admits(1000)).isTrue();
    assertThat(limit.admits(1001)).isFalse();
    assertThat(RequestSizeLimit.recordSize(3, 10, List.of(new RecordHeader("id", "42".getBytes(StandardCharsets.UTF_8)))))
        .isEqualTo(RequestSizeLimit.FRAMING_BYTES + 3 + 10 + RequestSizeLimit.HEADER_FRAMING_BYTES + 2 + 2);
  }
}
