package io.flywheel.evaluation;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Percentile bootstrap confidence intervals for a metric over examples, and for the difference
 * between a challenger and the champion scored on the same held-out rows (each resample draws the
 * same rows for both, so their shared noise cancels).
 */
public final class Bootstrap {
  private Bootstrap() {}

  /** A metric of scores against labels, such as {@link ClassificationMetrics#rocAuc}. */
  @FunctionalInterface
  public interface Metric {
    double compute(double[] scores, boolean[] labels);
  }

  /**
   * @param estimate the metric on all rows
   * @param resamples resamples that produced a value (a resample without both classes may not)
   */
  public record Interval(
      double estimate, double lower, double upper, double confidence, int resamples) {
    public boolean excludesZero() {
      return lower > 0 || upper < 0;
    }
  }

  public static Interval interval(
      double[] scores,
      boolean[] labels,
      Metric metric,
      int resamples,
      long seed,
      double confidence) {
    return difference(scores, null, labels, metric, resamples, seed, confidence);
  }

  /** The interval of metric(challenger) - metric(champion) on the same resampled rows. */
  public static Interval difference(
      double[] challenger,
      double[] champion,
      boolean[] labels,
      Metric metric,
      int resamples,
      long seed,
      double confidence) {
    ClassificationMetrics.check(challenger, labels);
    if (champion != null) {
      ClassificationMetrics.check(champion, labels);
    }
    if (resamples < 10) {
      throw new IllegalArgumentException("resamples: at least 10, got " + resamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence: must be in (0, 1), got " + confidence);
    }
    UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    int n = labels.length;
    double[] values = new double[resamples];
    int kept = 0;
    double[] a = new double[n];
    double[] b = champion == null ? null : new double[n];
    boolean[] y = new boolean[n];
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < n; i++) {
        int row = random.nextInt(n);
        a[i] = challenger[row];
        y[i] = labels[row];
        if (b != null) {
          b[i] = champion[row];
        }
      }
      double value = metric.compute(a, y) - (b == null ? 0 : metric.compute(b, y));
      if (!Double.isNaN(value)) {
        values[kept++] = value;
      }
    }
    double estimate =
        metric.compute(challenger, labels)
            - (champion == null ? 0 : metric.compute(champion, labels));
    if (kept == 0) {
      return new Interval(estimate, Double.NaN, Double.NaN, confidence, 0);
    }
    Percentile percentile = new Percentile();
    percentile.setData(values, 0, kept);
    double tail = (1 - confidence) / 2 * 100;
    return new Interval(
        estimate,
        percentile.evaluate(Math.max(tail, 1e-9)),
        percentile.evaluate(100 - tail),
        confidence,
        kept);
  }
}
