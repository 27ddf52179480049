package dev.lexstream.translate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Corpus BLEU and chrF as sacreBLEU 2 computes them by default: BLEU with the {@code 13a}
 * tokenizer, case-sensitive, exponential smoothing, brevity penalty against the closest reference
 * length; chrF2 with character n-grams up to 6, whitespace removed, no word n-grams, per-order
 * precision and recall averaged over the orders present (as chrF++.py does), and with several
 * references the best-scoring reference of each sentence. Scores are on a 0-100 scale.
 */
public final class TranslationMetrics {

    /** Corpus BLEU with its n-gram precisions (0-100), brevity penalty and lengths. */
    public record Bleu(double score, double[] precisions, double brevityPenalty, int hypLength, int refLength) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
                    score, precisions[0], precisions[1], precisions[2], precisions[3], brevityPenalty,
                    (double) hypLength / refLength, hypLength, refLength);
        }
    }

    private static final int MAX_ORDER = 4;
    private static final int CHAR_ORDER = 6;
    private static final double BETA = 2;

    private static final Pattern PUNCT = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_1 = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_2 = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH = Pattern.compile("([0-9])(-)");

    private TranslationMetrics() {
    }

    /** sacreBLEU's {@code 13a} tokenizer (mteval-v13a). */
    static String tokenize13a(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.contains("&")) {
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        line = " " + line + " ";
        line = PUNCT.matcher(line).replaceAll(" $1 ");
        line = PERIOD_COMMA_1.matcher(line).replaceAll("$1 $2 ");
        line = PERIOD_COMMA_2.matcher(line).replaceAll(" $1 $2");
        line = DASH.matcher(line).replaceAll("$1 $2 ");
        return String.join(" ", line.strip().split("\\s+"));
    }

    /**
     * @param hypotheses system outputs
     * @param references one or more reference streams, each aligned with {@code hypotheses}
     */
    public static Bleu bleu(List<String> hypotheses, List<List<String>> references) {
        check(hypotheses, references);
        long[] correct = new long[MAX_ORDER];
        long[] total = new long[MAX_ORDER];
        int hypLen = 0;
        int refLen = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            String[] hyp = split(tokenize13a(hypotheses.get(i)));
            hypLen += hyp.length;
            Map<String, Integer> maxRef = new HashMap<>();
            int closest = -1;
            for (List<String> stream : references) {
                String[] ref = split(tokenize13a(stream.get(i)));
                int diff = Math.abs(ref.length - hyp.length);
                if (closest < 0 || diff < Math.abs(closest - hyp.length)
                        || (diff == Math.abs(closest - hyp.length) && ref.length < closest)) {
                    closest = ref.length;
                }
                for (Map.Entry<String, Integer> e : wordNgrams(ref).entrySet()) {
                    maxRef.merge(e.getKey(), e.getValue(), Math::max);
                }
            }
            refLen += closest;
            for (Map.Entry<String, Integer> e : wordNgrams(hyp).entrySet()) {
                int n = order(e.getKey());
                total[n - 1] += e.getValue();
                correct[n - 1] += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
            }
        }
        double[] precisions = new double[MAX_ORDER];
        double smooth = 1;
        double logSum = 0;
        boolean zero = false;
        for (int n = 0; n < MAX_ORDER; n++) {
            if (total[n] == 0) {
                zero = true;
                break;
            }
            if (correct[n] == 0) {
                smooth *= 2;
                precisions[n] = 100.0 / (smooth * total[n]);
            } else {
                precisions[n] = 100.0 * correct[n] / total[n];
            }
            logSum += Math.log(precisions[n]);
        }
        double bp = hypLen == 0 ? 0 : hypLen < refLen ? Math.exp(1 - (double) refLen / hypLen) : 1;
        double score = zero || hypLen == 0 ? 0 : bp * Math.exp(logSum / MAX_ORDER);
        return new Bleu(score, precisions, bp, hypLen, refLen);
    }

    /** Corpus chrF2 (0-100). */
    public static double chrf(List<String> hypotheses, List<List<String>> references) {
        check(hypotheses, references);
        long[] stats = new long[3 * CHAR_ORDER];
        for (int i = 0; i < hypotheses.size(); i++) {
            String hyp = removeWhitespace(hypotheses.get(i));
            long[] best = null;
            double bestF = -1;
            for (List<String> stream : references) {
                long[] s = chrfStats(hyp, removeWhitespace(stream.get(i)));
                double f = chrfScore(s);
                if (f > bestF) {
                    bestF = f;
                    best = s;
                }
            }
            for (int k = 0; k < stats.length; k++) {
                stats[k] += best[k];
            }
        }
        return chrfScore(stats);
    }

    private static long[] chrfStats(String hyp, String ref) {
        long[] s = new long[3 * CHAR_ORDER];
        int[] h = hyp.codePoints().toArray();
        int[] r = ref.codePoints().toArray();
        for (int n = 1; n <= CHAR_ORDER; n++) {
            Map<String, Integer> hn = charNgrams(h, n);
            Map<String, Integer> rn = charNgrams(r, n);
            long match = 0;
            for (Map.Entry<String, Integer> e : hn.entrySet()) {
                match += Math.min(e.getValue(), rn.getOrDefault(e.getKey(), 0));
            }
            s[3 * (n - 1)] = Math.max(0, h.length - n + 1);
            s[3 * (n - 1) + 1] = Math.max(0, r.length - n + 1);
            s[3 * (n - 1) + 2] = match;
        }
        return s;
    }

    private static double chrfScore(long[] s) {
        double factor = BETA * BETA;
        double avgPrec = 0;
        double avgRec = 0;
        int effective = 0;
        for (int n = 0; n < CHAR_ORDER; n++) {
            long hyp = s[3 * n];
            long ref = s[3 * n + 1];
            long match = s[3 * n + 2];
            if (hyp > 0 && ref > 0) {
                avgPrec += (double) match / hyp;
                avgRec += (double) match / ref;
                effective++;
            }
        }
        if (effective == 0) {
            return 0;
        }
        avgPrec /= effective;
        avgRec /= effective;
        if (avgPrec + avgRec == 0) {
            return 0;
        }
        return 100 * (1 + factor) * avgPrec * avgRec / (factor * avgPrec + avgRec);
    }

    private static Map<String, Integer> charNgrams(int[] cps, int n) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= cps.length; i++) {
            out.merge(new String(cps, i, n), 1, Integer::sum);
        }
        return out;
    }

    private static String removeWhitespace(String s) {
        return s.replaceAll("\\s+", "");
    }

    private static String[] split(String tokenized) {
        return tokenized.isEmpty() ? new String[0] : tokenized.split(" ");
    }

    /** n-grams of orders 1..4 as space-joined keys prefixed with their order. */
    private static Map<String, Integer> wordNgrams(String[] tokens) {
        Map<String, Integer> out = new HashMap<>();
        for (int n = 1; n <= MAX_ORDER; n++) {
            for (int i = 0; i + n <= tokens.length; i++) {
                out.merge(n + "\u0001" + String.join(" ", java.util.Arrays.copyOfRange(tokens, i, i + n)), 1, Integer::sum);
            }
        }
        return out;
    }

    private static int order(String key) {
        return key.charAt(0) - '0';
    }

    private static void check(List<String> hypotheses, List<List<String>> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("no reference stream");
        }
        for (List<String> stream : references) {
            if (stream.size() != hypotheses.size()) {
                throw new IllegalArgumentException(hypotheses.size() + " hypotheses but a reference stream of " + stream.size());
            }
        }
    }
}
