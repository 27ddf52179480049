package dev.lexstream.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code lexstream run} in a separate JVM, so that tests can kill it for real ({@code kill -9}). */
final class LexstreamProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private LexstreamProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static LexstreamProcess start(Path config, Path workDir, String name) throws IOException {
    Files.createDirectories(workDir);
    Path log = workDir.resolve(name + ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g",
        "-Dai.djl.offline=true",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.lexstream",
        "-Dlexstream.work=" + workDir,
        "-cp", System.getProperty("java.class.path"),
        "dev.lexstream.cli.Main", "run", "--config", config.toString()));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    return new LexstreamProcess(process, log);
  }

  /** SIGTERM: the graceful path (shutdown hook: flush buffers, commit, close); waits for the exit. */
  boolean terminate(java.time.Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The exit status, once it exited. */
  int exitValue() {
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The whole log (stdout and stderr) so far. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
