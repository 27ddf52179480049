package dev.lexstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Relative links of README.md and docs/*.md point at files of the repository that exist, and at
 * headings that exist (GitHub's anchors). Links that leave the repository (the design brief in
 * ../shared) and web links are not checked here.
 */
class DocLinksTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *$");

  private static List<Path> documents() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  @Test
  void everyRelativeLinkResolvesToAFileAndHeadingOfTheRepository() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path doc : documents()) {
      Matcher m = LINK.matcher(Files.readString(doc));
      while (m.find()) {
        String link = m.group(1);
        if (link.matches("[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        int hash = link.indexOf('#');
        String file = hash < 0 ? link : link.substring(0, hash);
        Path target = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
        if (!target.startsWith(ROOT)) {
          continue;
        }
        checked++;
        String where = ROOT.relativize(doc) + ": " + link;
        if (!Files.exists(target)) {
          broken.add(where + " (no such file)");
        } else if (hash >= 0 && !anchors(target).contains(link.substring(hash + 1))) {
          broken.add(where + " (no such heading in " + ROOT.relativize(target) + ")");
        }
      }
    }
    assertThat(checked).isGreaterThan(20);
    assertThat(broken).isEmpty();
  }

  @Test
  void anchorsAreGitHubs() {
    assertThat(anchor("Transaction timeout (exactly-once)")).isEqualTo("transaction-timeout-exactly-once");
    assertThat(anchor("`eval classify`")).isEqualTo("eval-classify");
    assertThat(anchor("Records too large for Kafka")).isEqualTo("records-too-large-for-kafka");
  }

  private static Set<String> anchors(Path markdown) throws IOException {
    Set<String> anchors = new LinkedHashSet<>();
    Matcher m = HEADING.matcher(Files.readString(markdown).replaceAll("(?ms)^```.*?^```", ""));
    while (m.find()) {
      anchors.add(anchor(m.group(1)));
    }
    return anchors;
  }

  /** GitHub's heading anchor: lower case, punctuation other than '-' and '_' dropped, spaces as '-'. */
  private static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}
