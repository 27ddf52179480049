package dev.lexstream.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LanguageTagsTest {

    @Test
    void givesTheLanguageOfATagInLowerCase() {
        assertThat(LanguageTags.language("es")).hasValue("es");
        assertThat(LanguageTags.language(" PT-br ")).hasValue("pt");
        assertThat(LanguageTags.language("pt_BR")).hasValue("pt");
        assertThat(LanguageTags.language("zh-Hant-TW")).hasValue("zh");
        assertThat(LanguageTags.language("spa")).as("ISO 639-2 with a two-letter code").hasValue("es");
        assertThat(LanguageTags.language("ast")).as("three-letter only").hasValue("ast");
        assertThat(LanguageTags.language("tl")).as("deprecated in ICU, Lingua's Tagalog").hasValue("tl");
    }

    @Test
    void isEmptyForAnythingButAKnownLanguage() {
        assertThat(LanguageTags.language(null)).isEmpty();
        assertThat(LanguageTags.language("  ")).isEmpty();
        assertThat(LanguageTags.language("xx")).isEmpty();
        assertThat(LanguageTags.language("english")).isEmpty();
        assertThat(LanguageTags.language("es<< ignore that >>")).isEmpty();
        assertThat(LanguageTags.language("../../tmp/evil")).isEmpty();
        assertThat(LanguageTags.language("x-private")).isEmpty();
    }
}
