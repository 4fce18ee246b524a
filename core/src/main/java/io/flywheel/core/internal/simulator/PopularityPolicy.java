package io.flywheel.core.internal.simulator;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * The logged baseline policy: fill a slot with content drawn by click popularity, except that a
 * share of draws (exploration) is uniform over everything on sale. Items in a slot are distinct;
 * each is drawn from the base distribution with the items already placed removed, and the
 * propensity logged for it is that conditional probability, which is what off-policy estimators
 * need. Popularity is refreshed once per simulated hour, like a batch job would.
 */
final class PopularityPolicy {
  private static final double PRIOR_CLICKS = 1.0;

  private final WeightedSampler popularity;
  private final double exploration;
  private final int[] clicksThisHour;
  private int pendingClicks;
  private int live;

  PopularityPolicy(int contentCount, double exploration) {
    this.popularity = new WeightedSampler(contentCount);
    this.exploration = exploration;
    this.clicksThisHour = new int[contentCount];
  }

  /** Puts content items [0, liveCount) on sale; new ones start with the prior only. */
  void openUpTo(int liveCount) {
    for (int c = live; c < liveCount; c++) {
      popularity.set(c, PRIOR_CLICKS);
    }
    live = Math.max(live, liveCount);
  }

  int live() {
    return live;
  }

  void recordClick(int content) {
    clicksThisHour[content]++;
    pendingClicks++;
  }

  /** Folds the last hour's clicks into popularity. */
  void refresh() {
    if (pendingClicks == 0) {
      return;
    }
    for (int c = 0; c < live; c++) {
      if (clicksThisHour[c] > 0) {
        popularity.add(c, clicksThisHour[c]);
        clicksThisHour[c] = 0;
      }
    }
    pendingClicks = 0;
  }

  /**
   * Fills {@code slot} with distinct items and {@code propensity} with the probability the policy
   * gave each at its position. Returns how many were placed (fewer when little is on sale).
   */
  int fill(int[] slot, double[] propensity, UniformRandomProvider rng) {
    int n = Math.min(slot.length, live);
    double placedMass = 0;
    for (int k = 0; k < n; k++) {
      int chosen;
      do {
        chosen = rng.nextDouble() < exploration ? rng.nextInt(live) : popularity.draw(rng);
      } while (contains(slot, k, chosen));
      double base = baseProbability(chosen);
      propensity[k] = Math.min(1.0, base / Math.max(1e-12, 1.0 - placedMass));
      placedMass += base;
      slot[k] = chosen;
    }
    return n;
  }

  double baseProbability(int content) {
    return exploration / live + (1 - exploration) * popularity.weight(content) / popularity.total();
  }

  private static boolean contains(int[] slot, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (slot[i] == value) {
        return true;
      }
    }
    return false;
  }
}
