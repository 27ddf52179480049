package dev.lexstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lexstream.avro.TextDocument;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

public class SchemaVersionsTest {
  /**
   * The guard of every user of {@link SchemaVersions}: the newest version file is the generated class's
   * schema, so a change to the record (or a record it nests) without a new version file fails here,
   * before a release ships that cannot read what the next one writes.
   */
  public static void assertShipsTheCurrentSchema(SchemaVersions versions) {
    String name = versions.current().getFullName();
    List<Long> shipped = versions.shipped().stream().map(SchemaNormalization::parsingFingerprint64).toList();
    assertThat(shipped.get(shipped.size() - 1))
        .as("%s changed without a new version file (never edit a shipped one)", name)
        .isEqualTo(SchemaNormalization.parsingFingerprint64(versions.current()));
    assertThat(shipped).as("a version file of %s that changes nothing", name).doesNotHaveDuplicates();
  }

  @Test
  void aMissingVersionFileStopsTheLoadWithItsName() {
    assertThatThrownBy(() -> SchemaVersions.of(TextDocument.getClassSchema(), SchemaVersions.class, "nowhere-v1.avsc"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nowhere-v1.avsc");
  }
}
