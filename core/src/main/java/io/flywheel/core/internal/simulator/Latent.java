package io.flywheel.core.internal.simulator;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/** Small numeric helpers for drawing latent values. */
final class Latent {
  private Latent() {}

  /** Latent values are rounded when drawn, so what truth.jsonl says is exactly what was used. */
  static double round6(double value) {
    return Math.round(value * 1e6) / 1e6;
  }

  static double round9(double value) {
    return Math.round(value * 1e9) / 1e9;
  }

  static double sigmoid(double logit) {
    return 1.0 / (1.0 + Math.exp(-logit));
  }

  static ZigguratSampler.NormalizedGaussian gaussian(UniformRandomProvider rng) {
    return ZigguratSampler.NormalizedGaussian.of(rng);
  }

  /** Uniform long in [from, to). */
  static long between(UniformRandomProvider rng, long from, long to) {
    return from + rng.nextLong(to - from);
  }

  static <T> T pick(UniformRandomProvider rng, T[] options) {
    return options[rng.nextInt(options.length)];
  }

  /** Index drawn from fixed weights (small arrays only). */
  static int pickWeighted(UniformRandomProvider rng, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double target = rng.nextDouble() * total;
    for (int i = 0; i < weights.length - 1; i++) {
      target -= weights[i];
      if (target < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
