package dev.lexstream.summarize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L (sentence-level LCS) F-measures as Google's {@code rouge-score}
 * package computes them without stemming: lower-case, every character other than {@code a-z0-9}
 * becomes a space, tokens are the pieces between spaces; n-gram overlap counts are clipped; the
 * corpus score is the mean of the per-pair F1 scores (as Hugging Face {@code evaluate} reports).
 */
public final class Rouge {

    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");

    /** Precision, recall and F1 of one pair. */
    public record Score(double precision, double recall, double f1) {}

    /** Mean F1 over a corpus, in [0, 1]. */
    public record Corpus(double rouge1, double rouge2, double rougeL, int pairs) {}

    private Rouge() {
    }

    static List<String> tokens(String text) {
        String t = NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
        return t.isEmpty() ? List.of() : List.of(t.split(" +"));
    }

    public static Score rougeN(String prediction, String reference, int n) {
        Map<List<String>, Integer> p = ngrams(tokens(prediction), n);
        Map<List<String>, Integer> r = ngrams(tokens(reference), n);
        int overlap = 0;
        for (Map.Entry<List<String>, Integer> e : p.entrySet()) {
            overlap += Math.min(e.getValue(), r.getOrDefault(e.getKey(), 0));
        }
        return score(overlap, p.values().stream().mapToInt(Integer::intValue).sum(),
                r.values().stream().mapToInt(Integer::intValue).sum());
    }

    public static Score rougeL(String prediction, String reference) {
        List<String> p = tokens(prediction);
        List<String> r = tokens(reference);
        return score(lcs(p, r), p.size(), r.size());
    }

    /** Mean ROUGE-1/2/L F1 over aligned predictions and references. */
    public static Corpus corpus(List<String> predictions, List<String> references) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions but " + references.size() + " references");
        }
        double r1 = 0;
        double r2 = 0;
        double rl = 0;
        for (int i = 0; i < predictions.size(); i++) {
            r1 += rougeN(predictions.get(i), references.get(i), 1).f1();
            r2 += rougeN(predictions.get(i), references.get(i), 2).f1();
            rl += rougeL(predictions.get(i), references.get(i)).f1();
        }
        int n = Math.max(1, predictions.size());
        return new Corpus(r1 / n, r2 / n, rl / n, predictions.size());
    }

    private static Score score(int overlap, int predicted, int referenced) {
        double precision = predicted == 0 ? 0 : (double) overlap / predicted;
        double recall = referenced == 0 ? 0 : (double) overlap / referenced;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new Score(precision, recall, f1);
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            out.merge(new ArrayList<>(tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return out;
    }

    private static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = a.get(i - 1).equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
