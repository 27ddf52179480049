package dev.lexstream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lexstream.config.LexstreamConfig;
import dev.lexstream.config.PipelineSettings;
import dev.lexstream.ops.DeadLetterReplay;
import dev.lexstream.serde.AvroCodec;
import dev.lexstream.serde.AvroJson;
import dev.lexstream.topology.DeadLetterStages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code replay}: re-feeds a pipeline's dead letters to its input topic, after a fix. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Re-feed the dead letters of a pipeline to its input topic (after a fix): each dead letter's "
        + "original bytes, key and headers, to the input partition it came from, with the header "
        + DeadLetterReplay.REPLAYED_FROM_HEADER + ". Reads the dead-letter topic read_committed up to its end at the "
        + "start; records that fail again land there again. Prints one JSON line per dead letter replayed (or "
        + "skipped) on stdout, progress on stderr."})
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, description = "Pipeline config (YAML): topics, serialization, Kafka properties.")
  Path config;

  @Option(names = "--pipeline", description = "Pipeline whose dead letters to replay (optional when the config has one).")
  String pipeline;

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers; overrides kafka.bootstrap and LEXSTREAM_KAFKA_BOOTSTRAP.")
  String bootstrap;

  @Option(names = "--stage", split = ",", description = "Only dead letters of these stages: decode, validate, inference, safety, output.")
  List<String> stages;

  @Option(names = "--id", split = ",", description = "Only dead letters with these record ids.")
  List<String> ids;

  @Option(names = "--error-type", split = ",", description = "Only dead letters whose errorType is one of these classes.")
  List<String> errorTypes;

  @Option(names = "--partition", description = "Only this partition of the dead-letter topic.")
  Integer partition;

  @Option(names = "--from-offset", description = "First dead-letter topic offset to read (inclusive), on each partition read.")
  Long fromOffset;

  @Option(names = "--to-offset", description = "Last dead-letter topic offset to read (inclusive).")
  Long toOffset;

  @Option(names = "--max", description = "Replay at most this many.")
  Long max;

  @Option(names = "--to", description = "Topic to write to instead of the pipeline's input (e.g. a staging topic).")
  String to;

  @Option(names = "--dry-run", description = "Read and filter, print what would be replayed, write nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws InterruptedException {
    if (partition != null && partition < 0) {
      throw new ParameterException(spec.commandLine(), "--partition: must be >= 0, got " + partition);
    }
    if (fromOffset != null && fromOffset < 0 || toOffset != null && toOffset < 0) {
      throw new ParameterException(spec.commandLine(), "--from-offset/--to-offset: must be >= 0");
    }
    if (fromOffset != null && toOffset != null && toOffset < fromOffset) {
      throw new ParameterException(spec.commandLine(), "--to-offset: must be >= --from-offset");
    }
    if (stages != null) {
      // a mistyped stage would match no dead letter: "nothing to replay" would be the wrong answer
      for (String stage : stages) {
        if (!DeadLetterStages.ALL.contains(stage)) {
          throw new ParameterException(spec.commandLine(), "--stage: no stage '" + stage + "'; allowed: "
              + String.join(", ", DeadLetterStages.ALL));
        }
      }
    }
    if (max != null && max < 1) {
      throw new ParameterException(spec.commandLine(), "--max: must be >= 1, got " + max);
    }
    LexstreamConfig loaded = Configs.load(config, bootstrap);
    PipelineSettings p = pipeline(loaded);
    if (loaded.kafka().embedded()) {
      throw new ParameterException(spec.commandLine(), "--bootstrap: the config's broker is 'embedded'; "
          + "give the bootstrap servers of the broker holding " + p.deadLetter());
    }
    AvroCodec codec = AvroCodec.create(loaded.serialization());
    DeadLetterReplay replay = new DeadLetterReplay(loaded.kafka().bootstrap(), loaded.kafka().properties(),
        codec.registry());
    DeadLetterReplay.Filter filter = new DeadLetterReplay.Filter(set(stages), set(ids), set(errorTypes), partition,
        fromOffset, toOffset, max);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String target = to == null ? p.input() : to;
    DeadLetterReplay.Summary summary;
    try {
      summary = replay.run(p.deadLetter(), target, filter, dryRun, line -> {
        out.println(line);
        out.flush();
      }, line -> {
        err.println(line);
        err.flush();
      });
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ObjectNode done = AvroJson.MAPPER.createObjectNode();
    done.put("summary", dryRun ? "dry-run" : "replayed");
    done.put("from", p.deadLetter());
    done.put("to", target);
    done.put("read", summary.read());
    done.put(dryRun ? "wouldReplay" : "replayed", summary.replayed());
    done.put("filteredOut", summary.filteredOut());
    done.put("truncated", summary.truncated());
    done.put("unreadable", summary.unreadable());
    ObjectNode last = done.putObject("lastOffsets");
    summary.lastOffsets().forEach((k, v) -> last.put(Integer.toString(k), v));
    out.println(done);
    out.flush();
    return 0;
  }

  private PipelineSettings pipeline(LexstreamConfig loaded) {
    if (pipeline == null) {
      if (loaded.pipelines().size() != 1) {
        throw new ParameterException(spec.commandLine(), "--pipeline: required, the config has "
            + loaded.pipelines().size() + " pipelines: " + names(loaded));
      }
      return loaded.pipelines().get(0);
    }
    return loaded.pipelines().stream().filter(x -> x.name().equals(pipeline)).findFirst()
        .orElseThrow(() -> new ParameterException(spec.commandLine(), "--pipeline: no pipeline '" + pipeline
            + "' in " + config + "; pipelines: " + names(loaded)));
  }

  private static String names(LexstreamConfig loaded) {
    return String.join(", ", loaded.pipelines().stream().map(PipelineSettings::name).toList());
  }

  private static Set<String> set(List<String> values) {
    return values == null ? null : new LinkedHashSet<>(values);
  }
}
