package dev.lexstream.serde.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UnusableSchemaIdsTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final UnusableSchemaIds ids = new UnusableSchemaIds(now::get);

  private static RegistryException failure(String message, int status) {
    return new RegistryException(message, status, -1, null);
  }

  @Test
  void throwsTheRememberedFailureAgainWithItsStatus() {
    ids.unusable(7, failure("schema id 7 is a PROTOBUF schema; Lexstream reads Avro only", 200));
    assertThatThrownBy(() -> ids.rethrow(7)).isInstanceOfSatisfying(RegistryException.class,
        e -> assertThat(e.status()).isEqualTo(200))
        .hasMessage("schema id 7 is a PROTOBUF schema; Lexstream reads Avro only");
    assertThatCode(() -> ids.rethrow(8)).as("an id never seen").doesNotThrowAnyException();
  }

  @Test
  void asksAgainForAnUnknownIdOnceTheRecheckIntervalHasPassed() {
    ids.unknown(9, failure("unknown schema id 9", 404));
    now.addAndGet(UnusableSchemaIds.UNKNOWN_ID_RECHECK.toNanos() - 1);
    assertThatThrownBy(() -> ids.rethrow(9)).hasMessage("unknown schema id 9");
    now.addAndGet(1);
    assertThatCode(() -> ids.rethrow(9)).doesNotThrowAnyException();
  }

  @Test
  void anUnusableSchemaStaysUnusable() {
    ids.unusable(7, failure("schema id 7 uses schema references, which Lexstream does not resolve", 200));
    now.addAndGet(UnusableSchemaIds.UNKNOWN_ID_RECHECK.toNanos() * 1_000);
    assertThatThrownBy(() -> ids.rethrow(7)).hasMessageContaining("schema references");
  }

  @Test
  void forgetsTheLeastRecentlySeenIdBeyondItsBound() {
    for (int id = 0; id < UnusableSchemaIds.MAX_IDS; id++) {
      ids.unusable(id, failure("unusable " + id, 200));
    }
    assertThatThrownBy(() -> ids.rethrow(0)).hasMessage("unusable 0"); // seen again: now the most recent
    ids.unusable(UnusableSchemaIds.MAX_IDS, failure("one too many", 200));
    assertThatCode(() -> ids.rethrow(1)).as("the least recently seen").doesNotThrowAnyException();
    assertThatThrownBy(() -> ids.rethrow(0)).hasMessage("unusable 0");
    assertThatThrownBy(() -> ids.rethrow(UnusableSchemaIds.MAX_IDS)).hasMessage("one too many");
  }
}
