package io.flywheel.experiments;

/**
 * The mixture sequential probability ratio test (mSPRT) with a normal mixture over the effect, for
 * a difference estimated with variance V: the likelihood ratio Λ = √(V / (V + τ²)) · exp(τ² Δ² / (2
 * V (V + τ²))). Its inverse is an always-valid p-value: looking after every day (or every user) and
 * stopping the first time it falls below α keeps the false-positive rate at most α. The matching
 * confidence sequence is Δ ± √((V (V + τ²) / τ²) · (ln((V + τ²) / V) + 2 ln(1 / α))). {@code tau}
 * is the scale of effects expected (the plan's minimum detectable difference).
 */
final class SequentialTest {
  private SequentialTest() {}

  /** The always-valid p-value at this look (take the running minimum over looks). */
  static double pValue(double difference, double standardError, double tau) {
    double v = standardError * standardError;
    if (v <= 0 || tau <= 0) {
      return difference == 0 ? 1 : 0;
    }
    double t2 = tau * tau;
    double logLambda =
        0.5 * Math.log(v / (v + t2)) + t2 * difference * difference / (2 * v * (v + t2));
    return Math.min(1, Math.exp(-logLambda));
  }

  /** The (1 − α) confidence sequence of the difference at this look. */
  static double[] interval(double difference, double standardError, double tau, double alpha) {
    double v = standardError * standardError;
    double t2 = tau * tau;
    if (v <= 0 || t2 <= 0) {
      return new double[] {difference, difference};
    }
    double radius =
        Math.sqrt((v * (v + t2) / t2) * (Math.log((v + t2) / v) + 2 * Math.log(1 / alpha)));
    return new double[] {difference - radius, difference + radius};
  }
}
