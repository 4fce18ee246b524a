package io.flywheel.core.internal.simulator;

import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;

/** Products on sale, per leaf category: where an organic (unprompted) purchase is found. */
final class LeafShelves {
  private final int[][] products;
  private final int[] counts;

  LeafShelves(int leaves) {
    products = new int[leaves][16];
    counts = new int[leaves];
  }

  void add(int leaf, int product) {
    if (counts[leaf] == products[leaf].length) {
      products[leaf] = Arrays.copyOf(products[leaf], counts[leaf] * 2);
    }
    products[leaf][counts[leaf]++] = product;
  }

  /** A product on sale in {@code leaf}, or -1 when there is none yet. */
  int draw(int leaf, UniformRandomProvider rng) {
    return counts[leaf] == 0 ? -1 : products[leaf][rng.nextInt(counts[leaf])];
  }
}
