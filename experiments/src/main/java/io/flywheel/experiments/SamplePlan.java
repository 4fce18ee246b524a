package io.flywheel.experiments;

import org.apache.commons.math3.distribution.NormalDistribution;

/** The power calculation for a two-sided two-proportion test with equal arms. */
final class SamplePlan {
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  private SamplePlan() {}

  /** Users per arm to detect a relative lift {@code mde} on {@code baseline} at α and power. */
  static long usersPerArm(double baseline, double mde, double alpha, double power) {
    double p1 = baseline;
    double p2 = Math.min(0.999999, baseline * (1 + mde));
    double z =
        NORMAL.inverseCumulativeProbability(1 - alpha / 2)
            + NORMAL.inverseCumulativeProbability(power);
    double variance = p1 * (1 - p1) + p2 * (1 - p2);
    return (long) Math.ceil(z * z * variance / ((p2 - p1) * (p2 - p1)));
  }
}
