package io.flywheel.evaluation;

/**
 * A classifier's confusion counts and rates when scores at or above {@code threshold} are called
 * positive. Precision is NaN when nothing is called positive; recall when there are no positives.
 */
public record ThresholdMetrics(
    double threshold,
    long truePositives,
    long falsePositives,
    long falseNegatives,
    double precision,
    double recall,
    double f1) {

  static ThresholdMetrics of(double threshold, long tp, long fp, long fn) {
    double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
    double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    return new ThresholdMetrics(threshold, tp, fp, fn, precision, recall, f1);
  }
}
