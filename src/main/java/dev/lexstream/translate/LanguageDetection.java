package dev.lexstream.translate;

import com.github.pemistahl.lingua.api.IsoCode639_1;
import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Detects the language of a text among a few candidates with
 * <a href="https://github.com/pemistahl/lingua">Lingua</a> (n-gram models, accurate on short texts;
 * only the candidates' models are loaded). Thread-safe.
 */
public final class LanguageDetection {

    private final LanguageDetector detector;

    /** @param isoCodes ISO 639-1 codes, at least two; unknown codes are rejected */
    public LanguageDetection(List<String> isoCodes) {
        IsoCode639_1[] codes = new IsoCode639_1[isoCodes.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = code(isoCodes.get(i));
        }
        this.detector = LanguageDetectorBuilder.fromIsoCodes639_1(codes).withPreloadedLanguageModels().build();
    }

    private static IsoCode639_1 code(String iso) {
        try {
            IsoCode639_1 c = IsoCode639_1.valueOf(iso.toUpperCase(Locale.ROOT));
            if (c == IsoCode639_1.NONE) {
                throw new IllegalArgumentException();
            }
            return c;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("language detection does not know '" + iso + "'", e);
        }
    }

    /** The most likely candidate (ISO 639-1), or empty when the text gives too little to decide. */
    public Optional<String> detect(String text) {
        Language l = detector.detectLanguageOf(text);
        if (l == Language.UNKNOWN) {
            return Optional.empty();
        }
        return Optional.of(l.getIsoCode639_1().toString().toLowerCase(Locale.ROOT));
    }
}
