package io.flywheel.content;

import java.util.Map;

/**
 * A shopper's taste by category, as the feature store serves it: category name to a weight in [0,
 * 1] (share of their recent engagement). Search boosts results in the categories they like.
 */
@FunctionalInterface
public interface UserAffinities {
  Map<String, Double> categoryWeights(String userId);

  UserAffinities NONE = userId -> Map.of();
}
