// Reads what the load-time checks need from a tokenizer.json: the largest token id it can produce.
package dev.lexstream.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/** Facts about a Hugging Face {@code tokenizer.json} that the tokenizer library does not expose. */
record TokenizerInfo(long maxId) {

    /** Vocabulary size as the model must see it: every id up to {@link #maxId()} can reach its embedding table. */
    long vocabSize() {
        return maxId + 1;
    }

    /**
     * The largest id over the model's vocabulary (WordPiece/WordLevel/BPE maps, Unigram lists) and
     * the added (special) tokens.
     *
     * @throws IllegalArgumentException when the file is not a tokenizer.json
     */
    static TokenizerInfo read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " as JSON: " + e.getMessage(), e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !model.isObject()) {
            throw new IllegalArgumentException(file + " is not a Hugging Face tokenizer.json (no \"model\" object)");
        }
        long max = -1;
        JsonNode vocab = model.get("vocab");
        if (vocab != null && vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                max = Math.max(max, it.next().asLong(-1));
            }
        } else if (vocab != null && vocab.isArray()) {
            max = vocab.size() - 1; // Unigram: [[piece, score], ...], id = position
        }
        JsonNode added = root.get("added_tokens");
        if (added != null && added.isArray()) {
            for (JsonNode t : added) {
                max = Math.max(max, t.path("id").asLong(-1));
            }
        }
        if (max < 0) {
            throw new IllegalArgumentException(file + " has an empty vocabulary");
        }
        return new TokenizerInfo(max);
    }
}
