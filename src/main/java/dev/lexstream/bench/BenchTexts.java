package dev.lexstream.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Deterministic synthetic news-like texts of two lengths (~20 and ~120 tokens) for benchmarks, and
 * the news topic labels their pipelines (and the tests' pipelines) classify them into.
 */
public final class BenchTexts {
  /**
   * AG News topics with the descriptions a zero-shot head embeds; config/demo.yaml and
   * config/agnews-zeroshot.yaml spell out the same ones for readers.
   */
  public static final Map<String, String> NEWS_LABELS = newsLabels();

  private static Map<String, String> newsLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("World", "International news about politics, governments, elections, war and diplomacy");
    labels.put("Sports", "Sports news about games, teams, players, matches and championships");
    labels.put("Business", "Business news about companies, stocks, markets, the economy and earnings");
    labels.put("Sci/Tech", "Technology and science news about computers, software, the internet, space and research");
    return Collections.unmodifiableMap(labels);
  }

  /** {@link #NEWS_LABELS} as a YAML flow mapping, for the {@code labels} of a classify task in a generated config. */
  public static String newsLabelsYaml() {
    return NEWS_LABELS.entrySet().stream()
        .map(e -> '"' + e.getKey() + "\": \"" + e.getValue() + '"')
        .collect(Collectors.joining(", ", "{", "}"));
  }

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
