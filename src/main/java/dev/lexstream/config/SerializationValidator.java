package dev.lexstream.config;

import dev.lexstream.config.SerializationSettings.BasicAuth;
import dev.lexstream.config.SerializationSettings.Format;
import dev.lexstream.config.SerializationSettings.Registry;
import dev.lexstream.config.SerializationSettings.SubjectStrategy;
import dev.lexstream.config.SerializationSettings.Truststore;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code serialization:} section: defaults, environment overrides (see the {@code ENV_*}
 * constants of {@link SerializationSettings}) and checks; errors name the key path.
 */
final class SerializationValidator {

    private static final String[] TRUSTSTORE_TYPES = {"PKCS12", "JKS"};

    private final Map<String, String> env;

    SerializationValidator(Map<String, String> env) {
        this.env = env;
    }

    SerializationSettings validate(RawConfig.Serialization s) {
        if (s == null) {
            s = new RawConfig.Serialization(null, null, null, null, null, null, null, null, null, null);
        }
        String envFormat = env(SerializationSettings.ENV_FORMAT);
        String formatText = envFormat != null ? envFormat : s.format();
        Format format = formatText == null ? Format.SINGLE_OBJECT
                : oneOf(Format.values(), Format::yamlName, formatText, "serialization.format",
                        from(envFormat, SerializationSettings.ENV_FORMAT));

        String envUrl = env(SerializationSettings.ENV_REGISTRY_URL);
        String url = envUrl != null ? envUrl : s.registryUrl() == null ? null : s.registryUrl().strip();
        if (url != null) {
            for (String u : url.split(",", -1)) {
                if (!isHttpUrl(u.strip())) {
                    throw new ConfigException("serialization.registryUrl", ConfigLoader.quote(url)
                            + from(envUrl, SerializationSettings.ENV_REGISTRY_URL)
                            + " is not a URL; allowed: http:// or https:// URLs, comma-separated");
                }
            }
        }
        if (format == Format.REGISTRY && url == null) {
            throw new ConfigException("serialization.registryUrl", "missing; required when serialization.format "
                    + "is registry: the schema registry URL (e.g. http://localhost:8081)");
        }

        SubjectStrategy strategy = s.subjectStrategy() == null ? SubjectStrategy.TOPIC
                : oneOf(SubjectStrategy.values(), SubjectStrategy::yamlName, s.subjectStrategy(),
                        "serialization.subjectStrategy", "");
        boolean autoRegister = s.autoRegister() == null || s.autoRegister();
        boolean keys = s.keys() != null && s.keys();
        if (keys && format != Format.REGISTRY) {
            throw new ConfigException("serialization.keys", "true needs serialization.format: registry (format is "
                    + format.yamlName() + "); allowed: false, or format registry");
        }
        BasicAuth basicAuth = basicAuth(s.basicAuth());
        Truststore truststore = truststore(s.truststore());
        Duration timeout = positive(s.timeout(), Registry.DEFAULT_TIMEOUT, "serialization.timeout", "10s");
        Duration backoff = positive(s.retryBackoff(), Registry.DEFAULT_RETRY_BACKOFF, "serialization.retryBackoff",
                "200ms");
        int retries = s.retries() == null ? Registry.DEFAULT_RETRIES : s.retries();
        if (retries < 0 || retries > Registry.MAX_RETRIES) {
            throw new ConfigException("serialization.retries", retries + " is out of range; allowed: an integer from 0 to "
                    + Registry.MAX_RETRIES);
        }
        return new SerializationSettings(format, url,
                new Registry(strategy, autoRegister, keys, basicAuth, truststore, timeout, retries, backoff));
    }

    private BasicAuth basicAuth(RawConfig.BasicAuth raw) {
        String envUser = env(SerializationSettings.ENV_REGISTRY_USERNAME);
        String envPassword = env(SerializationSettings.ENV_REGISTRY_PASSWORD);
        String user = envUser != null ? envUser : raw == null ? null : raw.username();
        String password = envPassword != null ? envPassword : raw == null ? null : raw.password();
        if (raw == null && user == null && password == null) {
            return null;
        }
        if (user == null || user.isBlank()) {
            throw new ConfigException("serialization.basicAuth.username", "missing; required with basic "
                    + "authentication: the registry user name (or set " + SerializationSettings.ENV_REGISTRY_USERNAME + ")");
        }
        if (user.contains(":")) {
            throw new ConfigException("serialization.basicAuth.username", ConfigLoader.quote(user)
                    + from(envUser, SerializationSettings.ENV_REGISTRY_USERNAME)
                    + " contains ':'; allowed: a user name without ':' (HTTP basic authentication)");
        }
        if (password == null) {
            throw new ConfigException("serialization.basicAuth.password", "missing; required with basic "
                    + "authentication: the registry password (or set " + SerializationSettings.ENV_REGISTRY_PASSWORD + ")");
        }
        return new BasicAuth(user.strip(), password);
    }

    private Truststore truststore(RawConfig.Truststore raw) {
        if (raw == null) {
            return null;
        }
        if (raw.path() == null || raw.path().isBlank()) {
            throw new ConfigException("serialization.truststore.path", "missing; required: the trust store file "
                    + "(PKCS12 or JKS) with the registry's CA certificate");
        }
        Path path;
        try {
            path = Paths.get(raw.path().strip());
        } catch (RuntimeException e) {
            throw new ConfigException("serialization.truststore.path", ConfigLoader.quote(raw.path())
                    + " is not a path; required: a readable trust store file");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException("serialization.truststore.path", ConfigLoader.quote(raw.path())
                    + " is not a readable file; required: a readable trust store file (PKCS12 or JKS)");
        }
        String type = raw.type() == null ? Truststore.DEFAULT_TYPE : raw.type().strip().toUpperCase(Locale.ROOT);
        if (!List.of(TRUSTSTORE_TYPES).contains(type)) {
            throw new ConfigException("serialization.truststore.type", ConfigLoader.quote(raw.type())
                    + " is not allowed; allowed: " + String.join(", ", TRUSTSTORE_TYPES));
        }
        String envPassword = env(SerializationSettings.ENV_TRUSTSTORE_PASSWORD);
        String password = envPassword != null ? envPassword : raw.password();
        return new Truststore(path.toString(), password, type);
    }

    private static Duration positive(String text, Duration dflt, String path, String example) {
        if (text == null) {
            return dflt;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, e.getMessage(), e);
        }
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(path, "'" + text.strip() + "' is not positive; allowed: a duration > 0 (e.g. "
                    + example + ")");
        }
        return d;
    }

    private static <E extends Enum<E>> E oneOf(E[] values, Function<E, String> yamlName, String given, String path,
                                               String note) {
        String g = given.strip();
        for (E v : values) {
            if (yamlName.apply(v).equals(g)) {
                return v;
            }
        }
        throw new ConfigException(path, ConfigLoader.quote(g) + note + " is not allowed; allowed: "
                + Stream.of(values).map(yamlName).collect(Collectors.joining(", ")));
    }

    private String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String from(String envValue, String envName) {
        return envValue == null ? "" : " (from " + envName + ")";
    }

    static boolean isHttpUrl(String u) {
        try {
            URI uri = new URI(u);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
