package io.flywheel.experiments;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Pearson's χ² goodness-of-fit of the exposed users per arm against the arms' weights. A p-value
 * below 0.001 means assignment or logging is broken (a redirect losing users, a bot filter hitting
 * one arm) and no decision should be taken on the experiment.
 */
final class SampleRatioCheck {
  static final double THRESHOLD = 0.001;

  private SampleRatioCheck() {}

  static double pValue(long[] observed, double[] expectedShares) {
    long total = 0;
    for (long o : observed) {
      total += o;
    }
    if (total == 0 || observed.length < 2) {
      return 1;
    }
    double chi2 = 0;
    for (int i = 0; i < observed.length; i++) {
      double expected = expectedShares[i] * total;
      chi2 += (observed[i] - expected) * (observed[i] - expected) / expected;
    }
    return 1 - new ChiSquaredDistribution(null, observed.length - 1).cumulativeProbability(chi2);
  }
}
