package dev.lexstream.inference;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The search itself, on a fake bigram model whose next-token distribution depends only on the
 * previous token (and on which of two tables the input selects), so expected outputs can be worked
 * out by hand. Token 0 is start and pad (banned), 1 is EOS, 2..5 are words. And the loop's
 * behaviour around the backend (interruption), on a decoder that never ends a sequence.
 */
class Seq2SeqGeneratorTest {

    private static final int VOCAB = 6;
    private static final long EOS = 1;

    /**
     * Input [0]: greedy follows 5 5 5 (p .5 .4 .4) but 4 3 3 (p .4 .9 .9) is far more likely.
     * Input [1]: 2 then EOS (p .6 .9) beats everything else; the sequence ends before the limit.
     */
    private static final double[][][] TABLES = {
            {
                    {0, .05, .03, .02, .4, .5},   // after start
                    {0, 1, 0, 0, 0, 0},           // after EOS (never read)
                    {0, .1, .3, .2, .2, .2},      // after 2
                    {0, .05, .02, .9, .01, .02},  // after 3
                    {0, .05, .02, .9, .01, .02},  // after 4
                    {0, .05, .3, .2, .05, .4},    // after 5
            },
            {
                    {0, 0, .6, .4, 0, 0},
                    {0, 1, 0, 0, 0, 0},
                    {0, .9, .04, .03, .02, .01},
                    {0, .9, .04, .03, .02, .01},
                    {0, .9, .04, .03, .02, .01},
                    {0, .9, .04, .03, .02, .01},
            },
    };

    private static final Seq2SeqTokens FORCED_EOS = new Seq2SeqTokens(0, Set.of(EOS), 0, -1, EOS, Set.of(0L));

    /** The encoder output of a row is the table its input selects; the cache is unused. */
    private static final class BigramBackend implements Seq2SeqBackend {

        @Override
        public Seq2SeqTensor encode(long[][] inputIds, long[][] attentionMask) {
            float[] table = new float[inputIds.length];
            for (int r = 0; r < table.length; r++) {
                table[r] = inputIds[r][0];
            }
            return new Seq2SeqTensor(table, new long[] {table.length, 1});
        }

        @Override
        public Step first(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask) {
            float[][] logits = new float[tokens.length][];
            for (int r = 0; r < tokens.length; r++) {
                double[] p = TABLES[(int) encoderHidden.data()[r]][(int) tokens[r]];
                logits[r] = new float[VOCAB];
                for (int v = 0; v < VOCAB; v++) {
                    logits[r][v] = (float) Math.log(p[v]);
                }
            }
            return new Step(logits, List.of(new Seq2SeqTensor(new float[tokens.length], new long[] {tokens.length, 1})));
        }

        @Override
        public Step next(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask, List<Seq2SeqTensor> cache) {
            return first(tokens, encoderHidden, encoderMask);
        }

        @Override
        public void close() {}
    }

    private static List<long[]> generate(Seq2SeqTokens tokens, GenerationOptions options, long... tables) {
        List<long[]> inputs = Arrays.stream(tables).mapToObj(t -> new long[] {t, EOS}).toList();
        return new Seq2SeqGenerator(new BigramBackend(), tokens).generate(inputs, options);
    }

    @Test
    void greedySearchEndsWithTheForcedEosAtTheLimit() {
        assertThat(generate(FORCED_EOS, GenerationOptions.greedy(4), 0).get(0)).containsExactly(5, 5, 5, 1);
    }

    @Test
    void beamSearchWithForcedEosReturnsTheBestEosEndedHypothesis() {
        // at the last step the forced EOS is every beam's only continuation: the input is done, not an error
        GenerationOptions options = new GenerationOptions(4, 2, 1.0, 0, false);
        assertThat(generate(FORCED_EOS, options, 0).get(0)).containsExactly(4, 3, 3, 1);
    }

    @Test
    void beamSearchWithForcedEosFinishesBatchMatesThatEndEarlyAndAtTheLimit() {
        GenerationOptions options = new GenerationOptions(4, 2, 1.0, 0, false);
        List<long[]> out = generate(FORCED_EOS, options, 0, 1);
        assertThat(out.get(0)).containsExactly(4, 3, 3, 1);
        assertThat(out.get(1)).containsExactly(2, 1);
    }

    @Test
    void beamSearchWithForcedEosAtTheFirstStepReturnsJustEos() {
        GenerationOptions options = new GenerationOptions(1, 3, 1.0, 0, false);
        assertThat(generate(FORCED_EOS, options, 0, 1)).satisfiesExactly(
                a -> assertThat(a).containsExactly(1), b -> assertThat(b).containsExactly(1));
    }

    @Test
    void beamSearchGeneratesNothingRatherThanFailingWhenEveryTokenIsBanned() {
        Seq2SeqTokens allBanned = new Seq2SeqTokens(0, Set.of(EOS), 0, -1, -1, Set.of(0L, 1L, 2L, 3L, 4L, 5L));
        GenerationOptions options = new GenerationOptions(4, 2, 1.0, 0, false);
        assertThat(generate(allBanned, options, 0).get(0)).isEmpty();
    }

    /** A decoder whose logits are NaN for the rows of input [2] (an fp16 overflow, a broken export). */
    private static final class NanRowBackend implements Seq2SeqBackend {
        private final BigramBackend bigram = new BigramBackend();

        @Override
        public Seq2SeqTensor encode(long[][] inputIds, long[][] attentionMask) {
            return bigram.encode(inputIds, attentionMask);
        }

        @Override
        public Step first(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask) {
            float[] tables = encoderHidden.data();
            long[] fed = tokens.clone();
            float[] readable = tables.clone();
            for (int r = 0; r < readable.length; r++) {
                readable[r] = Math.min(readable[r], 1);
            }
            Step step = bigram.first(fed, new Seq2SeqTensor(readable, encoderHidden.shape()), encoderMask);
            for (int r = 0; r < tables.length; r++) {
                if (tables[r] == 2) {
                    Arrays.fill(step.logits()[r], Float.NaN);
                }
            }
            return step;
        }

        @Override
        public Step next(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask, List<Seq2SeqTensor> cache) {
            return first(tokens, encoderHidden, encoderMask);
        }

        @Override
        public void close() {}
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void nanLogitsFailTheGenerationInsteadOfDecodingBannedTokens(int numBeams) {
        // before: greedy took the arg max of NaN scores (token 0, the banned pad, which decodes to an
        // empty text) and beam search ranked NaN continuations first: a silent empty summary
        List<long[]> inputs = List.of(new long[] {1, EOS}, new long[] {2, EOS});
        Seq2SeqGenerator generator = new Seq2SeqGenerator(new NanRowBackend(), FORCED_EOS);
        GenerationOptions options = new GenerationOptions(4, numBeams, 1.0, 0, false);
        assertThatThrownBy(() -> generator.generate(inputs, options))
                .isInstanceOf(InferenceException.class).hasMessageContaining("NaN");
        assertThat(generator.generate(List.of(inputs.get(0)), options).get(0)).containsExactly(2, 1);
    }

    // interruption (shutdown), on a decoder that never ends a sequence
    private static final long ENDLESS_START = 0;
    private static final long ENDLESS_WORD = 1;
    private static final long ENDLESS_EOS = 2;

    /** A decoder that never ends a sequence (it always prefers ENDLESS_WORD) and counts its steps. */
    private static final class EndlessDecoder implements Seq2SeqBackend {
        final AtomicInteger steps = new AtomicInteger();
        Runnable onFirstStep = () -> { };

        @Override
        public Seq2SeqTensor encode(long[][] inputIds, long[][] attentionMask) {
            return new Seq2SeqTensor(new float[inputIds.length], new long[] {inputIds.length, 1, 1});
        }

        @Override
        public Step first(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask) {
            onFirstStep.run();
            return step(tokens.length);
        }

        @Override
        public Step next(long[] tokens, Seq2SeqTensor encoderHidden, long[][] encoderMask, List<Seq2SeqTensor> cache) {
            return step(tokens.length);
        }

        private Step step(int rows) {
            steps.incrementAndGet();
            float[][] logits = new float[rows][];
            for (int r = 0; r < rows; r++) {
                logits[r] = new float[] {0f, 5f, 1f};
            }
            return new Step(logits, List.of());
        }

        @Override
        public void close() { }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void anInterruptedGenerationStopsBeforeItsNextDecoderStep(int numBeams) {
        EndlessDecoder decoder = new EndlessDecoder();
        decoder.onFirstStep = () -> Thread.currentThread().interrupt(); // shutdown, while the first step runs
        Seq2SeqGenerator generator = new Seq2SeqGenerator(decoder,
                new Seq2SeqTokens(ENDLESS_START, Set.of(ENDLESS_EOS), ENDLESS_START, -1, -1, Set.of()));
        try {
            assertThatThrownBy(() -> generator.generate(List.of(new long[] {ENDLESS_WORD, ENDLESS_EOS}),
                    new GenerationOptions(64, numBeams, 1.0, 0, false)))
                    .isInstanceOf(InferenceException.class).hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("left set for the caller").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(decoder.steps.get()).isEqualTo(1);
    }
}
