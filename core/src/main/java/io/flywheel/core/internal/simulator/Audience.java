package io.flywheel.core.internal.simulator;

import io.flywheel.core.MessageAngle;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * The audience segments copy is written for and what each weighs in a message: bargain hunters read
 * for savings, loyal shoppers for brand and quality, newcomers for trust and proof, everyone else
 * for what is new. Each world draws its own weights around these profiles, so no generator can
 * learn them once for all worlds.
 */
final class Audience {
  static final List<String> SEGMENTS = List.of("bargain", "loyal", "new", "mainstream");
  static final List<String> LOCALES = List.of("en-US", "zh-CN");
  static final int BARGAIN = 0;
  static final int LOYAL = 1;
  static final int NEW = 2;
  static final int MAINSTREAM = 3;

  // Segment profiles, in MessageAngle order: savings, quality, brand, novelty, urgency, social
  // proof, trust.
  private static final double[][] PROFILE = {
    {0.9, 0.1, -0.1, 0.1, 0.45, 0.3, 0.2},
    {0.0, 0.6, 0.8, 0.25, -0.1, 0.15, 0.25},
    {0.3, 0.2, 0.0, 0.15, -0.05, 0.55, 0.8},
    {0.3, 0.35, 0.2, 0.5, 0.1, 0.3, 0.2}
  };
  private static final double WORLD_SPREAD = 0.1;
  private static final double BARGAIN_SENSITIVITY = 1.4;
  private static final double LOYAL_LOYALTY = 0.7;
  static final long NEW_WITHIN_MS = 30L * 86_400_000L;
  // Chinese readers: many in APAC, a few everywhere.
  private static final double ZH_SHARE_APAC = 0.35;
  private static final double ZH_SHARE_ELSEWHERE = 0.02;

  private final double[][] weights;

  /** Draws this world's weights: the first draws of {@code rng}. */
  Audience(UniformRandomProvider rng) {
    ZigguratSampler.NormalizedGaussian normal = Latent.gaussian(rng);
    weights = new double[SEGMENTS.size()][MessageAngle.values().length];
    for (int s = 0; s < weights.length; s++) {
      for (int a = 0; a < weights[s].length; a++) {
        weights[s][a] = Latent.round6(PROFILE[s][a] + WORLD_SPREAD * normal.sample());
      }
    }
  }

  static int rows() {
    return SEGMENTS.size() * LOCALES.size();
  }

  /** The row of the appeal table for a segment and a locale (0: en-US, 1: zh-CN). */
  static int row(int segment, int locale) {
    return segment * LOCALES.size() + locale;
  }

  static String rowName(int row) {
    return SEGMENTS.get(row / LOCALES.size()) + "/" + LOCALES.get(row % LOCALES.size());
  }

  /** Newcomers first (they have no habits yet), then price, then loyalty. */
  static int segmentOf(
      double priceSensitivity, double loyalty, long joinedAt, long simulationStart) {
    if (joinedAt > simulationStart - NEW_WITHIN_MS) {
      return NEW;
    }
    if (priceSensitivity >= BARGAIN_SENSITIVITY) {
      return BARGAIN;
    }
    return loyalty >= LOYAL_LOYALTY ? LOYAL : MAINSTREAM;
  }

  /** 1 (zh-CN) or 0 (en-US), drawn from the shopper's region. */
  static int drawLocale(String region, UniformRandomProvider rng) {
    double share = region.equals("APAC") ? ZH_SHARE_APAC : ZH_SHARE_ELSEWHERE;
    return rng.nextDouble() < share ? 1 : 0;
  }

  double weight(int segment, MessageAngle angle) {
    return weights[segment][angle.ordinal()];
  }

  /** The mean weight of a segment: copy carrying one angle picked at random adds nothing. */
  double centre(int segment) {
    double sum = 0;
    for (double w : weights[segment]) {
      sum += w;
    }
    return sum / weights[segment].length;
  }
}
