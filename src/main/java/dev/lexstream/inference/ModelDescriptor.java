// The small descriptor of a model directory (model.properties): kind, labels, length, pooling, inputs.
package dev.lexstream.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * What Lexstream needs to know about a model beyond its weights and tokenizer. Read from {@code
 * model.properties}; every key is optional except the labels of a classification model, and
 * unknown keys are rejected so that a typo does not silently fall back to a default.
 *
 * <pre>
 * kind=text-classification          # text-embedding (default) | text-classification
 * max_tokens=256                    # longer texts are truncated (special tokens included)
 * labels=negative,neutral,positive  # classification: label of logit 0, 1, ...
 * id2label.0=negative               #   ... or one key per id, as in a Hugging Face config.json
 * multi_label=false                 # classification: sigmoid per label instead of a softmax
 * pooling=mean                      # embedding: mean (over real tokens) | cls | none (output is pooled:
 *                                   #   [batch, hidden]; refused at load on a [batch, tokens, hidden] output,
 *                                   #   as an explicit mean / cls is on a [batch, hidden] one)
 * normalize=true                    # embedding: L2-normalize the pooled vector
 * inputs=input_ids,attention_mask,token_type_ids   # model inputs, in the order a TorchScript forward() takes them
 * output=last_hidden_state          # output to read (ONNX: by name, must exist; default: last_hidden_state / logits
 *                                   #   where the model has it, else its first output; TorchScript: the first)
 * weights=model.onnx                # which file, when the directory holds more than one *.onnx / *.pt
 * </pre>
 *
 * {@code outputGiven} says that {@code output} comes from the file, so a model that names its
 * outputs must have it, rather than being the kind's default. {@code poolingGiven} likewise says
 * that {@code pooling} was written: the default {@code mean} takes a model that pools itself as it
 * is, but a written {@code mean} or {@code cls} on such a model asks for what it cannot do.
 */
public record ModelDescriptor(
        String kind,
        int maxTokens,
        List<String> labels,
        boolean multiLabel,
        Pooling pooling,
        boolean poolingGiven,
        boolean normalize,
        List<String> inputs,
        String output,
        boolean outputGiven,
        String weights) {

    public static final String TEXT_EMBEDDING = "text-embedding";
    public static final String TEXT_CLASSIFICATION = "text-classification";
    public static final List<String> KINDS = List.of(TEXT_EMBEDDING, TEXT_CLASSIFICATION);
    public static final int DEFAULT_MAX_TOKENS = 256;
    static final List<String> ALL_INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");

    private static final Set<String> KEYS = Set.of(
            "kind", "max_tokens", "labels", "multi_label", "pooling", "normalize", "inputs", "output", "weights");

    /** How token vectors become one sentence vector. */
    public enum Pooling { MEAN, CLS, NONE }

    public ModelDescriptor {
        Objects.requireNonNull(kind, "kind");
        labels = List.copyOf(labels);
        inputs = List.copyOf(inputs);
    }

    /** The descriptor of the builtin sentence encoders. */
    public static ModelDescriptor textEmbedding() {
        return new ModelDescriptor(TEXT_EMBEDDING, DEFAULT_MAX_TOKENS, List.of(), false, Pooling.MEAN, false, true,
                ALL_INPUTS, "last_hidden_state", false, null);
    }

    public boolean isClassification() {
        return TEXT_CLASSIFICATION.equals(kind);
    }

    /**
     * @param where names the file in error messages
     * @throws IllegalArgumentException naming the key and what is allowed
     */
    public static ModelDescriptor parse(Properties p, String where) {
        refuseUnknownKeys(p, where, KEYS, "id2label.");
        String kind = get(p, "kind", TEXT_EMBEDDING);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException(where + ": kind '" + kind + "' is not supported here; allowed: "
                    + String.join(", ", KINDS));
        }
        boolean classification = TEXT_CLASSIFICATION.equals(kind);
        int maxTokens = DEFAULT_MAX_TOKENS;
        String mt = p.getProperty("max_tokens");
        if (mt != null) {
            try {
                maxTokens = Integer.parseInt(mt.trim());
                if (maxTokens < 2) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": max_tokens must be an integer >= 2, was '" + mt + "'");
            }
        }
        List<String> labels = labels(p, where);
        if (classification && labels.size() < 2) {
            throw new IllegalArgumentException(where + ": a " + TEXT_CLASSIFICATION + " model needs its labels, "
                    + "in logit order: labels=a,b,c or id2label.0=a, id2label.1=b, ... (at least 2)");
        }
        if (!classification && !labels.isEmpty()) {
            throw new IllegalArgumentException(where + ": labels are only for kind=" + TEXT_CLASSIFICATION
                    + "; a " + kind + " model gets its labels from the classify task");
        }
        boolean multiLabel = bool(p, "multi_label", false, where);
        if (multiLabel && !classification) {
            throw new IllegalArgumentException(where + ": multi_label is only for kind=" + TEXT_CLASSIFICATION);
        }
        for (String embeddingOnly : List.of("pooling", "normalize")) {
            if (classification && p.getProperty(embeddingOnly) != null) {
                // a classifier's logits are read as they are: the setting would be silently ignored
                throw new IllegalArgumentException(where + ": " + embeddingOnly + " is only for kind=" + TEXT_EMBEDDING
                        + "; a " + TEXT_CLASSIFICATION + " model's logits are used as the model returns them");
            }
        }
        String poolingText = get(p, "pooling", "mean").toUpperCase(Locale.ROOT);
        Pooling pooling;
        try {
            pooling = Pooling.valueOf(poolingText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": pooling '" + p.getProperty("pooling").trim()
                    + "' is not allowed; allowed: mean, cls, none");
        }
        boolean poolingGiven = p.getProperty("pooling") != null && !p.getProperty("pooling").isBlank();
        boolean normalize = bool(p, "normalize", true, where);
        List<String> inputs = ALL_INPUTS;
        String in = p.getProperty("inputs");
        if (in != null) {
            inputs = Arrays.stream(in.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (inputs.isEmpty() || !inputs.contains("input_ids") || !ALL_INPUTS.containsAll(inputs)
                    || new HashSet<>(inputs).size() != inputs.size()) {
                throw new IllegalArgumentException(where + ": inputs '" + in.trim() + "' is not allowed; allowed: "
                        + "input_ids plus optionally attention_mask and token_type_ids, comma-separated, each once");
            }
        }
        String output = get(p, "output", classification ? "logits" : "last_hidden_state");
        boolean outputGiven = p.getProperty("output") != null && !p.getProperty("output").isBlank();
        String weights = p.getProperty("weights") == null ? null : p.getProperty("weights").trim();
        return new ModelDescriptor(kind, maxTokens, labels, multiLabel, pooling, poolingGiven, normalize, inputs, output,
                outputGiven, weights);
    }

    /**
     * Refuses a key that is neither in {@code keys} nor {@code numbered} followed by an id (null: no
     * numbered keys), naming the file, the key and the allowed keys: a misspelled key would otherwise
     * leave its setting at the default without a word. Shared with the seq2seq model directory.
     *
     * @param where names the file in the message
     */
    static void refuseUnknownKeys(Properties p, String where, Set<String> keys, String numbered) {
        for (String key : p.stringPropertyNames()) {
            if (!keys.contains(key) && (numbered == null || !key.startsWith(numbered))) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "'; allowed: "
                        + String.join(", ", keys.stream().sorted().toList())
                        + (numbered == null ? "" : ", " + numbered + "N"));
            }
        }
    }

    private static List<String> labels(Properties p, String where) {
        String list = p.getProperty("labels");
        TreeMap<Integer, String> byId = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("id2label.")) {
                String id = key.substring("id2label.".length());
                int i;
                try {
                    i = Integer.parseInt(id);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": '" + key + "' needs a numeric id, e.g. id2label.0");
                }
                byId.put(i, p.getProperty(key).trim());
            }
        }
        if (list != null && !byId.isEmpty()) {
            throw new IllegalArgumentException(where + ": give either labels=... or id2label.N keys, not both");
        }
        List<String> labels = new ArrayList<>();
        if (list != null) {
            for (String l : list.split(",")) {
                labels.add(l.trim());
            }
        } else {
            int expected = 0;
            for (Map.Entry<Integer, String> e : byId.entrySet()) {
                if (e.getKey() != expected++) {
                    throw new IllegalArgumentException(where + ": id2label ids must be 0, 1, 2, ... without gaps; "
                            + "id " + (expected - 1) + " is missing");
                }
                labels.add(e.getValue());
            }
        }
        Set<String> seen = new HashSet<>();
        for (String l : labels) {
            if (l.isEmpty()) {
                throw new IllegalArgumentException(where + ": empty label name");
            }
            if (!seen.add(l)) {
                throw new IllegalArgumentException(where + ": label '" + l + "' appears twice");
            }
        }
        return labels;
    }

    private static String get(Properties p, String key, String dflt) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    private static boolean bool(Properties p, String key, boolean dflt, String where) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(where + ": " + key + " must be true or false, was '" + v.trim() + "'");
        };
    }
}
