package dev.lexstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps docs/invariants.md from rotting: every {@code Class#method} it names is a test method under src/test/java. */
class InvariantsDocTest {
  private static final Path DOC = Path.of("docs", "invariants.md");
  private static final Path TESTS = Path.of("src", "test", "java");
  private static final Pattern REFERENCE = Pattern.compile("`([A-Z]\\w*)#(\\w+)`");
  private static final Pattern TEST_ANNOTATION = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest)\\b");

  @Test
  void everyTestMethodItNamesExists() throws IOException {
    Map<String, List<String>> sources = testSources();
    List<String> references = new ArrayList<>();
    Matcher m = REFERENCE.matcher(Files.readString(DOC));
    while (m.find()) {
      references.add(m.group(1) + "#" + m.group(2));
    }
    assertThat(references).as("references in %s", DOC).isNotEmpty();
    List<String> missing = references.stream().distinct().filter(ref -> {
      String[] parts = ref.split("#");
      return sources.getOrDefault(parts[0], List.of()).stream().noneMatch(source -> isTestMethod(source, parts[1]));
    }).toList();
    assertThat(missing).as("named in %s but not a test method under %s", DOC, TESTS).isEmpty();
  }

  @Test
  void theReadmeAndTheArchitecturePageLinkToIt() throws IOException {
    assertThat(Files.readString(Path.of("README.md"))).contains("(docs/invariants.md)");
    assertThat(Files.readString(Path.of("docs", "architecture.md"))).contains("(invariants.md)");
  }

  /** Sources by simple class name (a name may occur in several packages). */
  private static Map<String, List<String>> testSources() throws IOException {
    Map<String, List<String>> sources = new HashMap<>();
    try (Stream<Path> files = Files.walk(TESTS)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
        String name = f.getFileName().toString().replace(".java", "");
        try {
          sources.computeIfAbsent(name, k -> new ArrayList<>()).add(Files.readString(f));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return sources;
  }

  /** A {@code void method(} whose annotations, since the previous member, include a JUnit test annotation. */
  static boolean isTestMethod(String source, String method) {
    Matcher declaration = Pattern.compile("\\bvoid\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(source);
    while (declaration.find()) {
      String before = source.substring(0, declaration.start());
      int previousMember = Math.max(before.lastIndexOf(';'), Math.max(before.lastIndexOf("}\n"), before.lastIndexOf("{\n")));
      if (TEST_ANNOTATION.matcher(before.substring(previousMember + 1)).find()) {
        return true;
      }
    }
    return false;
  }
}
