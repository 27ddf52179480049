package dev.lexstream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a pipeline's {@code classify:} list: zero-shot or few-shot classification on an
 * embedding model (label descriptions, examples, or a head trained from a labelled file), or a
 * fine-tuned text-classification model with its own labels ({@code labels} then empty or matching).
 *
 * @param name     the task name, unique within the pipeline (appears in the output)
 * @param model    a key of {@code models:}
 * @param labels   label &rarr; description, at least two, in the order of the file
 * @param examples label &rarr; example texts (optional; keys are labels), in the order of the file
 * @param train    a labelled file to train a head from at start-up (optional; null when absent)
 */
public record ClassifyTask(
        String name,
        String model,
        Map<String, String> labels,
        Map<String, List<String>> examples,
        TrainSettings train) {

    public ClassifyTask(String name, String model, Map<String, String> labels, Map<String, List<String>> examples) {
        this(name, model, labels, examples, null);
    }

    public ClassifyTask {
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        if (examples == null) {
            examples = Map.of();
        } else {
            LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
            examples.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
            examples = Collections.unmodifiableMap(copy);
        }
    }
}
