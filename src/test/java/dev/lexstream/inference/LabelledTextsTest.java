package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledTextsTest {

    @TempDir
    Path tmp;

    static final Map<String, String> AG = Map.of("1", "World", "2", "Sports", "3", "Business", "4", "Sci/Tech");

    Path agNewsLike() throws IOException {
        // the AG News layout: label,title,description; quoted fields with commas, CRLF line ends
        return Files.writeString(tmp.resolve("news.csv"), "label,title,description\r\n"
                + "3,Fears for pension,Unions say they are 'disappointed' after talks.\r\n"
                + "4,\"Race is On: Second Team\",\"SPACE.com - TORONTO, Canada -- A second\\team of rocketeers\"\r\n"
                + "2,Final,The home side won 3-1.\r\n"
                + "1,Talks,Leaders met in Geneva.\r\n");
    }

    @Test
    void readsCsvJoiningColumnsAndMappingLabels() throws IOException {
        var rows = LabelledTexts.read(new LabelledTexts.Spec(agNewsLike(), null, List.of("title", "description"),
                "label", AG, 0, null));
        assertThat(rows).extracting(LabelledTexts.Example::label).containsExactly("Business", "Sci/Tech", "Sports", "World");
        assertThat(rows.get(1).text()).isEqualTo("Race is On: Second Team SPACE.com - TORONTO, Canada -- A second\\team of rocketeers");
        assertThat(rows).extracting(LabelledTexts.Example::row).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void skipAndLimitSelectRows() throws IOException {
        var rows = LabelledTexts.read(new LabelledTexts.Spec(agNewsLike(), "csv", List.of("title"), "label", Map.of(), 1, 2));
        assertThat(rows).extracting(LabelledTexts.Example::row).containsExactly(2L, 3L);
        assertThat(rows).extracting(LabelledTexts.Example::label).containsExactly("4", "2");
    }

    @Test
    void readsJsonlWithNumericLabels() throws IOException {
        Path f = Files.writeString(tmp.resolve("d.jsonl"), "{\"text\": \"a b\", \"label\": 1}\n\n{\"text\": \"c\", \"label\": \"x\"}\n");
        var rows = LabelledTexts.read(new LabelledTexts.Spec(f, null, List.of("text"), "label", Map.of(), 0, null));
        assertThat(rows).extracting(LabelledTexts.Example::label).containsExactly("1", "x");
        assertThat(rows).extracting(LabelledTexts.Example::text).containsExactly("a b", "c");
    }

    @Test
    void errorsNameTheFileRowAndField() throws IOException {
        Path csv = agNewsLike();
        assertThatThrownBy(() -> LabelledTexts.read(new LabelledTexts.Spec(csv, null, List.of("body"), "label", Map.of(), 0, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column 'body'").hasMessageContaining("label, title, description");
        assertThatThrownBy(() -> LabelledTexts.read(new LabelledTexts.Spec(csv, null, List.of("title"), "label",
                Map.of("1", "World"), 0, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1: label '3' is not in the label map");
        assertThatThrownBy(() -> LabelledTexts.read(new LabelledTexts.Spec(tmp.resolve("nope.csv"), null, List.of("t"),
                "label", Map.of(), 0, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not found");
        Path jsonl = Files.writeString(tmp.resolve("e.jsonl"), "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n");
        assertThatThrownBy(() -> LabelledTexts.read(new LabelledTexts.Spec(jsonl, null, List.of("text"), "label", Map.of(), 0, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 2: no field 'label'");
        assertThatThrownBy(() -> LabelledTexts.read(new LabelledTexts.Spec(tmp.resolve("x.txt"), null, List.of("t"), "l", Map.of(), 0, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give csv or jsonl");
    }
}
