package dev.lexstream.summarize;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SentenceSplitterTest {

    private final SentenceSplitter splitter = new SentenceSplitter();

    @Test
    void keepsAbbreviationsDecimalsAndQuotesTogether() {
        String text = "Mr. Smith paid $3.50 for the tea, e.g. at 9 a.m. on Monday. "
                + "\"It was worth it.\" He left at 10.30 on Friday. Dr. Jones (a friend) disagreed! Did she? Yes.";
        assertThat(splitter.sentences(text, "en")).containsExactly(
                "Mr. Smith paid $3.50 for the tea, e.g. at 9 a.m. on Monday.",
                "\"It was worth it.\"",
                "He left at 10.30 on Friday.",
                "Dr. Jones (a friend) disagreed!",
                "Did she?",
                "Yes.");
    }

    @Test
    void lineBreaksEndSentencesAndOffsetsPointIntoTheText() {
        String text = "  A headline without a stop\nThe body starts here. It ends here.  ";
        var sentences = splitter.split(text, null);
        assertThat(sentences).extracting(SentenceSplitter.Sentence::text)
                .containsExactly("A headline without a stop", "The body starts here.", "It ends here.");
        for (var s : sentences) {
            assertThat(text.substring(s.start(), s.end())).isEqualTo(s.text());
        }
        assertThat(splitter.split("   ", "en")).isEmpty();
    }

    @Test
    void titlesAndMonthsDoNotEndSentences() {
        assertThat(splitter.sentences("Prof. Smith met Gen. Lee on Jan. 5 at St. Mary's. They talked.", "en"))
                .containsExactly("Prof. Smith met Gen. Lee on Jan. 5 at St. Mary's.", "They talked.");
    }

    @Test
    void otherLanguages() {
        assertThat(splitter.sentences("Sr. García llegó a las 9. ¿Vino solo? Sí.", "es"))
                .containsExactly("Sr. García llegó a las 9.", "¿Vino solo?", "Sí.");
    }

    @Test
    void cachesRulesPerLanguageNotPerLangValue() {
        // lang is free text from the record: distinct values must not each keep a break iterator
        for (int i = 0; i < 2_000; i++) {
            splitter.split("One. Two.", "lang-" + i);
            splitter.split("One. Two.", "en-x-" + i);
            splitter.split("One. Two.", "zz" + i);
        }
        splitter.split("One. Two.", "ES");
        splitter.split("One. Two.", "es-419");
        splitter.split("One. Two.", "spa");
        assertThat(splitter.cachedLanguages()).isEqualTo(2);
    }

    @Test
    void aRegionOrCaseVariantGetsItsLanguagesRules() {
        String text = "Dr. Jones met Prof. Smith. They talked.";
        List<String> english = List.of("Dr. Jones met Prof. Smith.", "They talked.");
        assertThat(splitter.sentences(text, "en-US")).isEqualTo(english);
        assertThat(splitter.sentences(text, "EN_gb")).isEqualTo(english);
    }

    @Test
    void anUnknownLangFallsBackToEnglish() {
        String text = "Dr. Jones met Prof. Smith. They talked.";
        assertThat(splitter.sentences(text, "klingon?")).isEqualTo(splitter.sentences(text, null))
                .containsExactly("Dr. Jones met Prof. Smith.", "They talked.");
    }
}
