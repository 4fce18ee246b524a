package io.flywheel.experiments;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * An arm against the control on one metric: both values, the difference with its standard error and
 * degrees of freedom (Welch–Satterthwaite; infinite for a z statistic), and the relative lift with
 * its standard error by the delta method.
 */
record Estimate(
    double control,
    double arm,
    double controlSe,
    double armSe,
    double difference,
    double standardError,
    double degreesOfFreedom,
    double pooledStandardError) {
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  /** Welch's comparison of the mean of y. */
  static Estimate means(Moments c, Moments a) {
    return welch(c.meanY(), c.varY(), c.n(), a.meanY(), a.varY(), a.n());
  }

  /**
   * Two proportions (y is 0 or 1): the unpooled standard error for the interval, the pooled one
   * (under no difference) for the test, as the two-proportion z-test does.
   */
  static Estimate proportions(Moments c, Moments a) {
    double pc = c.meanY();
    double pa = a.meanY();
    double sc = Math.sqrt(pc * (1 - pc) / c.n());
    double sa = Math.sqrt(pa * (1 - pa) / a.n());
    double pooled = (c.sy() + a.sy()) / (c.n() + a.n());
    double pooledSe = Math.sqrt(pooled * (1 - pooled) * (1.0 / c.n() + 1.0 / a.n()));
    return new Estimate(
        pc, pa, sc, sa, pa - pc, Math.hypot(sc, sa), Double.POSITIVE_INFINITY, pooledSe);
  }

  /**
   * CUPED: y − θ(x − x̄) with θ = cov(x, y) / var(x) over both arms together, so the adjustment
   * cannot favour either arm; then Welch on the adjusted values. Returns the unadjusted comparison
   * when x carries nothing (no variance).
   */
  static Estimate cuped(Moments c, Moments a) {
    Moments all = c.plus(a);
    double varX = all.varX();
    if (varX <= 0) {
      return means(c, a);
    }
    double theta = all.covXY() / varX;
    double xBar = all.meanX();
    return welch(
        c.meanY() - theta * (c.meanX() - xBar),
        adjustedVariance(c, theta),
        c.n(),
        a.meanY() - theta * (a.meanX() - xBar),
        adjustedVariance(a, theta),
        a.n());
  }

  /** The ratio Σy / Σx per arm (e.g. clicks per impression), its variance by the delta method. */
  static Estimate ratio(Moments c, Moments a) {
    double rc = c.sy() / c.sx();
    double ra = a.sy() / a.sx();
    double sc = Math.sqrt(ratioVariance(c, rc));
    double sa = Math.sqrt(ratioVariance(a, ra));
    double se = Math.hypot(sc, sa);
    return new Estimate(rc, ra, sc, sa, ra - rc, se, Double.POSITIVE_INFINITY, se);
  }

  private static double ratioVariance(Moments m, double r) {
    double mx = m.meanX();
    return (m.varY() - 2 * r * m.covXY() + r * r * m.varX()) / (m.n() * mx * mx);
  }

  private static double adjustedVariance(Moments m, double theta) {
    return Math.max(0, m.varY() - 2 * theta * m.covXY() + theta * theta * m.varX());
  }

  private static Estimate welch(double mc, double vc, long nc, double ma, double va, long na) {
    double qc = vc / nc;
    double qa = va / na;
    double se = Math.sqrt(qc + qa);
    double df =
        (qc + qa)
            * (qc + qa)
            / ((nc > 1 ? qc * qc / (nc - 1) : 0) + (na > 1 ? qa * qa / (na - 1) : 0));
    return new Estimate(
        mc, ma, Math.sqrt(qc), Math.sqrt(qa), ma - mc, se, Double.isFinite(df) ? df : 1, se);
  }

  /** Two-sided p-value of no difference. */
  double pValue() {
    if (pooledStandardError <= 0) {
      return difference == 0 ? 1 : 0;
    }
    double z = Math.abs(difference / pooledStandardError);
    if (Double.isInfinite(degreesOfFreedom) || degreesOfFreedom > 1e6) {
      return 2 * (1 - NORMAL.cumulativeProbability(z));
    }
    return 2
        * (1 - new TDistribution(null, Math.max(1, degreesOfFreedom)).cumulativeProbability(z));
  }

  /** The (1 − α) interval of the difference. */
  double[] interval(double alpha) {
    double q = quantile(1 - alpha / 2);
    return new double[] {difference - q * standardError, difference + q * standardError};
  }

  /** Relative lift arm / control − 1. */
  double lift() {
    return control == 0 ? Double.NaN : arm / control - 1;
  }

  /**
   * The (1 − α) interval of the relative lift: by the delta method on log(arm / control), so the
   * interval is asymmetric as a ratio's is and agrees with the test of the difference (on the
   * linear scale, Var(a/c) ≈ Var(a)/c² + a² Var(c)/c⁴, small arms gave intervals that excluded 0
   * while the test did not reject); linear when either value is not positive.
   */
  double[] liftInterval(double alpha) {
    if (control == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double q = quantile(1 - alpha / 2);
    if (control > 0 && arm > 0) {
      double se =
          Math.sqrt(armSe * armSe / (arm * arm) + controlSe * controlSe / (control * control));
      double log = Math.log(arm / control);
      return new double[] {Math.exp(log - q * se) - 1, Math.exp(log + q * se) - 1};
    }
    double var =
        armSe * armSe / (control * control)
            + arm * arm * controlSe * controlSe / (control * control * control * control);
    return new double[] {lift() - q * Math.sqrt(var), lift() + q * Math.sqrt(var)};
  }

  /** Bayesian (normal approximation of the difference, flat prior): P(arm beats control). */
  double chanceToBeatControl() {
    return standardError <= 0
        ? (difference > 0 ? 1 : difference < 0 ? 0 : 0.5)
        : NORMAL.cumulativeProbability(difference / standardError);
  }

  /** The expected loss of shipping the arm, E[max(control − arm, 0)], in the metric's units. */
  double expectedLoss() {
    if (standardError <= 0) {
      return Math.max(0, -difference);
    }
    double z = difference / standardError;
    return standardError * NORMAL.density(z) - difference * NORMAL.cumulativeProbability(-z);
  }

  private double quantile(double p) {
    if (Double.isInfinite(degreesOfFreedom) || degreesOfFreedom > 1e6) {
      return NORMAL.inverseCumulativeProbability(p);
    }
    return new TDistribution(null, Math.max(1, degreesOfFreedom)).inverseCumulativeProbability(p);
  }
}
