package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoding loop's behaviour around the backend, on a backend double (the search itself: {@link Seq2SeqModelTest}). */
class Seq2SeqGeneratorTest {
  private static final long START = 0;
  private static final long WORD = 1;
  private static final long EOS = 2;

  /** A decoder that never ends a sequence (it always prefers WORD) and counts its steps. */
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
    Seq2SeqGenerator generator = new Seq2SeqGenerator(decoder, new Seq2SeqTokens(START, Set.of(EOS), START, -1, -1,
        Set.of()));
    try {
      assertThatThrownBy(() -> generator.generate(List.of(new long[] {WORD, EOS}),
          new GenerationOptions(64, numBeams, 1.0, 0, false)))
          .isInstanceOf(InferenceException.class).hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).as("left set for the caller").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(decoder.steps.get()).isEqualTo(1);
  }
}
