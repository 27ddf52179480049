// The batched decoding loop: greedy and beam search over a Seq2SeqBackend with a KV cache.
package dev.lexstream.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Generates token ids for a batch of inputs. One encoder call for the batch, then one decoder call
 * per step for all rows (all beams of all inputs), feeding the KV cache back; finished rows are
 * fed the pad token until the whole batch is done, so a row's result does not depend on its
 * batch-mates.
 *
 * <p>Search follows the Hugging Face {@code generate} semantics: log-softmax scores in double
 * precision; banned tokens, no-repeat n-grams and forced BOS/EOS applied to every row; greedy
 * takes the arg max; beam search keeps, per input, the best {@code 2 * numBeams} continuations of
 * all beams, moves those ending in EOS (ranked among the first {@code numBeams}) to the finished
 * hypotheses, scored {@code sum log p / length^lengthPenalty}, and continues the best
 * {@code numBeams} others; an input none of whose continuations is left running (all end in EOS, as
 * on the last step of a model with a forced EOS) is done. Ties go to the lower beam and token index.
 */
public final class Seq2SeqGenerator {

    private static final double INITIAL_OTHER_BEAMS = -1e9;

    private final Seq2SeqBackend backend;
    private final Seq2SeqTokens tokens;

    public Seq2SeqGenerator(Seq2SeqBackend backend, Seq2SeqTokens tokens) {
        this.backend = backend;
        this.tokens = tokens;
    }

    /**
     * @param inputs token ids per input (special tokens included), not empty
     * @return generated ids per input, EOS included when the sequence ended, decoder start excluded
     */
    public List<long[]> generate(List<long[]> inputs, GenerationOptions options) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        int n = inputs.stream().mapToInt(a -> a.length).max().orElse(0);
        long[][] ids = new long[inputs.size()][n];
        long[][] mask = new long[inputs.size()][n];
        for (int i = 0; i < inputs.size(); i++) {
            long[] in = inputs.get(i);
            Arrays.fill(ids[i], tokens.padTokenId());
            System.arraycopy(in, 0, ids[i], 0, in.length);
            Arrays.fill(mask[i], 0, in.length, 1L);
        }
        Seq2SeqTensor hidden = backend.encode(ids, mask);
        return options.numBeams() == 1 ? greedy(hidden, mask, options) : beam(hidden, mask, options);
    }

    private List<long[]> greedy(Seq2SeqTensor hidden, long[][] mask, GenerationOptions o) {
        int rows = mask.length;
        List<List<Long>> seqs = new ArrayList<>();
        long[] next = new long[rows];
        for (int r = 0; r < rows; r++) {
            seqs.add(new ArrayList<>(List.of(tokens.decoderStartTokenId())));
            next[r] = tokens.decoderStartTokenId();
        }
        boolean[] done = new boolean[rows];
        Seq2SeqBackend.Step step = backend.first(next, hidden, mask);
        List<Seq2SeqTensor> cache = step.cache();
        for (int t = 0; t < o.maxNewTokens(); t++) {
            boolean all = true;
            for (int r = 0; r < rows; r++) {
                long tok;
                if (done[r]) {
                    tok = tokens.padTokenId();
                } else {
                    double[] lp = scores(step.logits()[r], seqs.get(r), t, o);
                    tok = argmax(lp);
                    done[r] = tokens.eosTokenIds().contains(tok);
                }
                seqs.get(r).add(tok);
                next[r] = tok;
                all &= done[r];
            }
            if (all || t == o.maxNewTokens() - 1) {
                break;
            }
            stopIfInterrupted();
            step = backend.next(next, hidden, mask, cache);
            cache = merge(cache, step.cache());
        }
        List<long[]> out = new ArrayList<>(rows);
        for (List<Long> s : seqs) {
            List<Long> gen = s.subList(1, s.size());
            int end = gen.size();
            for (int i = 0; i < gen.size(); i++) {
                if (tokens.eosTokenIds().contains(gen.get(i))) {
                    end = i + 1;
                    break;
                }
            }
            out.add(gen.subList(0, end).stream().mapToLong(Long::longValue).toArray());
        }
        return out;
    }

    /** A finished beam-search hypothesis. */
    private record Hypothesis(double score, List<Long> tokens) {}

    /** One continuation candidate: its total log-probability, beam and token. */
    private record Candidate(double score, int beam, long token, long flatIndex) {}

    private List<long[]> beam(Seq2SeqTensor hidden0, long[][] mask0, GenerationOptions o) {
        int k = o.numBeams();
        int batch = mask0.length;
        Seq2SeqTensor hidden = hidden0.repeatRows(k);
        long[][] mask = new long[batch * k][];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = mask0[i / k];
        }
        List<List<Long>> seqs = new ArrayList<>();
        long[] next = new long[batch * k];
        double[][] beamScores = new double[batch][k];
        for (int i = 0; i < batch * k; i++) {
            seqs.add(new ArrayList<>(List.of(tokens.decoderStartTokenId())));
            next[i] = tokens.decoderStartTokenId();
        }
        for (double[] s : beamScores) {
            Arrays.fill(s, 1, k, INITIAL_OTHER_BEAMS);
        }
        List<List<Hypothesis>> hyps = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            hyps.add(new ArrayList<>());
        }
        boolean[] done = new boolean[batch];
        Seq2SeqBackend.Step step = backend.first(next, hidden, mask);
        List<Seq2SeqTensor> cache = step.cache();
        for (int t = 0; t < o.maxNewTokens(); t++) {
            List<List<Long>> newSeqs = new ArrayList<>(batch * k);
            int[] sourceRows = new int[batch * k];
            double[][] newScores = new double[batch][k];
            for (int b = 0; b < batch; b++) {
                if (!done[b]) {
                    List<Candidate> top = topCandidates(step.logits(), seqs, beamScores[b], b, k, t, o);
                    List<Candidate> picked = new ArrayList<>(k);
                    for (int rank = 0; rank < top.size(); rank++) {
                        Candidate c = top.get(rank);
                        if (tokens.eosTokenIds().contains(c.token())) {
                            if (rank >= k) {
                                continue;
                            }
                            List<Long> h = new ArrayList<>(seqs.get(b * k + c.beam()).subList(1, seqs.get(b * k + c.beam()).size()));
                            h.add(c.token());
                            addHypothesis(hyps.get(b), h, c.score(), t + 1, k, o.lengthPenalty());
                        } else {
                            picked.add(c);
                        }
                        if (picked.size() == k) {
                            break;
                        }
                    }
                    if (!picked.isEmpty()) {
                        for (int j = 0; j < k; j++) {
                            // fewer than k non-EOS candidates (a tiny vocabulary, many bans): repeat the last
                            Candidate c = picked.get(Math.min(j, picked.size() - 1));
                            List<Long> s = new ArrayList<>(seqs.get(b * k + c.beam()));
                            s.add(c.token());
                            newSeqs.add(s);
                            sourceRows[b * k + j] = b * k + c.beam();
                            next[b * k + j] = c.token();
                            newScores[b][j] = c.score();
                        }
                        List<Hypothesis> h = hyps.get(b);
                        if (h.size() >= k) {
                            double bestPossible = top.get(0).score() / Math.pow(t + 1, o.lengthPenalty());
                            done[b] = o.earlyStopping() || worst(h) >= bestPossible;
                        }
                        continue;
                    }
                    // No live continuation: every candidate ended in EOS (always so on the last step of a model
                    // with forced_eos_token_id), so the finished hypotheses are the result. Without any candidate
                    // (bans and n-gram blocking cover the vocabulary) the beams as they stand are all there is.
                    if (top.isEmpty()) {
                        for (int j = 0; j < k; j++) {
                            List<Long> s = seqs.get(b * k + j);
                            addHypothesis(hyps.get(b), new ArrayList<>(s.subList(1, s.size())), beamScores[b][j],
                                    s.size() - 1, k, o.lengthPenalty());
                        }
                    }
                    done[b] = true;
                }
                for (int j = 0; j < k; j++) {
                    List<Long> s = new ArrayList<>(seqs.get(b * k));
                    s.add(tokens.padTokenId());
                    newSeqs.add(s);
                    sourceRows[b * k + j] = b * k;
                    next[b * k + j] = tokens.padTokenId();
                }
            }
            seqs = newSeqs;
            beamScores = newScores;
            boolean all = true;
            for (boolean d : done) {
                all &= d;
            }
            if (all || t == o.maxNewTokens() - 1) {
                break;
            }
            List<Seq2SeqTensor> reordered = new ArrayList<>(cache.size());
            for (Seq2SeqTensor c : cache) {
                reordered.add(c.gatherRows(sourceRows));
            }
            stopIfInterrupted();
            step = backend.next(next, hidden, mask, reordered);
            cache = merge(reordered, step.cache());
        }
        List<long[]> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            if (!done[b]) {
                for (int j = 0; j < k; j++) {
                    List<Long> s = seqs.get(b * k + j);
                    addHypothesis(hyps.get(b), new ArrayList<>(s.subList(1, s.size())), beamScores[b][j], s.size() - 1,
                            k, o.lengthPenalty());
                }
            }
            Hypothesis best = null;
            for (Hypothesis h : hyps.get(b)) {
                if (best == null || h.score() > best.score()) {
                    best = h;
                }
            }
            out.add(best.tokens().stream().mapToLong(Long::longValue).toArray());
        }
        return out;
    }

    private List<Candidate> topCandidates(float[][] logits, List<List<Long>> seqs, double[] beamScores, int b, int k,
                                          int t, GenerationOptions o) {
        int want = 2 * k;
        Comparator<Candidate> better = Comparator.comparingDouble(Candidate::score).reversed()
                .thenComparingLong(Candidate::flatIndex);
        PriorityQueue<Candidate> heap = new PriorityQueue<>(better.reversed()); // worst on top
        for (int j = 0; j < k; j++) {
            int row = b * k + j;
            double[] lp = scores(logits[row], seqs.get(row), t, o);
            for (int v = 0; v < lp.length; v++) {
                double s = lp[v] + beamScores[j];
                if (s == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                Candidate c = new Candidate(s, j, v, (long) j * lp.length + v);
                if (heap.size() < want) {
                    heap.add(c);
                } else if (better.compare(c, heap.peek()) < 0) {
                    heap.poll();
                    heap.add(c);
                }
            }
        }
        List<Candidate> out = new ArrayList<>(heap);
        out.sort(better);
        return out;
    }

    private static void addHypothesis(List<Hypothesis> hyps, List<Long> tokens, double sumLogProbs, int length, int k,
                                      double lengthPenalty) {
        double score = sumLogProbs / Math.pow(length, lengthPenalty);
        if (hyps.size() < k || score > worst(hyps)) {
            hyps.add(new Hypothesis(score, tokens));
            if (hyps.size() > k) {
                int worstIndex = 0;
                for (int i = 1; i < hyps.size(); i++) {
                    if (hyps.get(i).score() < hyps.get(worstIndex).score()) {
                        worstIndex = i;
                    }
                }
                hyps.remove(worstIndex);
            }
        }
    }

    private static double worst(List<Hypothesis> hyps) {
        double w = Double.POSITIVE_INFINITY;
        for (Hypothesis h : hyps) {
            w = Math.min(w, h.score());
        }
        return w;
    }

    /** Log-softmax of one row in double precision, then the logits processors. */
    double[] scores(float[] logits, List<Long> seq, int t, GenerationOptions o) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x); // NaN when any logit is NaN
        }
        if (!Double.isFinite(max)) {
            // NaN would make the arg max token 0 and rank NaN beams first: a silent, empty output.
            // Failing the batch lets the caller isolate the input the model breaks on.
            throw new InferenceException("the seq2seq model returned " + (Double.isNaN(max) ? "NaN" : "no finite")
                    + " logits at generation step " + (t + 1), null);
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp(x - max);
        }
        double lse = max + Math.log(sum);
        double[] lp = new double[logits.length];
        for (int v = 0; v < lp.length; v++) {
            lp[v] = logits[v] - lse;
        }
        for (long banned : tokens.bannedTokenIds()) {
            if (banned >= 0 && banned < lp.length) {
                lp[(int) banned] = Double.NEGATIVE_INFINITY;
            }
        }
        int n = o.noRepeatNgramSize();
        if (n > 0 && seq.size() + 1 >= n) {
            List<Long> prefix = seq.subList(seq.size() - n + 1, seq.size());
            for (int i = 0; i + n <= seq.size(); i++) {
                if (seq.subList(i, i + n - 1).equals(prefix)) {
                    lp[seq.get(i + n - 1).intValue()] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        if (t == 0 && tokens.forcedBosTokenId() >= 0) {
            force(lp, tokens.forcedBosTokenId());
        } else if (t == o.maxNewTokens() - 1 && tokens.forcedEosTokenId() >= 0) {
            force(lp, tokens.forcedEosTokenId());
        }
        return lp;
    }

    private static void force(double[] lp, long token) {
        Arrays.fill(lp, Double.NEGATIVE_INFINITY);
        lp[(int) token] = 0;
    }

    private static long argmax(double[] lp) {
        int best = 0;
        for (int v = 1; v < lp.length; v++) {
            if (lp[v] > lp[best]) {
                best = v;
            }
        }
        return best;
    }

    /** The cache after a later step: new self-attention keys/values, the unchanged cross-attention ones. */
    /**
     * Called between decoder steps, which an interrupt cannot cut short: a batch thread interrupted by
     * shutdown stops within a step rather than finishing a generation that may take seconds on a CPU
     * and whose result nobody will forward. The interrupt stays set for the caller to see.
     */
    private static void stopIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new InferenceException("generation interrupted", new InterruptedException());
        }
    }

    private static List<Seq2SeqTensor> merge(List<Seq2SeqTensor> previous, List<Seq2SeqTensor> step) {
        if (step.size() == previous.size()) {
            return step;
        }
        List<Seq2SeqTensor> out = new ArrayList<>(previous.size());
        for (int layer = 0; layer < previous.size() / 4; layer++) {
            out.add(step.get(2 * layer));
            out.add(step.get(2 * layer + 1));
            out.add(previous.get(4 * layer + 2));
            out.add(previous.get(4 * layer + 3));
        }
        return out;
    }
}
