package io.flywheel.evaluation;

import java.util.Arrays;

/**
 * Population stability index (PSI) of a feature: how far its distribution in a current window has
 * moved from a reference window (the model's training data). Bins are the reference's quantiles
 * (equal cut points merged, so a feature that is mostly zero gets one bin for zero), plus one bin
 * for missing values; empty shares are floored so the index stays finite. Common reading: below 0.1
 * stable, 0.1–0.25 moderate shift, above 0.25 major shift.
 */
public final class DistributionDrift {
  /** Share given to an empty bin, so log(0) never happens. */
  static final double FLOOR = 1e-4;

  private DistributionDrift() {}

  /** The index and what it was computed over. */
  public record Psi(double value, int bins, int referenceCount, int currentCount) {}

  /**
   * PSI of {@code current} against {@code reference} with up to {@code quantiles} quantile bins
   * (NaN marks a missing value).
   */
  public static Psi psi(double[] reference, double[] current, int quantiles) {
    if (quantiles < 2) {
      throw new IllegalArgumentException("quantiles: at least 2, got " + quantiles);
    }
    if (reference.length == 0 || current.length == 0) {
      throw new IllegalArgumentException(
          "psi: needs values in both windows (reference "
              + reference.length
              + ", current "
              + current.length
              + ")");
    }
    double[] cuts = cutPoints(reference, quantiles);
    double[] ref = shares(reference, cuts);
    double[] cur = shares(current, cuts);
    double psi = 0;
    for (int i = 0; i < ref.length; i++) {
      double r = Math.max(ref[i], FLOOR);
      double c = Math.max(cur[i], FLOOR);
      psi += (c - r) * Math.log(c / r);
    }
    return new Psi(psi, cuts.length + 2, reference.length, current.length);
  }

  /** Distinct upper bounds of the reference's quantile bins (the last bin is open). */
  static double[] cutPoints(double[] reference, int quantiles) {
    double[] present = Arrays.stream(reference).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (present.length == 0) {
      return new double[0];
    }
    double[] cuts = new double[quantiles - 1];
    for (int q = 1; q < quantiles; q++) {
      int index = (int) Math.ceil(q * present.length / (double) quantiles) - 1;
      cuts[q - 1] = present[Math.max(0, Math.min(present.length - 1, index))];
    }
    return Arrays.stream(cuts).distinct().toArray();
  }

  /** Shares per bin: value ≤ cut i → bin i; above every cut → the open bin; NaN → the last. */
  private static double[] shares(double[] values, double[] cuts) {
    double[] counts = new double[cuts.length + 2];
    for (double v : values) {
      if (Double.isNaN(v)) {
        counts[cuts.length + 1]++;
        continue;
      }
      int bin = Arrays.binarySearch(cuts, v);
      counts[bin >= 0 ? bin : -bin - 1]++;
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] /= values.length;
    }
    return counts;
  }
}
