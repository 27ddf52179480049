package dev.lexstream.serde;

/**
 * Finds UTF-16 surrogates without their pair: a JSON {@code \ud800} escape decodes to one, and Avro's
 * UTF-8 encoder would write it as {@code ?}, silently changing the value downstream.
 */
public final class Surrogates {
  private Surrogates() {}

  /** The index of the first unpaired surrogate in {@code s}, or -1 when every surrogate is paired. */
  public static int firstUnpaired(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
