package io.flywheel.experiments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;

/**
 * Thompson sampling over copy variants, one Beta posterior per (slot, segment, variant): each
 * decision draws a conversion rate from every variant's posterior and shows the best draw; with
 * probability {@code floor} it shows a uniformly random variant instead, so every variant keeps
 * being measured. The propensity logged with each decision is the probability this procedure gave
 * the variant shown (estimated from the same posterior draws), which off-policy estimates need.
 */
public final class CopyBandit {
  /** One decision: the variant shown and the probability the procedure gave it. */
  public record Choice(String variant, double propensity) {}

  private final int draws;
  private final double floor;
  private final Map<String, double[]> posteriors = new HashMap<>();

  /**
   * {@code floor}: the share of decisions explored uniformly, in [0, 1); {@code draws}: posterior
   * draws per decision that estimate the propensity (200 is within a few percent; 1 decides without
   * estimating it).
   */
  public CopyBandit(double floor, int draws) {
    if (floor < 0 || floor >= 1) {
      throw new IllegalArgumentException("floor: in [0, 1), got " + floor);
    }
    if (draws < 1) {
      throw new IllegalArgumentException("draws: at least 1, got " + draws);
    }
    this.floor = floor;
    this.draws = draws;
  }

  public synchronized Choice choose(
      String context, List<String> variants, UniformRandomProvider rng) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("variants: at least one");
    }
    int k = variants.size();
    int chosen = best(context, variants, rng);
    if (rng.nextDouble() < floor) {
      chosen = rng.nextInt(k);
    }
    if (draws == 1) {
      return new Choice(variants.get(chosen), Double.NaN);
    }
    // Further draws, independent of the one that decided, estimate how often this procedure
    // shows the chosen variant (its own draw would bias the estimate towards it).
    int wins = 0;
    for (int d = 1; d < draws; d++) {
      wins += best(context, variants, rng) == chosen ? 1 : 0;
    }
    double share = Math.max(wins, 0.5) / (draws - 1);
    double propensity = floor / k + (1 - floor) * share;
    return new Choice(variants.get(chosen), Math.min(1, propensity));
  }

  private int best(String context, List<String> variants, UniformRandomProvider rng) {
    int best = 0;
    double bestDraw = -1;
    for (int i = 0; i < variants.size(); i++) {
      double[] ab = posterior(context, variants.get(i));
      double draw = ChengBetaSampler.of(rng, ab[0], ab[1]).sample();
      if (draw > bestDraw) {
        bestDraw = draw;
        best = i;
      }
    }
    return best;
  }

  /** What followed a decision: a conversion (1) or not (0). */
  public synchronized void reward(String context, String variant, boolean converted) {
    double[] ab = posterior(context, variant);
    if (converted) {
      ab[0]++;
    } else {
      ab[1]++;
    }
  }

  /** The posterior mean conversion rate of a variant in a context. */
  public synchronized double mean(String context, String variant) {
    double[] ab = posterior(context, variant);
    return ab[0] / (ab[0] + ab[1]);
  }

  private double[] posterior(String context, String variant) {
    return posteriors.computeIfAbsent(context + "\u0000" + variant, k -> new double[] {1, 1});
  }
}
