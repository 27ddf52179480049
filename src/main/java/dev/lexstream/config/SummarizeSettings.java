package dev.lexstream.config;

/**
 * {@code summarize:} of a pipeline (task name {@code summarize}).
 *
 * @param model        a key of {@code models:}: a sentence encoder (extractive) or a seq2seq model directory (generative)
 * @param method       extractive (rank the text's own sentences) or generative (a seq2seq model writes the summary)
 * @param ranking      extractive: how sentences are ranked
 * @param maxSentences extractive: most sentences in a summary
 * @param maxRatio     extractive: most sentences as a fraction of the text's sentences (rounded up, at least 1); null: no limit
 * @param diversity    extractive MMR: weight of centrality against redundancy, in [0, 1] (1 = pure centrality)
 * @param prompt       generative: text put before the input, e.g. {@code "summarize: "} for T5 models
 * @param generation   generative: decoding settings
 */
public record SummarizeSettings(String model, Method method, Ranking ranking, int maxSentences, Double maxRatio,
                                double diversity, String prompt, GenerationSettings generation) {

    public static final int DEFAULT_MAX_SENTENCES = 2;
    public static final double DEFAULT_DIVERSITY = 0.7;

    public enum Method {
        EXTRACTIVE("extractive"), GENERATIVE("generative");

        private final String yamlName;

        Method(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }

    public enum Ranking {
        /** Maximal marginal relevance: central sentences that do not repeat the ones already picked. */
        MMR("mmr"),
        /** Plain centrality: similarity of each sentence to the whole text. */
        CENTRALITY("centrality");

        private final String yamlName;

        Ranking(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }

    public SummarizeSettings {
        method = method == null ? Method.EXTRACTIVE : method;
        ranking = ranking == null ? Ranking.MMR : ranking;
        prompt = prompt == null ? "" : prompt;
        generation = generation == null ? GenerationSettings.defaults() : generation;
    }
}
