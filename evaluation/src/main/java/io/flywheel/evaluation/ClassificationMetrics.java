package io.flywheel.evaluation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/** Metrics of predicted probabilities against binary labels (one score per example). */
public final class ClassificationMetrics {
  private static final double EPSILON = 1e-15;
  private static final int CALIBRATION_BINS = 10;

  private ClassificationMetrics() {}

  /** Every metric of {@link ClassificationReport}. */
  public static ClassificationReport evaluate(double[] probabilities, boolean[] labels) {
    check(probabilities, labels);
    long positives = IntStream.range(0, labels.length).filter(i -> labels[i]).count();
    return new ClassificationReport(
        labels.length,
        positives,
        rocAuc(probabilities, labels),
        averagePrecision(probabilities, labels),
        logLoss(probabilities, labels),
        brier(probabilities, labels),
        expectedCalibrationError(probabilities, labels),
        atThreshold(probabilities, labels, 0.5),
        bestF1(probabilities, labels));
  }

  /** ROC AUC by the rank-sum (Mann-Whitney) formula; NaN without both classes. */
  public static double rocAuc(double[] scores, boolean[] labels) {
    check(scores, labels);
    double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(scores);
    double positiveRanks = 0;
    long positives = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i]) {
        positiveRanks += ranks[i];
        positives++;
      }
    }
    long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * Average precision: the sum over distinct score thresholds (highest first) of the recall gained
   * times the precision there. NaN without positives.
   */
  public static double averagePrecision(double[] scores, boolean[] labels) {
    check(scores, labels);
    Integer[] order = byScoreDescending(scores);
    long positives = IntStream.range(0, labels.length).filter(i -> labels[i]).count();
    if (positives == 0) {
      return Double.NaN;
    }
    double ap = 0;
    long tp = 0;
    long seen = 0;
    for (int i = 0; i < order.length; ) {
      long gained = 0;
      int j = i;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        if (labels[order[j]]) {
          gained++;
        }
        j++;
      }
      tp += gained;
      seen += j - i;
      ap += (double) gained / positives * ((double) tp / seen);
      i = j;
    }
    return ap;
  }

  public static double logLoss(double[] probabilities, boolean[] labels) {
    checkProbabilities(probabilities, labels);
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i]));
      sum -= labels[i] ? Math.log(p) : Math.log(1 - p);
    }
    return sum / labels.length;
  }

  public static double brier(double[] probabilities, boolean[] labels) {
    checkProbabilities(probabilities, labels);
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double error = probabilities[i] - (labels[i] ? 1 : 0);
      sum += error * error;
    }
    return sum / labels.length;
  }

  /** Mean |average probability - positive rate| over 10 equal-width bins, by bin size. */
  public static double expectedCalibrationError(double[] probabilities, boolean[] labels) {
    checkProbabilities(probabilities, labels);
    double[] predicted = new double[CALIBRATION_BINS];
    double[] observed = new double[CALIBRATION_BINS];
    long[] count = new long[CALIBRATION_BINS];
    for (int i = 0; i < labels.length; i++) {
      int bin = Math.min(CALIBRATION_BINS - 1, (int) (probabilities[i] * CALIBRATION_BINS));
      predicted[bin] += probabilities[i];
      observed[bin] += labels[i] ? 1 : 0;
      count[bin]++;
    }
    double error = 0;
    for (int b = 0; b < CALIBRATION_BINS; b++) {
      if (count[b] > 0) {
        error += Math.abs(predicted[b] - observed[b]) / labels.length;
      }
    }
    return error;
  }

  /** Counts and rates when scores at or above {@code threshold} are called positive. */
  public static ThresholdMetrics atThreshold(double[] scores, boolean[] labels, double threshold) {
    check(scores, labels);
    long tp = 0;
    long fp = 0;
    long fn = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean called = scores[i] >= threshold;
      if (called && labels[i]) {
        tp++;
      } else if (called) {
        fp++;
      } else if (labels[i]) {
        fn++;
      }
    }
    return ThresholdMetrics.of(threshold, tp, fp, fn);
  }

  /** The score threshold with the highest F1 (the highest such threshold on ties). */
  public static ThresholdMetrics bestF1(double[] scores, boolean[] labels) {
    check(scores, labels);
    Integer[] order = byScoreDescending(scores);
    long positives = IntStream.range(0, labels.length).filter(i -> labels[i]).count();
    ThresholdMetrics best = ThresholdMetrics.of(Double.POSITIVE_INFINITY, 0, 0, positives);
    long tp = 0;
    long fp = 0;
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        if (labels[order[j]]) {
          tp++;
        } else {
          fp++;
        }
        j++;
      }
      ThresholdMetrics here = ThresholdMetrics.of(scores[order[i]], tp, fp, positives - tp);
      if (here.f1() > best.f1()) {
        best = here;
      }
      i = j;
    }
    return best;
  }

  private static Integer[] byScoreDescending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    return order;
  }

  static void check(double[] scores, boolean[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          "scores: " + scores.length + " values for " + labels.length + " labels");
    }
    if (labels.length == 0) {
      throw new IllegalArgumentException("labels: no examples to evaluate");
    }
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("scores[" + i + "]: NaN");
      }
    }
  }

  private static void checkProbabilities(double[] probabilities, boolean[] labels) {
    check(probabilities, labels);
    for (int i = 0; i < probabilities.length; i++) {
      if (probabilities[i] < 0 || probabilities[i] > 1) {
        throw new IllegalArgumentException(
            "probabilities[" + i + "]: " + probabilities[i] + " is not in [0, 1]");
      }
    }
  }
}
