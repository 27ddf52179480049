package dev.lexstream.config;


import java.util.List;

/**
 * One entry of {@code pipelines:}.
 *
 * @param name         unique pipeline name ({@code [A-Za-z0-9._-]+})
 * @param input        the input topic
 * @param output       enriched records (default {@code <name>.enriched})
 * @param quarantine   records held back by the safety policy (default {@code <name>.quarantine})
 * @param deadLetter   records that could not be processed (default {@code <name>.dlq})
 * @param inputFormat  how input records are decoded
 * @param batching     micro-batch limits
 * @param classify     classification tasks, in order
 * @param maxTextBytes larger records go to the dead-letter topic
 * @param summarize    the summarize task, or null when the pipeline does not summarize
 * @param translate    the translate task, or null when the pipeline does not translate
 * @param safety       the safety policy; null when the pipeline has no {@code safety:} section (nothing is checked)
 */
public record PipelineSettings(
        String name,
        String input,
        String output,
        String quarantine,
        String deadLetter,
        InputFormat inputFormat,
        BatchingSettings batching,
        List<ClassifyTask> classify,
        int maxTextBytes,
        SummarizeSettings summarize,
        TranslateSettings translate,
        SafetySettings safety) {

    public static final int DEFAULT_MAX_TEXT_BYTES = 100_000;
    /**
     * Upper bound of maxTextBytes: half of Kafka's default 1 MiB max.request.size, as a record's
     * batch buffer entry holds its text twice (document and original bytes). Records that pass it
     * but still make too large an entry or output are dead-lettered by size, not by this bound.
     */
    public static final int MAX_TEXT_BYTES_LIMIT = 512 * 1024;

    public enum InputFormat {
        AUTO("auto"), TEXT("text"), JSON("json"), AVRO("avro");

        private final String yamlName;

        InputFormat(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The spelling in YAML, e.g. {@code auto}. */
        public String yamlName() {
            return yamlName;
        }
    }

    public PipelineSettings {
        output = output == null && name != null ? name + ".enriched" : output;
        quarantine = quarantine == null && name != null ? name + ".quarantine" : quarantine;
        deadLetter = deadLetter == null && name != null ? name + ".dlq" : deadLetter;
        inputFormat = inputFormat == null ? InputFormat.AUTO : inputFormat;
        batching = batching == null ? BatchingSettings.defaults() : batching;
        classify = classify == null ? List.of() : List.copyOf(classify);
    }
}
