package dev.lexstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {
  @Test
  void accuracyMacroF1AndConfusion() {
    ClassificationReport r = new ClassificationReport(List.of("a", "b", "c"));
    // a: 3 right, 1 as b; b: 2 right; c: 1 right, 1 as a
    for (String[] gp : new String[][] {{"a", "a"}, {"a", "a"}, {"a", "a"}, {"a", "b"}, {"b", "b"}, {"b", "b"},
        {"c", "c"}, {"c", "a"}}) {
      r.add(gp[0], gp[1]);
    }
    assertThat(r.total()).isEqualTo(8);
    assertThat(r.accuracy()).isCloseTo(6 / 8.0, within(1e-12));
    assertThat(r.count("a", "b")).isEqualTo(1);
    // a: p 3/4 r 3/4 f1 .75; b: p 2/3 r 1 f1 .8; c: p 1 r .5 f1 2/3
    assertThat(r.macroF1()).isCloseTo((0.75 + 0.8 + 2 / 3.0) / 3, within(1e-12));
    assertThat(String.join("\n", r.lines())).contains("accuracy  0.7500  (6 of 8)", "macro-F1  0.7389",
        "confusion matrix (rows: true label, columns: predicted)");
    assertThatThrownBy(() -> r.add("z", "a")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'z'");
  }

  @Test
  void labelsNeverSeenDoNotDragMacroF1Down() {
    ClassificationReport r = new ClassificationReport(List.of("a", "b", "unused"));
    r.add("a", "a");
    r.add("b", "b");
    assertThat(r.macroF1()).isEqualTo(1.0);
  }
}
