package dev.lexstream.safety;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Literal prefilters for the RE2/J patterns: a pattern only runs on the regions around
 * occurrences of its trigger words (merged where they overlap). RE2/J's automaton costs a few
 * hundred nanoseconds per character and pattern, so scanning whole texts with every pattern is
 * what made the guard slow; {@link String#indexOf} finds triggers at memory speed. The worst case
 * (triggers everywhere) is one pass of the pattern over the text: still linear.
 */
final class Windows {
  private Windows() {}

  /** {@code text} lower-cased char by char, so indexes stay those of {@code text}. */
  static String lower(String text) {
    char[] c = text.toCharArray();
    for (int i = 0; i < c.length; i++) {
      c[i] = Character.toLowerCase(c[i]);
    }
    return new String(c);
  }

  /** Merged [start, end) regions of {@code lower} within {@code before}/{@code after} chars of a trigger. */
  static List<int[]> around(String lower, List<String> triggers, int before, int after) {
    List<int[]> hits = new ArrayList<>();
    for (String t : triggers) {
      int from = 0;
      int covered = -1;
      int i;
      while ((i = lower.indexOf(t, from)) >= 0) {
        int s = Math.max(0, i - before);
        int e = Math.min(lower.length(), i + t.length() + after);
        if (s <= covered) {
          hits.get(hits.size() - 1)[1] = Math.max(hits.get(hits.size() - 1)[1], e);
        } else {
          hits.add(new int[] {s, e});
        }
        covered = e;
        from = i + 1;
      }
    }
    if (hits.size() < 2) {
      return hits;
    }
    hits.sort((a, b) -> Integer.compare(a[0], b[0]));
    List<int[]> merged = new ArrayList<>();
    int[] cur = hits.get(0);
    for (int k = 1; k < hits.size(); k++) {
      int[] h = hits.get(k);
      if (h[0] <= cur[1]) {
        cur[1] = Math.max(cur[1], h[1]);
      } else {
        merged.add(cur);
        cur = h;
      }
    }
    merged.add(cur);
    return merged;
  }

  /** Match spans ([start, end, group1 start, group1 end] in {@code text}) of {@code pattern} inside the regions. */
  static List<int[]> find(Pattern pattern, String text, List<int[]> regions, int group) {
    List<int[]> out = new ArrayList<>();
    for (int[] r : regions) {
      Matcher m = pattern.matcher(text.substring(r[0], r[1]));
      while (m.find()) {
        int gs = group > 0 && m.start(group) >= 0 ? m.start(group) + r[0] : -1;
        int ge = group > 0 && m.end(group) >= 0 ? m.end(group) + r[0] : -1;
        out.add(new int[] {m.start() + r[0], m.end() + r[0], gs, ge});
      }
    }
    return out;
  }
}
