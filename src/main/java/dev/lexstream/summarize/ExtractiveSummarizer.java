package dev.lexstream.summarize;

import dev.lexstream.config.SummarizeSettings;
import dev.lexstream.inference.TextEmbedder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Extractive summaries on sentence embeddings: the text is split into sentences, every sentence
 * of the batch is embedded in one model call, and each text keeps its top sentences in their
 * original order.
 *
 * <p>Ranking: a sentence's centrality is the cosine between its embedding and the centroid (the
 * normalized mean) of all the text's sentence embeddings. {@code centrality} takes the most
 * central sentences; {@code mmr} (maximal marginal relevance) picks greedily the sentence with
 * the best {@code diversity * centrality - (1 - diversity) * max similarity to a picked sentence},
 * so a summary does not say the same thing twice.
 *
 * <p>Length: at most {@code maxSentences}, and at most {@code ceil(maxRatio * sentences)} when
 * {@code maxRatio} is set; a text with no more sentences than that is its own summary. Only the
 * first {@value #MAX_SENTENCES_RANKED} sentences of a text are ranked, which bounds the cost of
 * very long texts.
 */
public final class ExtractiveSummarizer implements Summarizer {

    public static final int MAX_SENTENCES_RANKED = 256;
    /** Sentences per model call. */
    static final int EMBED_CHUNK = 32;

    private final TextEmbedder embedder;
    private final SentenceSplitter splitter;
    private final SummarizeSettings.Ranking ranking;
    private final int maxSentences;
    private final Double maxRatio;
    private final double diversity;

    public ExtractiveSummarizer(TextEmbedder embedder, SentenceSplitter splitter, SummarizeSettings.Ranking ranking,
                                int maxSentences, Double maxRatio, double diversity) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.splitter = Objects.requireNonNull(splitter, "splitter");
        this.ranking = Objects.requireNonNull(ranking, "ranking");
        if (maxSentences < 1) {
            throw new IllegalArgumentException("maxSentences must be >= 1, was " + maxSentences);
        }
        this.maxSentences = maxSentences;
        this.maxRatio = maxRatio;
        this.diversity = diversity;
    }

    public static ExtractiveSummarizer of(TextEmbedder embedder, SummarizeSettings settings) {
        return new ExtractiveSummarizer(embedder, new SentenceSplitter(), settings.ranking(), settings.maxSentences(),
                settings.maxRatio(), settings.diversity());
    }

    @Override
    public String modelId() {
        return embedder.modelId();
    }

    @Override
    public String modelVersion() {
        return embedder.modelVersion();
    }

    /** How many sentences a summary of a text with {@code n} sentences keeps. */
    int budget(int n) {
        int k = maxSentences;
        if (maxRatio != null) {
            k = Math.min(k, Math.max(1, (int) Math.ceil(maxRatio * n - 1e-9)));
        }
        return Math.min(k, n);
    }

    @Override
    public List<String> summarize(List<String> texts, List<String> langs) {
        List<List<String>> sentences = new ArrayList<>(texts.size());
        List<String> toEmbed = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            List<String> s = splitter.sentences(texts.get(i), langs == null ? null : langs.get(i));
            if (s.size() > MAX_SENTENCES_RANKED) {
                s = s.subList(0, MAX_SENTENCES_RANKED);
            }
            sentences.add(s);
            if (s.size() > budget(s.size())) {
                toEmbed.addAll(s);
            }
        }
        float[][] vectors = embedByLength(toEmbed);
        List<String> out = new ArrayList<>(texts.size());
        int offset = 0;
        for (int i = 0; i < texts.size(); i++) {
            List<String> s = sentences.get(i);
            int k = budget(s.size());
            if (s.size() <= k) {
                out.add(s.isEmpty() ? texts.get(i).strip() : String.join(" ", s));
                continue;
            }
            float[][] v = Arrays.copyOfRange(vectors, offset, offset + s.size());
            offset += s.size();
            int[] picked = select(v, k);
            Arrays.sort(picked);
            List<String> summary = new ArrayList<>(k);
            for (int p : picked) {
                summary.add(s.get(p));
            }
            out.add(String.join(" ", summary));
        }
        return out;
    }

    /**
     * Embeds sentences in chunks of similar length (sorted by length), so short sentences are not
     * padded to the longest of the batch; vectors come back in input order.
     */
    private float[][] embedByLength(List<String> sentences) {
        float[][] out = new float[sentences.size()][];
        Integer[] order = new Integer[sentences.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(sentences.get(a).length(), sentences.get(b).length()));
        for (int start = 0; start < order.length; start += EMBED_CHUNK) {
            int end = Math.min(order.length, start + EMBED_CHUNK);
            List<String> chunk = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                chunk.add(sentences.get(order[i]));
            }
            float[][] v = embedder.embed(chunk);
            for (int i = start; i < end; i++) {
                out[order[i]] = v[i - start];
            }
        }
        return out;
    }

    /** Indices of the {@code k} sentences to keep (in pick order). */
    int[] select(float[][] v, int k) {
        double[] centrality = centrality(v);
        int n = v.length;
        int[] picked = new int[k];
        boolean[] used = new boolean[n];
        double[] maxSim = new double[n];
        Arrays.fill(maxSim, Double.NEGATIVE_INFINITY);
        for (int j = 0; j < k; j++) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (used[i]) {
                    continue;
                }
                double score = ranking == SummarizeSettings.Ranking.CENTRALITY || j == 0 ? centrality[i]
                        : diversity * centrality[i] - (1 - diversity) * maxSim[i];
                if (score > bestScore) { // ties: the earlier sentence
                    bestScore = score;
                    best = i;
                }
            }
            picked[j] = best;
            used[best] = true;
            for (int i = 0; i < n; i++) {
                maxSim[i] = Math.max(maxSim[i], dot(v[i], v[best]));
            }
        }
        return picked;
    }

    static double[] centrality(float[][] v) {
        int d = v[0].length;
        double[] centroid = new double[d];
        for (float[] row : v) {
            for (int j = 0; j < d; j++) {
                centroid[j] += row[j];
            }
        }
        double norm = 0;
        for (double c : centroid) {
            norm += c * c;
        }
        norm = Math.sqrt(norm);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += v[i][j] * centroid[j];
            }
            out[i] = norm == 0 ? 0 : s / norm;
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
