package io.flywheel.flink;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureSpec;
import io.flywheel.featurestore.TrainingExample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training-example feature columns in registry order. Examples travel between stages as arrays
 * in this order rather than as name → value maps: the names would otherwise be serialized with
 * every example at every hop (measured: the top cost of the pipeline).
 */
final class ExampleColumns {
  static final List<String> NAMES;

  /** Column index per view and feature (no string building per lookup: it runs per value). */
  private static final Map<String, Map<String, Integer>> BY_VIEW = new HashMap<>();

  static {
    FeatureRegistry registry = FeatureRegistry.builtIn();
    List<String> names = new ArrayList<>();
    for (String view : TrainingExample.FEATURE_VIEWS) {
      for (FeatureSpec feature : registry.view(view).features()) {
        BY_VIEW.computeIfAbsent(view, v -> new HashMap<>()).put(feature.name(), names.size());
        names.add(TrainingExample.column(view, feature.name()));
      }
    }
    NAMES = List.copyOf(names);
  }

  private ExampleColumns() {}

  static Object[] empty() {
    return new Object[NAMES.size()];
  }

  static int indexOf(String view, String feature) {
    Map<String, Integer> columns = BY_VIEW.get(view);
    Integer index = columns == null ? null : columns.get(feature);
    if (index == null) {
      throw new IllegalStateException("no training column for " + view + "." + feature);
    }
    return index;
  }

  /** The present values as a column → value map, in column order. */
  static Map<String, Object> toMap(Object[] values) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        map.put(NAMES.get(i), values[i]);
      }
    }
    return map;
  }
}
