package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code eval summarize} and {@code eval translate} refuse counts below 1 as usage errors (exit 2,
 * naming the option) before loading anything. The timeout is there because a batch of 0 used to
 * loop forever.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EvalGenerativeOptionsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir
  Path tmp;

  private int run(List<String> args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args.toArray(String[]::new));
  }

  @ParameterizedTest
  @CsvSource({
      "summarize, --batch, 0, '--batch: must be >= 1, got 0'",
      "summarize, --limit, 0, '--limit: must be >= 1, got 0'",
      "summarize, --max-sentences, 0, '--max-sentences: must be >= 1, got 0'",
      "summarize, --beams, 0, '--beams: must be >= 1, got 0'",
      "summarize, --diversity, 1.5, '--diversity: must be from 0 to 1, got 1.5'",
      "translate, --batch, 0, '--batch: must be >= 1, got 0'",
      "translate, --limit, -1, '--limit: must be >= 1, got -1'",
  })
  void aCountBelowOneIsAUsageErrorNamingTheOption(String command, String option, String value, String message)
      throws Exception {
    Path data = Files.writeString(tmp.resolve("data.jsonl"), command.equals("summarize")
        ? "{\"article\": \"The council met. It voted.\", \"reference\": \"The council voted.\"}\n"
        : "{\"source\": \"The cat.\", \"reference\": \"El gato.\"}\n");
    List<String> args = new ArrayList<>(List.of("eval", command, "--data", data.toString(), option, value));
    if (command.equals("translate")) {
      args.addAll(List.of("--backend", "model", "--model", "src/test/resources/seq2seq/tiny"));
    }
    assertThat(run(args)).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }
}
