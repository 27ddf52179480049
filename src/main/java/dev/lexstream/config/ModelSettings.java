package dev.lexstream.config;

/**
 * One entry of {@code models:}.
 *
 * @param source   {@code builtin:NAME} or a directory path
 * @param device   {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param maxBatch most texts in one model call (a device batch)
 * @param coalesce whether concurrent flushes from different partitions share device batches
 */
public record ModelSettings(String source, String device, int maxBatch, boolean coalesce) {

    public static final String DEFAULT_DEVICE = "auto";
    public static final int DEFAULT_MAX_BATCH = 64;
    public static final boolean DEFAULT_COALESCE = true;

    public ModelSettings {
        device = device == null ? DEFAULT_DEVICE : device;
    }

    public ModelSettings(String source, String device) {
        this(source, device, DEFAULT_MAX_BATCH, DEFAULT_COALESCE);
    }
}
