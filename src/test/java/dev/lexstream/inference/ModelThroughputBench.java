package dev.lexstream.inference;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Raw model throughput, records/s, by engine x batch size x text length, with langchain4j's
 * in-process MiniLM (the same ONNX weights, on ONNX Runtime) as the peer, side by side in one run.
 * Not part of {@code verify} (the class name does not match the test patterns), and skipped
 * unless asked for, so that {@code -Dtest='dev/lexstream/inference/**'} stays fast; run it with
 *
 * <pre>
 *   ./mvnw -q test -Dtest=ModelThroughputBench -Dlexstream.bench=true [-Dlexstream.bench.seconds=1] [-Dlexstream.bench.rounds=5]
 * </pre>
 *
 * The table is printed and written to {@code target/bench/models.md}.
 *
 * Engines: Lexstream's DJL ONNX Runtime fp32 and int8 (the builtins, which run their fused graph)
 * with the default options (narrow predictors for split batches, the wide all-cores session for
 * batches too small to split), without the wide session (what the wide session adds), and on the
 * exports as the jars hold them (what {@link BertFusion} adds), DJL PyTorch on the
 * TorchScript conversion (when tools/minilm_to_torchscript.py has produced it), langchain4j fp32
 * and int8. Each cell runs every engine in turn, {@code rounds} times, and keeps each engine's
 * best round, so a noisy neighbour on the machine penalizes every engine alike. Lexstream's
 * numbers include tokenization, padding and pooling, like langchain4j's.
 */
class ModelThroughputBench {

    static final int[] BATCHES = {1, 8, 32};

    interface Engine {
        float[][] embed(List<String> texts);
    }

    record Named(String name, Engine engine, AutoCloseable closer) {}

    static List<String> texts(boolean longTexts) {
        List<String> out = new ArrayList<>();
        String[] s = TorchScriptParityTest.SENTENCES;
        for (int i = 0; i < 64; i++) {
            if (longTexts) { // ~11 sentences, ~120 tokens
                StringBuilder b = new StringBuilder();
                for (int k = 0; k < 11; k++) {
                    b.append(s[(i * 7 + k * 5) % s.length]).append(' ');
                }
                out.add(b.toString().strip());
            } else {
                out.add(s[i % s.length]);
            }
        }
        return out;
    }

    /** Wall-clock texts/s and texts per CPU-second of the whole process (all threads, native ones included). */
    record Rate(double wall, double perCpuSecond) {
        Rate best(Rate o) {
            return new Rate(Math.max(wall, o.wall), Math.max(perCpuSecond, o.perCpuSecond));
        }
    }

    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    static Rate measure(Engine engine, List<String> pool, int batch, double seconds) {
        int n = 0;
        int cursor = 0;
        engine.embed(pool.subList(0, batch)); // warm this shape
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            List<String> texts = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                texts.add(pool.get(cursor++ % pool.size()));
            }
            engine.embed(texts);
            n += batch;
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (OS.getProcessCpuTime() - cpu) / 1e9;
        return new Rate(n / wall, n / Math.max(cpuSeconds, 1e-9));
    }

    static double value(Rate r, boolean cpu) {
        return cpu ? r.perCpuSecond() : r.wall();
    }

    static Engine peer(EmbeddingModel model) {
        return texts -> {
            List<Embedding> out = model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
            float[][] v = new float[out.size()][];
            for (int i = 0; i < v.length; i++) {
                v[i] = out.get(i).vector();
            }
            return v;
        };
    }

    @Test
    void throughput() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("lexstream.bench"),
                "model benchmark (~4 min): run with -Dlexstream.bench=true");
        double loadAtStart = OS.getSystemLoadAverage();
        double seconds = Double.parseDouble(System.getProperty("lexstream.bench.seconds", "1"));
        int rounds = Integer.parseInt(System.getProperty("lexstream.bench.rounds", "4"));
        Path work = DjlTextEmbedderTest.workDir();
        var options = DjlTextEmbedder.Options.defaults();
        List<Named> engines = new ArrayList<>();
        TextEmbedder ortFp32 = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2"), DeviceSpec.cpu(), work, options);
        engines.add(new Named("lexstream ORT fp32", ortFp32::embed, ortFp32));
        TextEmbedder ortInt8 = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2-q"), DeviceSpec.cpu(), work, options);
        engines.add(new Named("lexstream ORT int8", ortInt8::embed, ortInt8));
        // the defaults less the wide session: every batch on the narrow predictors
        var narrow = new DjlTextEmbedder.Options(options.intraOpThreads(), options.predictors(), 0);
        TextEmbedder ortFp32Narrow = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2"), DeviceSpec.cpu(), work, narrow);
        engines.add(new Named("lexstream ORT fp32 no wide", ortFp32Narrow::embed, ortFp32Narrow));
        TextEmbedder ortInt8Narrow = DjlTextEmbedder.load(ModelSource.parse("builtin:all-minilm-l6-v2-q"), DeviceSpec.cpu(), work, narrow);
        engines.add(new Named("lexstream ORT int8 no wide", ortInt8Narrow::embed, ortInt8Narrow));
        // the builtins' exports as they come in the jars, without BertFusion
        Path exports = Files.createTempDirectory("exports");
        TextEmbedder fp32Export = DjlTextEmbedder.load(BertFusionTest.exportDirectory(work, "all-minilm-l6-v2", exports),
                DeviceSpec.cpu(), work, options);
        engines.add(new Named("lexstream ORT fp32 export", fp32Export::embed, fp32Export));
        TextEmbedder int8Export = DjlTextEmbedder.load(BertFusionTest.exportDirectory(work, "all-minilm-l6-v2-q", exports),
                DeviceSpec.cpu(), work, options);
        engines.add(new Named("lexstream ORT int8 export", int8Export::embed, int8Export));
        Path ts = TorchScriptParityTest.torchScriptDir();
        if (Files.isDirectory(ts)) {
            TextEmbedder pt = DjlTextEmbedder.load(ModelSource.parse(ts.toString()), DeviceSpec.cpu(), work, options);
            engines.add(new Named("lexstream PyTorch fp32", pt::embed, pt));
        } else {
            System.out.println("BENCH (no TorchScript MiniLM at " + ts + ": PyTorch row skipped)");
        }
        EmbeddingModel l4jFp32 = new AllMiniLmL6V2EmbeddingModel();
        engines.add(new Named("langchain4j fp32", peer(l4jFp32), null));
        EmbeddingModel l4jInt8 = new AllMiniLmL6V2QuantizedEmbeddingModel();
        engines.add(new Named("langchain4j int8", peer(l4jInt8), null));

        // same weights, same answers: our fp32 vs the peer's fp32
        List<String> sample = texts(false).subList(0, 8);
        float[][] a = ortFp32.embed(sample);
        float[][] b = peer(l4jFp32).embed(sample);
        double minCos = 1;
        for (int i = 0; i < a.length; i++) {
            minCos = Math.min(minCos, Vectors.cosine(a[i], b[i]));
        }

        Map<String, Map<String, Rate>> table = new LinkedHashMap<>(); // cell -> engine -> rates
        Map<Boolean, Double> tokens = new LinkedHashMap<>();
        for (boolean longTexts : new boolean[] {false, true}) {
            List<String> pool = texts(longTexts);
            tokens.put(longTexts, pool.stream().mapToInt(ortFp32::countTokens).average().orElse(0));
            for (int batch : BATCHES) {
                String cell = (longTexts ? "long" : "short") + " / " + batch;
                Map<String, Rate> row = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (Named e : engines) {
                        row.merge(e.name(), measure(e.engine(), pool, batch, seconds), Rate::best);
                    }
                }
                table.put(cell, row);
                System.out.println("BENCH " + cell + " " + row);
            }
        }

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d cores, load average %.1f at the start, %.1f at the end; %.0f s x %d "
                        + "rounds per cell, best round; short texts %.0f tokens, long %.0f tokens on average; "
                        + "cosine(lexstream fp32, langchain4j fp32) >= %.6f; lexstream defaults: %d intra-op thread(s) x %d "
                        + "predictors, wide session of %d threads%n%n", Runtime.getRuntime().availableProcessors(),
                loadAtStart, OS.getSystemLoadAverage(), seconds, rounds, tokens.get(false), tokens.get(true), minCos,
                options.intraOpThreads(), options.predictors(), options.wideThreads()));
        for (boolean cpu : new boolean[] {false, true}) {
            out.append(cpu ? "\nTexts per CPU-second of the process (all threads):\n\n" : "Texts/s (wall clock):\n\n");
            out.append("| texts / batch |");
            engines.forEach(e -> out.append(' ').append(e.name()).append(" |"));
            out.append(" ORT fp32 / l4j fp32 | ORT int8 / l4j int8 | fp32 no wide / l4j | int8 no wide / l4j "
                    + "| fp32 export / l4j | int8 export / l4j |\n|---|");
            engines.forEach(e -> out.append("---:|"));
            out.append("---:|---:|---:|---:|---:|---:|\n");
            table.forEach((cell, row) -> {
                out.append("| ").append(cell).append(" |");
                engines.forEach(e -> out.append(String.format(Locale.ROOT, " %.0f |", value(row.get(e.name()), cpu))));
                double fp32 = value(row.get("lexstream ORT fp32"), cpu);
                double int8 = value(row.get("lexstream ORT int8"), cpu);
                double fp32Narrow = value(row.get("lexstream ORT fp32 no wide"), cpu);
                double int8Narrow = value(row.get("lexstream ORT int8 no wide"), cpu);
                double peerFp32 = value(row.get("langchain4j fp32"), cpu);
                double peerInt8 = value(row.get("langchain4j int8"), cpu);
                double fp32Unfused = value(row.get("lexstream ORT fp32 export"), cpu);
                double int8Unfused = value(row.get("lexstream ORT int8 export"), cpu);
                out.append(String.format(Locale.ROOT, " %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", fp32 / peerFp32,
                        int8 / peerInt8, fp32Narrow / peerFp32, int8Narrow / peerInt8, fp32Unfused / peerFp32,
                        int8Unfused / peerInt8));
            });
        }
        System.out.println("BENCH RESULT\n" + out);
        Path report = Path.of("target", "bench", "models.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, out.toString());
        for (Named e : engines) {
            if (e.closer() != null) {
                e.closer().close();
            }
        }
        Utils.delete(exports.toFile());
    }

}
