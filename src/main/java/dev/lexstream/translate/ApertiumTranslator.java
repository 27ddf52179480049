package dev.lexstream.translate;

import dev.lexstream.inference.NativeUse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rule-based translation with <a href="https://www.apertium.org">Apertium</a>, run as external
 * long-running processes (Apertium is GPL: it is never linked, only executed). One process per
 * language pair runs the pair's mode pipeline with every stage in null-flush mode ({@code -z},
 * through {@code apertium-wblank-mode -z}): a request is the escaped text followed by a NUL byte,
 * the answer is everything up to the next NUL. Texts of a batch are streamed through the pipeline
 * while the answers are read.
 *
 * <p>Escaping: Apertium's stream format gives {@code \ ^ $ / < > [ ] { } @} a meaning, so they are
 * backslash-escaped; line breaks travel as format blocks ({@code [\n]}); the answer is
 * unescaped and format blocks are restored. Unknown words are passed through unmarked.
 *
 * <p>Failures: a process that dies or does not answer within the time limit is killed, restarted
 * on the next request, and the request is retried once. A missing installation is reported with
 * the Debian package to install. After {@link #close()} requests are refused (shutdown, see
 * {@link NativeUse}), and no process is started again.
 */
public final class ApertiumTranslator implements TranslationBackend {

    private static final Logger LOG = LoggerFactory.getLogger(ApertiumTranslator.class);
    private static final char[] SPECIAL = {'\\', '^', '$', '/', '<', '>', '[', ']', '{', '}', '@'};
    /** ISO 639-1 to the ISO 639-3 codes Apertium names its pairs with. */
    static final Map<String, String> ISO3 = Map.ofEntries(
            Map.entry("en", "eng"), Map.entry("es", "spa"), Map.entry("ca", "cat"), Map.entry("fr", "fra"),
            Map.entry("pt", "por"), Map.entry("it", "ita"), Map.entry("gl", "glg"), Map.entry("oc", "oci"),
            Map.entry("eu", "eus"), Map.entry("de", "deu"), Map.entry("nl", "nld"), Map.entry("ro", "ron"),
            Map.entry("eo", "epo"), Map.entry("an", "arg"), Map.entry("ast", "ast"), Map.entry("sv", "swe"),
            Map.entry("da", "dan"), Map.entry("nb", "nob"), Map.entry("nn", "nno"), Map.entry("is", "isl"),
            Map.entry("cy", "cym"), Map.entry("br", "bre"), Map.entry("mt", "mlt"), Map.entry("ar", "ara"));

    private final List<Path> modeDirs;
    private final Duration timeout;
    private final Map<String, Pipeline> pipelines = new ConcurrentHashMap<>();
    private final Map<String, String> versions = new ConcurrentHashMap<>();
    // a call after close would start a pair's process again, and nothing would stop it
    private final NativeUse use = new NativeUse("apertium");

    public ApertiumTranslator() {
        this(List.of(Path.of("/usr/share/apertium/modes"), Path.of("/usr/local/share/apertium/modes")),
                Duration.ofSeconds(60));
    }

    public ApertiumTranslator(List<Path> modeDirs, Duration timeout) {
        this.modeDirs = List.copyOf(modeDirs);
        this.timeout = timeout;
    }

    /** True when the {@code apertium} tools are on the PATH. */
    public static boolean installed() {
        return onPath("apertium-wblank-mode") && onPath("lt-proc");
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** The Apertium pair name, e.g. {@code eng-spa}. */
    static String pair(String source, String target) {
        return ISO3.getOrDefault(source, source) + "-" + ISO3.getOrDefault(target, target);
    }

    /** The Debian package that holds a pair (either direction). */
    static String debianPackage(String source, String target) {
        String a = ISO3.getOrDefault(source, source);
        String b = ISO3.getOrDefault(target, target);
        return "apertium-" + (a.compareTo(b) <= 0 ? a + "-" + b : b + "-" + a);
    }

    private Path modeFile(String source, String target) {
        for (Path dir : modeDirs) {
            Path f = dir.resolve(pair(source, target) + ".mode");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        return null;
    }

    @Override
    public boolean supports(String source, String target) {
        return installed() && modeFile(source, target) != null;
    }

    /**
     * Fails when Apertium or the pair is missing, naming what to install.
     *
     * @throws IllegalStateException naming the Debian packages to install
     */
    public void check(String source, String target) {
        if (!installed()) {
            throw new IllegalStateException("Apertium is not installed (apertium-wblank-mode and lt-proc not on PATH); "
                    + "install the Debian packages apertium and " + debianPackage(source, target)
                    + " (apt-get install apertium " + debianPackage(source, target) + ")");
        }
        if (modeFile(source, target) == null) {
            throw new IllegalStateException("Apertium has no " + source + "->" + target + " pair (no " + pair(source, target)
                    + ".mode in " + modeDirs + "); install the Debian package " + debianPackage(source, target));
        }
    }

    @Override
    public String modelId(String source, String target) {
        return "apertium:" + pair(source, target);
    }

    @Override
    public String modelVersion(String source, String target) {
        return versions.computeIfAbsent(debianPackage(source, target), ApertiumTranslator::packageVersion);
    }

    private static String packageVersion(String pkg) {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", pkg).redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 && !v.isEmpty() ? v : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * @throws RejectedExecutionException after {@link #close()}: shutdown, not a failure of the texts
     */
    @Override
    public List<String> translate(List<String> texts, String source, String target) {
        return use.call(() -> {
            if (texts.isEmpty()) {
                return List.of();
            }
            check(source, target);
            String key = pair(source, target);
            Pipeline p = pipelines.computeIfAbsent(key, k -> new Pipeline(k, modeFile(source, target)));
            return p.translate(texts);
        });
    }

    /** Waits for the translations in progress, then stops the processes; later calls are refused. */
    @Override
    public void close() {
        use.close(() -> {
            pipelines.values().forEach(Pipeline::stop);
            pipelines.clear();
        });
    }

    // ---- the stream format ----

    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                sb.append('[').append(c == '\n' ? "\\n" : "\\r").append(']');
                continue;
            }
            if (c == '\0') {
                continue;
            }
            for (char s : SPECIAL) {
                if (c == s) {
                    sb.append('\\');
                    break;
                }
            }
            sb.append(c);
        }
        return sb.append("[]").toString();
    }

    /** Removes escapes; format blocks {@code [..]} become their content with {@code \n} / {@code \r} restored. */
    static String unescape(String out) {
        StringBuilder sb = new StringBuilder(out.length());
        boolean block = false;
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (c == '\\' && i + 1 < out.length()) {
                char n = out.charAt(++i);
                if (block && n == 'n') {
                    sb.append('\n');
                } else if (block && n == 'r') {
                    sb.append('\r');
                } else {
                    sb.append(n);
                }
            } else if (c == '[' && !block) {
                block = true;
            } else if (c == ']' && block) {
                block = false;
            } else {
                sb.append(c);
            }
        }
        return sb.toString().strip();
    }

    /** One long-running process for one pair; requests are serialized. */
    private final class Pipeline {
        private final String pair;
        private final Path mode;
        private Process process;
        private BlockingQueue<Object> answers;

        Pipeline(String pair, Path mode) {
            this.pair = pair;
            this.mode = mode;
        }

        synchronized List<String> translate(List<String> texts) {
            try {
                return attempt(texts);
            } catch (IOException | IllegalStateException e) {
                LOG.warn("apertium {} failed ({}); restarting it and retrying once", pair, e.getMessage());
                stop();
                try {
                    return attempt(texts);
                } catch (IOException e2) {
                    stop();
                    throw new IllegalStateException("apertium " + pair + " failed twice: " + e2.getMessage(), e2);
                }
            }
        }

        private List<String> attempt(List<String> texts) throws IOException {
            ensureStarted();
            Process proc = process;
            BlockingQueue<Object> queue = answers;
            // requests are serialized, so anything already queued is left over from an attempt that failed
            // (a timeout, a stage flushing as the pipeline died): it must not be taken for this request's answers
            queue.clear();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream in = proc.getOutputStream();
                    for (String t : texts) {
                        in.write(escape(t).getBytes(StandardCharsets.UTF_8));
                        in.write(0);
                    }
                    in.flush();
                } catch (IOException e) {
                    // the reader sees the process end and reports it
                }
            }, "apertium-writer-" + pair);
            writer.setDaemon(true);
            writer.start();
            List<String> out = new ArrayList<>(texts.size());
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int i = 0; i < texts.size(); i++) {
                Object answer;
                try {
                    answer = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                if (answer == null) {
                    throw new IOException("no answer within " + timeout.toSeconds() + " s");
                }
                if (answer instanceof IOException e) {
                    throw e;
                }
                out.add(unescape((String) answer));
            }
            return out;
        }

        private void ensureStarted() throws IOException {
            if (process != null && process.isAlive()) {
                return;
            }
            Process script = new ProcessBuilder("apertium-wblank-mode", "-z", mode.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String command = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            try {
                if (script.waitFor() != 0 || command.isEmpty()) {
                    throw new IOException("apertium-wblank-mode could not read " + mode);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            // $1: lt-proc generation option (-n: unknown words unmarked), $2: tagger option (none)
            command = command.replace("$1", "-n").replace("$2", "");
            process = new ProcessBuilder("/bin/sh", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            answers = new LinkedBlockingQueue<>();
            Process proc = process;
            BlockingQueue<Object> queue = answers;
            Thread reader = new Thread(() -> read(proc, queue), "apertium-reader-" + pair);
            reader.setDaemon(true);
            reader.start();
            LOG.info("apertium {} started (pid {})", pair, process.pid());
        }

        private void read(Process proc, BlockingQueue<Object> queue) {
            try (InputStream out = proc.getInputStream()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                int b;
                while ((b = out.read()) >= 0) {
                    if (b == 0) {
                        queue.add(buf.toString(StandardCharsets.UTF_8));
                        buf.reset();
                    } else {
                        buf.write(b);
                    }
                }
                queue.add(new IOException("process ended (exit " + exitCode(proc) + ")"));
            } catch (IOException e) {
                queue.add(e);
            }
        }

        private String exitCode(Process proc) {
            try {
                return proc.waitFor(1, TimeUnit.SECONDS) ? String.valueOf(proc.exitValue()) : "still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        synchronized void stop() {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process = null;
            }
        }

        /** For tests: the running process. */
        Process process() {
            return process;
        }
    }

    /** For tests: kills the running process of a pair, as a crash would. */
    void killForTest(String source, String target) {
        Pipeline p = pipelines.get(pair(source, target));
        if (p != null && p.process() != null) {
            Process process = p.process();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "ApertiumTranslator" + pipelines.keySet().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }
}
