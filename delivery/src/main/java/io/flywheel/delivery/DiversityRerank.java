package io.flywheel.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns scored products into a slate: maximal marginal relevance (a product's score, less how much
 * it resembles what is already placed: same category 1, same brand 0.5), at most so many per brand
 * and per category, and a little exploration so the logs can later judge other orders. The
 * propensity of each placed item is the probability this procedure gave it at its position.
 */
final class DiversityRerank {
  /** A product ready to place: its best copy and score already chosen. */
  record Entry(String productId, String category, String brand, double score, Object payload) {}

  record Placed(Entry entry, double propensity) {}

  private final double lambda;
  private final int maxPerBrand;
  private final int maxPerCategory;
  private final double exploration;

  DiversityRerank(double lambda, int maxPerBrand, int maxPerCategory, double exploration) {
    this.lambda = lambda;
    this.maxPerBrand = maxPerBrand;
    this.maxPerCategory = maxPerCategory;
    this.exploration = exploration;
  }

  List<Placed> slate(List<Entry> ranked, int k, SplittableRandom random) {
    List<Entry> remaining = new ArrayList<>(ranked);
    List<Placed> placed = new ArrayList<>(k);
    Map<String, Integer> brands = new HashMap<>();
    Map<String, Integer> categories = new HashMap<>();
    double top = 0;
    double bottom = 0;
    for (Entry e : ranked) {
      top = Math.max(top, e.score());
      bottom = Math.min(bottom, e.score());
    }
    double range = Math.max(1e-12, top - bottom);
    boolean capped = true;
    while (placed.size() < k && !remaining.isEmpty()) {
      List<Entry> allowed = capped ? allowed(remaining, brands, categories) : remaining;
      if (allowed.isEmpty()) {
        // The caps would leave the slate short: fill it without them rather than show less.
        capped = false;
        continue;
      }
      Entry best = null;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (Entry e : allowed) {
        double value = lambda * (e.score() - bottom) / range - (1 - lambda) * similarity(e, placed);
        if (value > bestValue) {
          bestValue = value;
          best = e;
        }
      }
      Entry chosen = best;
      int m = allowed.size();
      double propensity;
      if (exploration > 0 && m > 1 && random.nextDouble() < exploration) {
        chosen = allowed.get(random.nextInt(m));
      }
      propensity = (chosen == best ? 1 - exploration : 0) + exploration / m;
      if (m == 1) {
        propensity = 1.0;
      }
      placed.add(new Placed(chosen, Math.min(1.0, propensity)));
      remaining.remove(chosen);
      brands.merge(String.valueOf(chosen.brand()), 1, Integer::sum);
      categories.merge(String.valueOf(chosen.category()), 1, Integer::sum);
    }
    return placed;
  }

  private List<Entry> allowed(
      List<Entry> remaining, Map<String, Integer> brands, Map<String, Integer> categories) {
    List<Entry> out = new ArrayList<>(remaining.size());
    for (Entry e : remaining) {
      if (brands.getOrDefault(String.valueOf(e.brand()), 0) < maxPerBrand
          && categories.getOrDefault(String.valueOf(e.category()), 0) < maxPerCategory) {
        out.add(e);
      }
    }
    return out;
  }

  private static double similarity(Entry e, List<Placed> placed) {
    double most = 0;
    for (Placed p : placed) {
      Entry o = p.entry();
      double s =
          e.category() != null && e.category().equals(o.category())
              ? 1.0
              : e.brand() != null && e.brand().equals(o.brand()) ? 0.5 : 0.0;
      most = Math.max(most, s);
      if (most == 1.0) {
        break;
      }
    }
    return most;
  }
}
