package dev.lexstream.safety;

/**
 * The view of a text the phrase patterns read: every run of whitespace (any Unicode space, not
 * only RE2's ASCII {@code \s}) becomes one character, and invisible format characters (zero-width
 * spaces and joiners, soft hyphens, byte-order marks) are dropped. Without it, padding a phrase
 * with spaces pushes its words out of a trigger's window, and a no-break or zero-width space
 * between its words keeps the pattern from matching at all. {@link #originStart}/{@link
 * #originEnd} map a span of the view back to the text the finding reports on.
 */
final class SqueezedText {
  private final String text;
  /** Index in the original of each character of the view, then the original's length; null: the view is the text. */
  private final int[] origin;

  private SqueezedText(String text, int[] origin) {
    this.text = text;
    this.origin = origin;
  }

  static SqueezedText of(String original) {
    if (isSqueezed(original)) {
      return new SqueezedText(original, null); // most texts: no copy, no index map
    }
    StringBuilder out = new StringBuilder(original.length());
    int[] origin = new int[original.length() + 1];
    int run = -1; // index in out of the character standing for the current whitespace run
    for (int i = 0; i < original.length(); ) {
      int cp = original.codePointAt(i);
      int width = Character.charCount(cp);
      if (isSpace(cp)) {
        boolean newline = cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029 || cp == 0x85;
        if (run < 0) {
          run = out.length();
          origin[run] = i;
          out.append(newline ? '\n' : ' ');
        } else if (newline) {
          out.setCharAt(run, '\n'); // line-anchored patterns (chat-template markers) still see the line break
        }
      } else if (Character.getType(cp) != Character.FORMAT) {
        run = -1;
        for (int k = 0; k < width; k++) {
          origin[out.length()] = i + k;
          out.append(original.charAt(i + k));
        }
      }
      i += width;
    }
    origin[out.length()] = original.length();
    return new SqueezedText(out.toString(), origin);
  }

  /** True when the view would equal the text: single spaces and line feeds, nothing invisible. */
  private static boolean isSqueezed(String text) {
    boolean afterSpace = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 128 && c > ' ') {
        afterSpace = false;
      } else if (isSpace(c)) {
        if (afterSpace || (c != ' ' && c != '\n')) {
          return false;
        }
        afterSpace = true;
      } else if (c < 128 || Character.getType(c) == Character.FORMAT) {
        return false; // an ASCII control character, or an invisible one
      } else {
        afterSpace = false;
      }
    }
    return true;
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  String text() {
    return text;
  }

  /** Index in the original of the view's character at {@code i}. */
  int originStart(int i) {
    return origin == null ? i : origin[i];
  }

  /** Exclusive end in the original of a span of the view ending (exclusive) at {@code end > 0}. */
  int originEnd(int end) {
    if (origin == null) {
      return end;
    }
    return end == 0 ? origin[0] : origin[end - 1] + 1;
  }
}
