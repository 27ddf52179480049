package dev.lexstream.config;

/**
 * A configuration error. {@link #getMessage()} is one line of the form
 * {@code "<path>: <what is wrong>; <what is allowed>"}, where {@link #path()} names the key
 * (for example {@code pipelines[0].batching.maxWait}) or, for errors about the whole file,
 * the file itself. The CLI prints the message and exits with status 2.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * @param path   the key path ({@code a.b[0].c}) or the file name for file-level errors
     * @param detail {@code "<what is wrong>; <what is allowed>"}
     */
    public ConfigException(String path, String detail) {
        this(path, detail, null);
    }

    public ConfigException(String path, String detail, Throwable cause) {
        super(oneLine(path) + ": " + oneLine(detail), cause);
        this.path = oneLine(path);
    }

    /** The key path, e.g. {@code pipelines[0].batching.maxWait}; the file name for file-level errors. */
    public String path() {
        return path;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
