package io.flywheel.experiments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;

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
    // One sampler per variant for the whole decision: its posterior is looked up once, not once
    // per draw (a decision takes up to `draws` draws of every variant).
    ContinuousSampler[] samplers = new ContinuousSampler[k];
    for (int i = 0; i < k; i++) {
      double[] ab = posterior(context, variants.get(i));
      samplers[i] = ChengBetaSampler.of(rng, ab[0], ab[1]);
    }
    int chosen = best(samplers);
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
      wins += best(samplers) == chosen ? 1 : 0;
    }
    double share = Math.max(wins, 0.5) / (draws - 1);
    double propensity = floor / k + (1 - floor) * share;
    return new Choice(variants.get(chosen), Math.min(1, propensity));
  }

  /** The variant whose posterior draw is highest this time. */
  private static int best(ContinuousSampler[] samplers) {
    int best = 0;
    double bestDraw = -1;
    for (int i = 0; i < samplers.length; i++) {
      double draw = samplers[i].sample();
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

  /**
   * A decision was shown: one more trial, counted as a failure until {@link #converted} says
   * otherwise (feedback arrives after the decision, sometimes never).
   */
  public synchronized void shown(String context, String variant) {
    posterior(context, variant)[1]++;
  }

  /** A decision {@link #shown} earlier converted: its trial becomes a success. */
  public synchronized void converted(String context, String variant) {
    double[] ab = posterior(context, variant);
    ab[0]++;
    ab[1] = Math.max(1, ab[1] - 1);
  }

  /**
   * One variant's posterior in one context: Beta({@code alpha}, {@code beta}), both starting at 1
   * (uniform), so {@code alpha - 1} successes in {@code alpha + beta - 2} trials.
   */
  public record Posterior(String context, String variant, double alpha, double beta) {
    public double mean() {
      return alpha / (alpha + beta);
    }

    public long trials() {
      return Math.round(alpha + beta - 2);
    }
  }

  /** Every posterior, by context then variant: what a restart restores and reports show. */
  public synchronized List<Posterior> posteriors() {
    List<Posterior> out = new java.util.ArrayList<>(posteriors.size());
    posteriors.forEach(
        (key, ab) -> {
          int cut = key.indexOf('\u0000');
          out.add(new Posterior(key.substring(0, cut), key.substring(cut + 1), ab[0], ab[1]));
        });
    out.sort(java.util.Comparator.comparing(Posterior::context).thenComparing(Posterior::variant));
    return out;
  }

  /** Sets posteriors saved by {@link #posteriors()} (others are kept). */
  public synchronized void restore(List<Posterior> saved) {
    for (Posterior p : saved) {
      if (p.alpha() >= 1 && p.beta() >= 1) {
        posteriors.put(p.context() + "\u0000" + p.variant(), new double[] {p.alpha(), p.beta()});
      }
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
