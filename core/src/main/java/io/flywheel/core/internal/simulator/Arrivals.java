package io.flywheel.core.internal.simulator;

import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;

/** When users sign up and products are listed: some before the run, the rest during it. */
final class Arrivals {
  private static final long DAY = 86_400_000L;

  private Arrivals() {}

  /**
   * Sorted arrival times: exactly {@code round(initialShare * count)} fall in the {@code
   * historyDays} before {@code start}; the others are uniform over [start, end).
   */
  static long[] times(
      int count,
      double initialShare,
      long start,
      long end,
      int historyDays,
      UniformRandomProvider rng) {
    int initial = initialCount(count, initialShare);
    long[] times = new long[count];
    for (int i = 0; i < count; i++) {
      times[i] =
          i < initial
              ? Latent.between(rng, start - historyDays * DAY, start)
              : Latent.between(rng, start, end);
    }
    Arrays.sort(times);
    return times;
  }

  static int initialCount(int count, double initialShare) {
    return (int) Math.round(initialShare * count);
  }
}
