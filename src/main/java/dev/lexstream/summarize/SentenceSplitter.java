package dev.lexstream.summarize;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.FilteredBreakIteratorBuilder;
import com.ibm.icu.util.ULocale;
import dev.lexstream.config.LanguageTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Splits text into sentences with ICU4J's sentence break rules (Unicode UAX #29) plus ICU's
 * abbreviation suppressions ({@code ss=standard}: "Mr.", "Dr.", "e.g." and so on do not end a
 * sentence). Decimals ("3.5"), closing quotes and brackets after the full stop ("...end." Then)
 * and line breaks (a hard break) follow those rules. English adds titles and month abbreviations
 * that ICU's list lacks ("Dr.", "Prof.", "Gen.", "Jan.", ...). Thread-safe.
 */
public final class SentenceSplitter {

    /** One sentence: its text without surrounding white space, and where it lies in the input. */
    public record Sentence(String text, int start, int end) {}

    /** Abbreviations after which an English sentence does not end (ICU's own list has Mr., Mrs., e.g., ...). */
    static final List<String> EXTRA_ENGLISH_ABBREVIATIONS = List.of(
            "Dr.", "Prof.", "St.", "Mt.", "Ft.", "Gen.", "Gov.", "Sen.", "Rep.", "Rev.", "Lt.", "Col.", "Maj.", "Capt.",
            "Sgt.", "Cpl.", "Adm.", "Cmdr.", "Pres.", "Supt.", "Det.", "Insp.", "Hon.", "Messrs.", "Mmes.", "Jr.", "Sr.",
            "vs.", "No.", "Nos.", "Vol.", "Fig.", "approx.", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.",
            "Sep.", "Sept.", "Oct.", "Nov.", "Dec.");

    /** Rules for a text whose {@code lang} is missing or not a known language code. */
    static final String DEFAULT_LANGUAGE = "en";

    /** By language code only: {@code lang} is free text from the record, and each entry holds ~24 KB. */
    private final Map<String, BreakIterator> prototypes = new ConcurrentHashMap<>();

    private static BreakIterator create(String language) {
        ULocale locale = new ULocale(language + "@ss=standard");
        if (!language.equals("en")) {
            return BreakIterator.getSentenceInstance(locale);
        }
        FilteredBreakIteratorBuilder builder = FilteredBreakIteratorBuilder.getInstance(locale);
        EXTRA_ENGLISH_ABBREVIATIONS.forEach(builder::suppressBreakAfter);
        return builder.wrapIteratorWithFilter(BreakIterator.getSentenceInstance(locale));
    }

    /**
     * Sentences of {@code text} in order; blank pieces are dropped. {@code lang}: a language tag
     * ("en", "pt-BR"), of which the language counts; null or not a known language: English.
     */
    public List<Sentence> split(String text, String lang) {
        String language = LanguageTags.language(lang).orElse(DEFAULT_LANGUAGE);
        BreakIterator it = (BreakIterator) prototypes.computeIfAbsent(language, SentenceSplitter::create).clone();
        it.setText(text);
        List<Sentence> out = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            int s = start;
            int e = end;
            while (s < e && Character.isWhitespace(text.charAt(s))) {
                s++;
            }
            while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
                e--;
            }
            if (s < e) {
                out.add(new Sentence(text.substring(s, e), s, e));
            }
        }
        return out;
    }

    /** How many languages have rules cached. */
    int cachedLanguages() {
        return prototypes.size();
    }

    /** Sentence texts only. */
    public List<String> sentences(String text, String lang) {
        return split(text, lang).stream().map(Sentence::text).toList();
    }
}
