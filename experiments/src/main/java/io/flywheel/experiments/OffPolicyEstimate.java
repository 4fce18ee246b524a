package io.flywheel.experiments;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The value of a candidate policy estimated from logs of another one, before it goes live. Each
 * logged decision carries the logging policy's propensity for what it showed, the reward that
 * followed, the candidate policy's probability of showing the same thing, and (for doubly robust) a
 * reward model's prediction for it and its expectation under the candidate policy.
 *
 * <ul>
 *   <li>IPS: the mean of w·r with w = π / p (unbiased when p is the true propensity and never 0
 *       where π is not);
 *   <li>self-normalised IPS: Σ w·r / Σ w (a little bias, much less variance);
 *   <li>doubly robust: the reward model's value under π plus the importance-weighted residual
 *       (unbiased if either the propensities or the reward model are right).
 * </ul>
 *
 * Intervals are normal, from the per-decision terms' sample variance (for SNIPS by the delta
 * method).
 */
public record OffPolicyEstimate(
    String estimator, double value, double standardError, double low, double high, long n) {
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  /** Running sums over logged decisions; add one decision at a time, then read the estimates. */
  public static final class Accumulator {
    private long n;
    private double sumIps;
    private double sumIps2;
    private double sumW;
    private double sumW2;
    private double sumWIps;
    private double sumDr;
    private double sumDr2;

    /**
     * One logged decision.
     *
     * @param loggingPropensity p: the logging policy's probability of what it showed, in (0, 1]
     * @param targetProbability π: the candidate policy's probability of showing the same
     * @param reward r: what followed (1 for a purchase, or revenue)
     * @param predicted r̂(x, a): the reward model's prediction for what was shown
     * @param predictedUnderTarget Σ_a π(a|x) r̂(x, a): the reward model's value of π here
     */
    public void add(
        double loggingPropensity,
        double targetProbability,
        double reward,
        double predicted,
        double predictedUnderTarget) {
      if (!(loggingPropensity > 0) || loggingPropensity > 1) {
        throw new IllegalArgumentException(
            "loggingPropensity: must be in (0, 1], got " + loggingPropensity);
      }
      double w = targetProbability / loggingPropensity;
      double ips = w * reward;
      double dr = predictedUnderTarget + w * (reward - predicted);
      n++;
      sumIps += ips;
      sumIps2 += ips * ips;
      sumW += w;
      sumW2 += w * w;
      sumWIps += w * ips;
      sumDr += dr;
      sumDr2 += dr * dr;
    }

    public OffPolicyEstimate ips(double alpha) {
      return mean("ips", sumIps, sumIps2, alpha);
    }

    public OffPolicyEstimate doublyRobust(double alpha) {
      return mean("dr", sumDr, sumDr2, alpha);
    }

    /** Σ w·r / Σ w, its variance by the delta method on the two means. */
    public OffPolicyEstimate selfNormalised(double alpha) {
      if (n < 2 || sumW <= 0) {
        return new OffPolicyEstimate("snips", Double.NaN, Double.NaN, Double.NaN, Double.NaN, n);
      }
      double meanW = sumW / n;
      double value = sumIps / sumW;
      // Var of (w·r − value·w) per decision, over n, divided by mean(w)².
      double residual2 = sumIps2 - 2 * value * sumWIps + value * value * sumW2;
      double var = residual2 / (n - 1) / n / (meanW * meanW);
      return interval("snips", value, Math.sqrt(Math.max(0, var)), alpha);
    }

    private OffPolicyEstimate mean(String name, double sum, double sum2, double alpha) {
      if (n < 2) {
        return new OffPolicyEstimate(name, Double.NaN, Double.NaN, Double.NaN, Double.NaN, n);
      }
      double mean = sum / n;
      double var = Math.max(0, (sum2 - sum * sum / n) / (n - 1));
      return interval(name, mean, Math.sqrt(var / n), alpha);
    }

    private OffPolicyEstimate interval(String name, double value, double se, double alpha) {
      double z = NORMAL.inverseCumulativeProbability(1 - alpha / 2);
      return new OffPolicyEstimate(name, value, se, value - z * se, value + z * se, n);
    }
  }

  public boolean covers(double truth) {
    return low <= truth && truth <= high;
  }
}
