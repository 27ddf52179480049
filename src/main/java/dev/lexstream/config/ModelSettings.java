package dev.lexstream.config;

/**
 * One entry of {@code models:}.
 *
 * @param source {@code builtin:NAME} or a directory path
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
 */
public record ModelSettings(String source, String device) {

    public static final String DEFAULT_DEVICE = "auto";

    public ModelSettings {
        device = device == null ? DEFAULT_DEVICE : device;
    }
}
