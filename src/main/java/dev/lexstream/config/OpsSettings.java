package dev.lexstream.config;

/**
 * {@code ops:} section: the HTTP server for Prometheus metrics and health probes.
 *
 * @param port the port of {@code /metrics}, {@code /health/live} and {@code /health/ready}; 0 picks a
 *             free port; null: no server (metrics are still kept in the process). The environment
 *             variable {@value #ENV_PORT} overrides it (the container image sets it to 8080).
 * @param host the address the server binds to
 */
public record OpsSettings(Integer port, String host) {

    /** Overrides {@code ops.port} when set and non-empty. */
    public static final String ENV_PORT = "LEXSTREAM_OPS_PORT";
    public static final String DEFAULT_HOST = "0.0.0.0";

    public OpsSettings {
        host = host == null ? DEFAULT_HOST : host;
    }

    /** The settings used when the file has no {@code ops:} section: no server. */
    public static OpsSettings defaults() {
        return new OpsSettings(null, DEFAULT_HOST);
    }

    /** Whether the ops HTTP server runs. */
    public boolean serverEnabled() {
        return port != null;
    }
}
