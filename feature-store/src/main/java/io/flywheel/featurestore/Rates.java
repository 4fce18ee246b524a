package io.flywheel.featurestore;

/** Rate arithmetic shared by every view, so online and offline values agree to the bit. */
public final class Rates {
  private Rates() {}

  /** Bayesian-smoothed rate: {@code strength} pseudo-trials at {@code prior}. */
  public static double smoothed(long successes, long trials, double prior, double strength) {
    return (successes + prior * strength) / (trials + strength);
  }

  /** Weight decayed by half every {@code halfLifeMillis}. */
  public static double decay(double weight, long elapsedMillis, long halfLifeMillis) {
    return elapsedMillis <= 0
        ? weight
        : weight * Math.pow(0.5, (double) elapsedMillis / halfLifeMillis);
  }
}
