package dev.lexstream.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** Accuracy, per-label precision/recall/F1, macro-F1 and the confusion matrix of one evaluation. */
final class ClassificationReport {
  private final List<String> labels;
  private final long[][] confusion; // [true][predicted]
  private long total;
  private long correct;

  /** @param labels the classifier's labels; gold labels outside them are refused by {@link #add} */
  ClassificationReport(List<String> labels) {
    this.labels = List.copyOf(new LinkedHashSet<>(labels));
    this.confusion = new long[this.labels.size()][this.labels.size()];
  }

  void add(String gold, String predicted) {
    int g = labels.indexOf(gold);
    int p = labels.indexOf(predicted);
    if (g < 0) {
      throw new IllegalArgumentException("label '" + gold + "' is not one of the task's labels " + labels);
    }
    if (p < 0) {
      throw new IllegalStateException("prediction '" + predicted + "' is not one of " + labels);
    }
    confusion[g][p]++;
    total++;
    if (g == p) {
      correct++;
    }
  }

  long total() {
    return total;
  }

  double accuracy() {
    return total == 0 ? 0 : (double) correct / total;
  }

  double precision(int i) {
    long predicted = 0;
    for (long[] row : confusion) {
      predicted += row[i];
    }
    return predicted == 0 ? 0 : (double) confusion[i][i] / predicted;
  }

  double recall(int i) {
    long support = support(i);
    return support == 0 ? 0 : (double) confusion[i][i] / support;
  }

  long support(int i) {
    long s = 0;
    for (long v : confusion[i]) {
      s += v;
    }
    return s;
  }

  double f1(int i) {
    double p = precision(i);
    double r = recall(i);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** Mean F1 over the labels that occur in the data or in the predictions. */
  double macroF1() {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < labels.size(); i++) {
      long predicted = 0;
      for (long[] row : confusion) {
        predicted += row[i];
      }
      if (support(i) > 0 || predicted > 0) {
        sum += f1(i);
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  long count(String gold, String predicted) {
    return confusion[labels.indexOf(gold)][labels.indexOf(predicted)];
  }

  List<String> lines() {
    List<String> out = new ArrayList<>();
    int w = Math.max(8, labels.stream().mapToInt(String::length).max().orElse(0));
    out.add(String.format(Locale.ROOT, "accuracy  %.4f  (%d of %d)", accuracy(), correct, total));
    out.add(String.format(Locale.ROOT, "macro-F1  %.4f", macroF1()));
    out.add("");
    out.add(String.format(Locale.ROOT, "%-" + w + "s  %9s  %6s  %6s  %7s", "label", "precision", "recall", "f1", "support"));
    for (int i = 0; i < labels.size(); i++) {
      out.add(String.format(Locale.ROOT, "%-" + w + "s  %9.4f  %6.4f  %6.4f  %7d", labels.get(i), precision(i), recall(i),
          f1(i), support(i)));
    }
    out.add("");
    out.add("confusion matrix (rows: true label, columns: predicted)");
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", ""));
    for (String l : labels) {
      header.append(String.format(Locale.ROOT, "  %" + w + "s", l));
    }
    out.add(header.toString());
    for (int g = 0; g < labels.size(); g++) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", labels.get(g)));
      for (int p = 0; p < labels.size(); p++) {
        row.append(String.format(Locale.ROOT, "  %" + w + "d", confusion[g][p]));
      }
      out.add(row.toString());
    }
    return out;
  }
}
