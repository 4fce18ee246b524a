package io.flywheel.experiments;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Corrections for many comparisons (metrics × arms) read off one experiment. */
final class MultipleTesting {
  private MultipleTesting() {}

  /** Holm's step-down adjusted p-values (controls the family-wise error rate). */
  static double[] holm(double[] p) {
    Integer[] order = IntStream.range(0, p.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] adjusted = new double[p.length];
    double running = 0;
    for (int rank = 0; rank < p.length; rank++) {
      int i = order[rank];
      running = Math.max(running, Math.min(1, (p.length - rank) * p[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }

  /** Benjamini–Hochberg adjusted p-values (q-values; controls the false discovery rate). */
  static double[] benjaminiHochberg(double[] p) {
    Integer[] order = IntStream.range(0, p.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] adjusted = new double[p.length];
    double running = 1;
    for (int rank = p.length - 1; rank >= 0; rank--) {
      int i = order[rank];
      running = Math.min(running, Math.min(1, p[i] * p.length / (rank + 1)));
      adjusted[i] = running;
    }
    return adjusted;
  }
}
