package dev.lexstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The metric names users script dashboards and alerts against: docs/operations.md's metrics table
 * lists exactly {@link MetricNames#PROMETHEUS} (OpsIntegrationTest checks a real scrape against that
 * list), and every lexstream_ series the docs name anywhere is one of them.
 */
class MetricNamesTest {
  private static final Path OPERATIONS = Path.of("docs/operations.md");
  private static final Pattern NAME = Pattern.compile("lexstream_[a-z_]+");
  private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");

  @Test
  void operationsDocMetricsTableListsExactlyTheRegisteredNames() throws IOException {
    String doc = Files.readString(OPERATIONS);
    int start = doc.indexOf("| metric | type | labels | meaning |");
    assertThat(start).as("docs/operations.md metrics table").isNotNegative();
    Set<String> inTable = new LinkedHashSet<>();
    for (String line : doc.substring(start).split("\n")) {
      if (!line.startsWith("|")) {
        break;
      }
      String firstCell = line.split("\\|")[1];
      Matcher m = NAME.matcher(firstCell);
      while (m.find()) {
        inTable.add(m.group());
      }
    }
    assertThat(inTable).containsExactlyInAnyOrderElementsOf(MetricNames.PROMETHEUS);
  }

  @Test
  void everyLexstreamSeriesTheDocsNameIsRegistered() throws IOException {
    for (Path doc : new Path[] {OPERATIONS, Path.of("README.md")}) {
      Matcher m = NAME.matcher(Files.readString(doc));
      while (m.find()) {
        String family = SERIES_SUFFIX.matcher(m.group()).replaceFirst("");
        assertThat(MetricNames.PROMETHEUS).as("%s names %s", doc, m.group()).contains(family);
      }
    }
  }
}
