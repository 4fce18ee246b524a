package io.flywheel.featurestore;

import java.util.Locale;

/** What a feature's values look like. */
public enum FeatureType {
  /** A double; absent means missing (what XGBoost expects). */
  NUMBER,
  /** A string, such as a category name. */
  TEXT,
  /** A list of {@link ScoredItem}, best first. */
  RANKED;

  static FeatureType parse(String value, String where) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": unknown feature type '" + value + "' (expected number, text or ranked)");
    }
  }
}
