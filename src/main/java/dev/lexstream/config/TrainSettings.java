package dev.lexstream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classify task's {@code train:} block: a labelled file read at start-up to build the task's
 * head on the model's embeddings.
 *
 * @param file     CSV (with a header) or JSONL file; relative paths are resolved against the working directory
 * @param format   {@code csv} or {@code jsonl}; null: by the file's extension
 * @param text     the column(s)/field(s) holding the text; several are joined with a space (e.g. title + description)
 * @param label    the column/field holding the label
 * @param labelMap raw label value &rarr; task label (e.g. AG News {@code 1 -> World}); empty: labels as they are
 * @param skip     rows to skip first (after the header)
 * @param limit    rows to read after {@code skip}; null: all
 * @param perLabel at most this many examples per label (the first in file order); null: all
 * @param head     {@code logistic} (logistic regression on the embeddings) or {@code prototypes}
 *                 (class prototypes: mean of the examples' embeddings, with the label description when given)
 * @param epochs   training epochs of the logistic head
 */
public record TrainSettings(
        String file,
        String format,
        List<String> text,
        String label,
        Map<String, String> labelMap,
        int skip,
        Integer limit,
        Integer perLabel,
        String head,
        int epochs) {

    public static final String HEAD_LOGISTIC = "logistic";
    public static final String HEAD_PROTOTYPES = "prototypes";
    public static final List<String> HEADS = List.of(HEAD_LOGISTIC, HEAD_PROTOTYPES);
    public static final List<String> FORMATS = List.of("csv", "jsonl");
    public static final int DEFAULT_EPOCHS = 10;

    public TrainSettings {
        text = List.copyOf(text);
        labelMap = labelMap == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labelMap));
    }
}
