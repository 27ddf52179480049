package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "broker", "run", "produce", "consume", "replay"})
  void everyCommandHasHelp(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: lexstream " + command);
  }

  @Test
  void everyHelpTextIsAValidFormatString() {
    // picocli runs help texts through String.format: a bare '%' makes it print a warning and the
    // text unformatted. The annotations are read as written (the model's texts are interpolated).
    Map<String, String> texts = new LinkedHashMap<>();
    collectHelpTexts(Main.commandLine(), texts);
    assertThat(texts).containsKey("lexstream bench pipeline").containsKey("lexstream eval classify --task");
    texts.forEach((where, text) -> assertThatCode(() -> String.format(text))
        .as("help text of %s: %s", where, text).doesNotThrowAnyException());
  }

  private static void collectHelpTexts(CommandLine cli, Map<String, String> texts) {
    String name = cli.getCommandSpec().qualifiedName();
    Class<?> type = cli.getCommandSpec().userObject().getClass();
    texts.put(name, String.join("%n", type.getAnnotation(Command.class).description()));
    for (Field field : type.getDeclaredFields()) {
      Option option = field.getAnnotation(Option.class);
      Parameters parameters = field.getAnnotation(Parameters.class);
      if (option != null) {
        texts.put(name + " " + option.names()[0], String.join("%n", option.description()));
      } else if (parameters != null) {
        texts.put(name + " " + field.getName(), String.join("%n", parameters.description()));
      }
    }
    cli.getSubcommands().values().forEach(sub -> collectHelpTexts(sub, texts));
  }

  private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*");

  /**
   * The commands and options the README and docs/*.md name: the rows of the README's command table
   * and every {@code ./lexstream ...} line (continued lines joined, comments cut). Each entry is the
   * words after {@code ./lexstream} up to the first that is not a command word, then the options.
   */
  private static Map<String, List<String>> documentedInvocations() throws IOException {
    Map<String, List<String>> found = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    Pattern invocation = Pattern.compile("\\./lexstream((?: [a-z][a-z-]*(?=[ `]|$))*)([^`#]*)");
    Pattern tableRow = Pattern.compile("^\\| `([a-z]+(?: [a-z]+)*)((?: [^`]*)?)` \\|");
    for (Path file : files) {
      String text = Files.readString(file).replace("\\\n", " ");
      boolean commandTable = false;
      for (String line : text.split("\n")) {
        if (line.startsWith("## ")) {
          commandTable = file.endsWith("README.md") && line.equals("## Command line");
        }
        Matcher row = tableRow.matcher(line);
        if (commandTable && row.find()) {
          found.put(file + " table: " + row.group(1), invocation(row.group(1), row.group(2)));
        }
        Matcher m = invocation.matcher(line);
        while (m.find()) {
          found.put(file + ": ./lexstream" + m.group(1) + m.group(2).stripTrailing(), invocation(m.group(1), m.group(2)));
        }
      }
    }
    return found;
  }

  /** The command words, then {@code --} and the options named after them. */
  private static List<String> invocation(String words, String rest) {
    List<String> parts = new ArrayList<>(List.of(words.strip().split(" +")));
    parts.removeIf(String::isEmpty);
    parts.add("--");
    Matcher m = OPTION.matcher(rest);
    while (m.find()) {
      parts.add(m.group());
    }
    return parts;
  }

  @Test
  void everyCommandAndOptionTheDocsNameExists() throws IOException {
    Map<String, List<String>> invocations = documentedInvocations();
    assertThat(invocations.keySet()).anyMatch(k -> k.contains("table: replay"))
        .anyMatch(k -> k.contains("./lexstream eval classify"));
    invocations.forEach((where, parts) -> {
      CommandLine command = Main.commandLine();
      int i = 0;
      for (; !parts.get(i).equals("--"); i++) {
        CommandLine sub = command.getSubcommands().get(parts.get(i));
        assertThat(sub).as("%s: '%s' is not a command of %s", where, parts.get(i),
            command.getCommandSpec().qualifiedName()).isNotNull();
        command = sub;
      }
      for (String option : parts.subList(i + 1, parts.size())) {
        assertThat(command.getCommandSpec().findOption(option)).as("%s: %s has no option %s", where,
            command.getCommandSpec().qualifiedName(), option).isNotNull();
      }
    });
  }

  @Test
  void everyCommandIsInTheReadmesCommandTable() throws IOException {
    TreeSet<String> inTable = new TreeSet<>();
    documentedInvocations().forEach((where, parts) -> {
      if (where.startsWith("README.md table: ")) {
        inTable.add(String.join(" ", parts.subList(0, parts.indexOf("--"))));
      }
    });
    TreeSet<String> commands = new TreeSet<>();
    collectLeafCommands(Main.commandLine(), commands);
    commands.remove("help");
    assertThat(inTable).containsExactlyElementsOf(commands);
  }

  private static void collectLeafCommands(CommandLine cli, TreeSet<String> into) {
    cli.getSubcommands().values().forEach(sub -> {
      if (sub.getSubcommands().isEmpty()) {
        into.add(sub.getCommandSpec().qualifiedName(" ").substring("lexstream ".length()));
      } else {
        collectLeafCommands(sub, into);
      }
    });
  }

  @Test
  void runHelpDocumentsTheExitStatusAfterSigterm() {
    assertThat(run("run", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " ")).contains("exit status is 143 (128 + SIGTERM)");
  }

  @Test
  void topLevelHelpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("demo", "broker", "run", "produce", "consume");
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument");
  }

  @Test
  void missingRequiredOptionIsAUsageErrorNamingIt() {
    assertThat(run("consume", "--bootstrap", "localhost:9092")).isEqualTo(2);
    assertThat(err.toString()).contains("--topic");
  }

  @Test
  void benchWithoutSubcommandIsAUsageErrorNamingTheSubcommands() {
    assertThat(run("bench")).isEqualTo(2);
    assertThat(err.toString()).contains("missing subcommand; allowed: pipeline");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--batches=8,32", "--latency-warmup=-1", "--warmup-limit=-5", "--stream-threads=0", "--short-records=10", "--model=builtin:nope"})
  void benchPipelineRejectsBadOptionsBeforeStartingAnything(String option) {
    assertThat(run("bench", "pipeline", option)).isEqualTo(2);
    assertThat(err.toString()).contains(option.substring(0, option.indexOf('=')));
  }

  @Test
  void badEnumOptionNamesTheAllowedValues() {
    assertThat(run("produce", "--bootstrap", "localhost:1", "--topic", "t", "--format", "xml")).isEqualTo(2);
    assertThat(err.toString()).contains("--format").contains("text, jsonl");
  }

  @Test
  void missingConfigFileIsAConfigErrorNamingTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThat(run("run", "--config", missing.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("config error").contains("nope.yaml");
  }

  @Test
  void invalidConfigIsAConfigErrorNamingTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        pipelines:
          - name: p
            input: in
            batching: {maxRecord: 3}
        """);
    assertThat(run("run", "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("lexstream: config error: pipelines[0].batching.maxRecord")
        .contains("maxRecords").doesNotContain("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "replay"})
  void badBootstrapOptionIsAConfigErrorNamingTheOption(String command, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "pipelines:\n  - {name: p, input: in}\n");
    assertThat(run(command, "--config", file.toString(), "--bootstrap", "not a host")).isEqualTo(2);
    assertThat(err.toString()).contains("kafka.bootstrap: 'not a host' (from --bootstrap) is not a bootstrap server list")
        .doesNotContain("LEXSTREAM_KAFKA_BOOTSTRAP");
  }

  @Test
  void unreachableRegistryStopsTheStartNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("registry.yaml");
    Files.writeString(file, """
        serialization: {format: registry, registryUrl: "http://127.0.0.1:1", retries: 0}
        pipelines:
          - {name: p, input: in}
        """);
    assertThat(run("run", "--config", file.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("schema registry http://127.0.0.1:1 unreachable");
  }

  @Test
  void unreadableTrustStoreIsAConfigError(@TempDir Path dir) throws Exception {
    Path store = Files.write(dir.resolve("not-a-store.p12"), new byte[] {1, 2, 3});
    Path file = dir.resolve("registry.yaml");
    Files.writeString(file, """
        serialization:
          format: registry
          registryUrl: "https://127.0.0.1:1"
          truststore: {path: "%s", password: x}
        pipelines:
          - {name: p, input: in}
        """.formatted(store));
    assertThat(run("run", "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("config error: serialization.truststore: cannot load PKCS12 trust store");
  }

  @Test
  void consumeRejectsABadRegistryUrl() {
    assertThat(run("consume", "--bootstrap", "localhost:1", "--topic", "t", "--registry", "ftp://x")).isEqualTo(2);
    assertThat(err.toString()).contains("--registry").contains("not an http:// or https:// URL");
  }
}
