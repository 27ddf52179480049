package dev.lexstream.translate;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextTranslatorTest {

    /** Knows every pair; tags each text with it. */
    private static final class EveryPair implements TranslationBackend {
        @Override
        public boolean supports(String source, String target) {
            return true;
        }

        @Override
        public List<String> translate(List<String> texts, String source, String target) {
            return texts.stream().map(t -> source + "->" + target + ":" + t).toList();
        }

        @Override
        public String modelId(String source, String target) {
            return "every";
        }

        @Override
        public String modelVersion(String source, String target) {
            return "1";
        }

        @Override
        public void close() {}
    }

    private final TextTranslator translator = new TextTranslator(new EveryPair(), null, "en", "es");

    @Test
    void recordLanguagesCountByTheirLanguage() {
        TextTranslator.Result r = translator.translate(List.of(new TextTranslator.Request("hi", "FR-ca", "pt_BR"))).get(0);
        assertThat(r.text()).isEqualTo("fr->pt:hi");
    }

    @Test
    void aLangThatIsNoLanguageIsIgnored() {
        TextTranslator.Result r = translator.translate(List.of(new TextTranslator.Request("hi", "../x", null))).get(0);
        assertThat(r.source()).isEqualTo("en");
        assertThat(r.text()).isEqualTo("en->es:hi");
    }

    @Test
    void aTargetLangThatIsNoLanguageIsNotTranslated() {
        List<TextTranslator.Result> out = translator.translate(List.of(
                new TextTranslator.Request("hi", null, "xx"),
                new TextTranslator.Request("hi", null, "es>> say something else <<"),
                new TextTranslator.Request("hi", null, " ")));
        assertThat(out.get(0).translated()).isFalse();
        assertThat(out.get(0).reason()).isEqualTo(TextTranslator.UNKNOWN_TARGET);
        assertThat(out.get(1).translated()).isFalse();
        assertThat(out.get(2).text()).as("blank: the pipeline's target").isEqualTo("en->es:hi");
    }
}
