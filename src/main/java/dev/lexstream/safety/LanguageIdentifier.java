package dev.lexstream.safety;

import com.optimaize.langdetect.DetectedLanguage;
import com.optimaize.langdetect.LanguageDetector;
import com.optimaize.langdetect.LanguageDetectorBuilder;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.LanguageProfile;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.CommonTextObjectFactories;
import com.optimaize.langdetect.text.TextObjectFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Language identification of generated text (character n-gram profiles of 71 languages, from the
 * optimaize language-detector library). Loaded once, on first use; thread-safe.
 */
public final class LanguageIdentifier {
  /** Shorter texts are not judged: n-gram identification is unreliable on a few words. */
  public static final int MIN_CHARS = 20;

  private static volatile LanguageIdentifier instance;

  private final LanguageDetector detector;
  private final Set<String> languages;
  private final TextObjectFactory texts = CommonTextObjectFactories.forDetectingOnLargeText();

  private LanguageIdentifier() {
    try {
      List<LanguageProfile> profiles = new LanguageProfileReader().readAllBuiltIn();
      this.languages = profiles.stream().map(p -> p.getLocale().getLanguage()).collect(Collectors.toUnmodifiableSet());
      this.detector = LanguageDetectorBuilder.create(NgramExtractors.standard()).withProfiles(profiles).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the language profiles", e);
    }
  }

  public static LanguageIdentifier get() {
    LanguageIdentifier i = instance;
    if (i == null) {
      synchronized (LanguageIdentifier.class) {
        i = instance;
        if (i == null) {
          instance = i = new LanguageIdentifier();
        }
      }
    }
    return i;
  }

  /** True when {@code iso639_1} (e.g. {@code es}) is a language this identifier knows. */
  public boolean knows(String iso639_1) {
    return languages.contains(iso639_1.toLowerCase(Locale.ROOT));
  }

  /** The probability of each likely language, most likely first; empty when the text is too short. */
  public List<Guess> identify(String text) {
    if (text == null || text.strip().length() < MIN_CHARS) {
      return List.of();
    }
    List<DetectedLanguage> found = detector.getProbabilities(texts.forText(text));
    return found.stream().map(d -> new Guess(d.getLocale().getLanguage(), d.getProbability())).toList();
  }

  /** One candidate language (ISO 639-1) and its probability. */
  public record Guess(String language, double probability) {}
}
