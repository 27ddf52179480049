// Binds a configured classify task to its loaded model: picks and builds the head (zero-shot, few-shot, logistic) or checks a fine-tuned model's labels.
package dev.lexstream.inference;

import dev.lexstream.config.ClassifyTask;
import dev.lexstream.config.ConfigException;
import dev.lexstream.config.TrainSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link ClassifyTask} and its loaded model into a ready classifier. The rules:
 *
 * <ul>
 *   <li><b>text-classification model</b>: the model's own labels; {@code labels} may be left out,
 *       or must name exactly the model's labels (any order; descriptions are ignored); {@code
 *       examples} and {@code train} are refused (the model is already trained).
 *   <li><b>text-embedding model, no {@code train}</b>: zero-shot on the label descriptions, or
 *       few-shot prototypes when {@code examples} are given.
 *   <li><b>text-embedding model, {@code train.head: prototypes}</b>: few-shot prototypes from the
 *       file's examples (plus the descriptions and inline examples, when given).
 *   <li><b>text-embedding model, {@code train.head: logistic}</b> (the default): a logistic
 *       regression ({@link LogisticHead}) trained on the file's examples plus inline examples.
 * </ul>
 *
 * With {@code train}, labels come from {@code labels} when given (then every training label must
 * be one of them), else from {@code labelMap}'s values, else from the file in order of appearance.
 */
public final class ClassifierBinder {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierBinder.class);
    private static final int EMBED_BATCH = 32;

    private ClassifierBinder() {}

    /**
     * A classify task ready to run.
     *
     * @param head   the head on the model's embeddings; null for a text-classification model
     * @param method {@code text-classification}, {@code zero-shot}, {@code few-shot} or {@code logistic}
     * @param trainingExamples examples the head was built from (0 for zero-shot)
     */
    public record Bound(String task, LoadedModel model, EmbeddingClassifier head, List<String> labels,
                        String method, int trainingExamples) {

        /** Classifies texts in one model pass (the service shares passes between tasks itself). */
        public List<ZeroShotClassifier.Prediction> classify(List<String> texts) {
            ModelOutput out = ModelOutput.run(model, texts);
            List<ZeroShotClassifier.Prediction> predictions = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                predictions.add(out.prediction(i, head));
            }
            return predictions;
        }
    }

    /**
     * @param path the task's config path, e.g. {@code pipelines[0].classify[1]}, for errors
     * @throws ConfigException when the task does not fit the model, or its training file is unusable
     */
    public static Bound bind(ClassifyTask task, String path, LoadedModel model) {
        if (model instanceof TextClassifier classifier) {
            return bindFineTuned(task, path, classifier);
        }
        if (!(model instanceof TextEmbedder embedder)) {
            throw new ConfigException(path + ".model", "model '" + task.model() + "' of kind " + model.kind()
                    + " cannot classify; allowed: a text-embedding or text-classification model");
        }
        if (task.train() == null) {
            if (task.labels().isEmpty()) {
                throw new ConfigException(path + ".labels", "missing; required for embedding model '" + task.model()
                        + "': a map of at least 2 labels (label: description), or 'train' with a labelled file");
            }
            ZeroShotClassifier head;
            try {
                head = ZeroShotClassifier.create(embedder, task.labels(), task.examples());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path + ".labels", e.getMessage());
            }
            int examples = task.examples().values().stream().mapToInt(List::size).sum();
            return new Bound(task.name(), model, head, head.labels(), examples == 0 ? "zero-shot" : "few-shot", examples);
        }
        return bindTrained(task, path, embedder);
    }

    private static Bound bindFineTuned(ClassifyTask task, String path, TextClassifier classifier) {
        String own = "model '" + task.model() + "' is a text-classification model with its own labels "
                + classifier.labels();
        if (task.train() != null) {
            throw new ConfigException(path + ".train", own + "; 'train' is for embedding models: remove it");
        }
        if (!task.examples().isEmpty()) {
            throw new ConfigException(path + ".examples", own + "; 'examples' are for embedding models: remove them");
        }
        if (!task.labels().isEmpty() && !new HashSet<>(task.labels().keySet()).equals(new HashSet<>(classifier.labels()))) {
            throw new ConfigException(path + ".labels", "labels " + task.labels().keySet() + " do not match: " + own
                    + "; leave 'labels' out, or list exactly those labels");
        }
        return new Bound(task.name(), classifier, null, classifier.labels(), "text-classification", 0);
    }

    private static Bound bindTrained(ClassifyTask task, String path, TextEmbedder embedder) {
        TrainSettings t = task.train();
        String tp = path + ".train";
        long start = System.nanoTime();
        List<LabelledTexts.Example> rows;
        try {
            rows = LabelledTexts.read(new LabelledTexts.Spec(Path.of(t.file()), t.format(), t.text(), t.label(),
                    t.labelMap(), t.skip(), t.limit()));
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new ConfigException(tp + ".file", e.getMessage());
        }
        if (t.perLabel() != null) {
            Map<String, Integer> taken = new HashMap<>();
            List<LabelledTexts.Example> kept = new ArrayList<>();
            for (LabelledTexts.Example row : rows) {
                if (taken.merge(row.label(), 1, Integer::sum) <= t.perLabel()) {
                    kept.add(row);
                }
            }
            rows = kept;
        }
        List<String> texts = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        for (LabelledTexts.Example row : rows) {
            texts.add(row.text());
            targets.add(row.label());
        }
        task.examples().forEach((label, list) -> list.forEach(text -> {
            texts.add(text);
            targets.add(label);
        }));
        if (texts.isEmpty()) {
            throw new ConfigException(tp + ".file", t.file() + " gave no examples (skip " + t.skip() + ", limit "
                    + t.limit() + ")");
        }

        List<String> labels;
        if (!task.labels().isEmpty()) {
            labels = List.copyOf(task.labels().keySet());
            for (int i = 0; i < targets.size(); i++) {
                if (!task.labels().containsKey(targets.get(i))) {
                    throw new ConfigException(path + ".labels", "training label '" + targets.get(i) + "'"
                            + (i < rows.size() ? " (" + t.file() + " row " + rows.get(i).row() + ")" : "")
                            + " is not one of the labels " + labels + "; add it, or map it with train.labelMap");
                }
            }
        } else if (!t.labelMap().isEmpty()) {
            labels = List.copyOf(new LinkedHashSet<>(t.labelMap().values()));
        } else {
            labels = List.copyOf(new LinkedHashSet<>(targets));
        }
        Set<String> present = new HashSet<>(targets);
        List<String> missing = labels.stream().filter(l -> !present.contains(l)).toList();
        boolean prototypes = TrainSettings.HEAD_PROTOTYPES.equals(t.head());

        EmbeddingClassifier head;
        if (prototypes) {
            Map<String, String> descriptions = new LinkedHashMap<>();
            Map<String, List<String>> examples = new LinkedHashMap<>();
            for (String label : labels) {
                descriptions.put(label, task.labels().getOrDefault(label, ""));
                examples.put(label, new ArrayList<>());
            }
            for (int i = 0; i < texts.size(); i++) {
                examples.get(targets.get(i)).add(texts.get(i));
            }
            try {
                head = ZeroShotClassifier.create(embedder, descriptions, examples);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(tp, e.getMessage());
            }
        } else {
            if (!missing.isEmpty()) {
                throw new ConfigException(tp + ".file", "no training example for label(s) " + missing
                        + "; a logistic head needs examples of every label");
            }
            List<float[]> vectors = new ArrayList<>(texts.size());
            for (int s = 0; s < texts.size(); s += EMBED_BATCH) {
                for (float[] v : embedder.embed(texts.subList(s, Math.min(texts.size(), s + EMBED_BATCH)))) {
                    vectors.add(v);
                }
            }
            head = LogisticHead.train(vectors, targets, labels, t.epochs());
        }
        String method = prototypes ? "few-shot" : "logistic";
        LOG.info("classify task {}: {} head from {} examples of {} labels in {} ms", task.name(), method, texts.size(),
                labels.size(), (System.nanoTime() - start) / 1_000_000);
        return new Bound(task.name(), embedder, head, head.labels(), method, texts.size());
    }
}
