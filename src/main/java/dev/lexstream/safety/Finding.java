package dev.lexstream.safety;

/**
 * One thing a detector found. {@code start}/{@code end} (UTF-16 indexes, end exclusive) locate it in
 * the text when it has a span; they are null for findings about a whole text (toxicity, output
 * checks).
 */
public record Finding(String category, String detector, double score, Integer start, Integer end) {
  public Finding {
    if (start != null && (end == null || end < start)) {
      throw new IllegalArgumentException("bad span " + start + ".." + end);
    }
  }

  public static Finding whole(String category, String detector, double score) {
    return new Finding(category, detector, score, null, null);
  }

  public boolean hasSpan() {
    return start != null;
  }

  public boolean overlaps(Finding other) {
    return hasSpan() && other.hasSpan() && start < other.end && other.start < end;
  }

  Finding withSpan(int newStart, int newEnd) {
    return new Finding(category, detector, score, newStart, newEnd);
  }
}
