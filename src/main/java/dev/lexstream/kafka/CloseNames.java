// Picks the names close to a mistyped one, for "did you mean" hints.
package dev.lexstream.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;

final class CloseNames {

    private CloseNames() {
    }

    /**
     * Up to {@code max} of {@code candidates} within a few edits of {@code name} (two, or a quarter of its
     * length for longer names), closest first.
     */
    static List<String> closest(String name, Collection<String> candidates, int max) {
        int limit = Math.max(2, name.length() / 4);
        return candidates.stream()
                .filter(c -> !c.equals(name))
                .map(c -> Map.entry(c, distance(name, c)))
                .filter(e -> e.getValue() <= limit)
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(max)
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * Edits between two names: insertions, deletions, substitutions, and swaps of two neighbours (the
     * commonest typo, one edit rather than two; optimal string alignment distance).
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
