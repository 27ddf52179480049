package dev.lexstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic synthetic news-like texts of two lengths (~20 and ~120 tokens) for benchmarks. */
final class BenchTexts {
  private static final String[] SUBJECTS = {"the election results", "the cup final", "quarterly earnings",
      "a new chip design", "the climate summit", "the transfer window", "the central bank", "a space launch"};
  private static final String[] VERBS = {"surprised", "worried", "delighted", "confused", "reassured", "divided"};
  private static final String[] WHO = {"analysts", "fans", "investors", "engineers", "voters", "officials"};

  private BenchTexts() {}

  /** One sentence of about 20 tokens. */
  static String sentence(Random random, int i) {
    return "Report " + i + ": " + SUBJECTS[random.nextInt(SUBJECTS.length)] + " "
        + VERBS[random.nextInt(VERBS.length)] + " " + WHO[random.nextInt(WHO.length)]
        + " in the capital on Tuesday, according to our correspondents.";
  }

  static List<String> make(int n, boolean longTexts, long seed) {
    Random random = new Random(seed);
    List<String> texts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (!longTexts) {
        texts.add(sentence(random, i));
      } else {
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < 6; s++) {
          text.append(sentence(random, i * 10 + s)).append(' ');
        }
        texts.add(text.toString().strip());
      }
    }
    return texts;
  }
}
