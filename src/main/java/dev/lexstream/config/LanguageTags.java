package dev.lexstream.config;

import com.ibm.icu.util.ULocale;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Language codes as records give them ({@code lang}, {@code targetLang}): free text from the
 * input. Only the code of a known language gets through, so whatever is cached, keyed or tagged by
 * a record's language stays bounded (about 560 values) and holds nothing but a lower-case code.
 */
public final class LanguageTags {

    /**
     * ISO 639 codes ICU or the JDK know. ICU dropped a few deprecated ones the JDK still lists
     * (tl, iw, in, ...), and tl is Lingua's code for Tagalog, so both lists count.
     */
    private static final Set<String> KNOWN = known();

    private LanguageTags() {
    }

    private static Set<String> known() {
        Set<String> codes = new HashSet<>(List.of(ULocale.getISOLanguages()));
        codes.addAll(List.of(Locale.getISOLanguages()));
        return Set.copyOf(codes);
    }

    /**
     * The language of a BCP 47 tag or locale id: "pt-BR", "pt_BR", "PT" and "por" all give "pt".
     *
     * @return empty for null, blank, malformed or unknown (e.g. "xx", "english")
     */
    public static Optional<String> language(String tag) {
        if (tag == null || tag.isBlank()) {
            return Optional.empty();
        }
        // ICU also maps ISO 639-2 codes that have a two-letter code to it ("spa" -> "es")
        String language = ULocale.forLanguageTag(tag.strip().replace('_', '-')).getLanguage();
        return KNOWN.contains(language) ? Optional.of(language) : Optional.empty();
    }
}
