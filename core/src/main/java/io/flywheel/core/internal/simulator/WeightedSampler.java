package io.flywheel.core.internal.simulator;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * Draws an index with probability proportional to its weight, with weights that change as the world
 * runs (arrivals, popularity). A Fenwick tree keeps both update and draw at O(log n).
 */
final class WeightedSampler {
  private final double[] tree;
  private final double[] weights;
  private double total;

  WeightedSampler(int size) {
    tree = new double[size + 1];
    weights = new double[size];
  }

  void set(int index, double weight) {
    add(index, weight - weights[index]);
  }

  void add(int index, double delta) {
    weights[index] += delta;
    total += delta;
    for (int i = index + 1; i < tree.length; i += i & -i) {
      tree[i] += delta;
    }
  }

  double weight(int index) {
    return weights[index];
  }

  double total() {
    return total;
  }

  /** An index drawn by weight; the total must be positive. */
  int draw(UniformRandomProvider rng) {
    double target = rng.nextDouble() * total;
    int position = 0;
    for (int step = Integer.highestOneBit(tree.length - 1); step > 0; step >>= 1) {
      int next = position + step;
      if (next < tree.length && tree[next] <= target) {
        position = next;
        target -= tree[next];
      }
    }
    // Floating-point drift can land on a zero-weight index; step to the nearest live one.
    int index = Math.min(position, weights.length - 1);
    while (index > 0 && weights[index] <= 0) {
      index--;
    }
    while (index < weights.length - 1 && weights[index] <= 0) {
      index++;
    }
    return index;
  }
}
