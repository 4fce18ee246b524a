package io.flywheel.featurestore;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entity's features of one view, as of an event-time instant. Values are {@link Double}, {@link
 * String} or a list of {@link ScoredItem}; a missing value is absent from the map.
 *
 * @param asOf event time (epoch ms) the values describe: they include every event up to and
 *     including this instant and nothing after it
 */
public record FeatureVector(String view, String key, long asOf, Map<String, Object> values) {

  public FeatureVector {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public Double number(String feature) {
    Object value = values.get(feature);
    return value instanceof Number n ? n.doubleValue() : null;
  }
}
