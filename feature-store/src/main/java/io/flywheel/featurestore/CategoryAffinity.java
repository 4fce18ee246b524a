package io.flywheel.featurestore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * State and values of the {@code user_category_affinity} view: per leaf category, click and
 * purchase weights that halve every week, top {@value #TOP_K} by click weight.
 */
public final class CategoryAffinity {
  public static final int TOP_K = 5;
  public static final long HALF_LIFE_MILLIS = 7 * 86_400_000L;

  // Weights as of `reference`; decaying all of them together keeps an update O(categories).
  private final Map<String, double[]> weights = new TreeMap<>();
  private long reference = Long.MIN_VALUE;

  public void click(String category, long time) {
    add(category, time, 0);
  }

  public void purchase(String category, long time) {
    add(category, time, 1);
  }

  private void add(String category, long time, int which) {
    decayTo(time);
    weights.computeIfAbsent(category, c -> new double[2])[which] += 1;
  }

  private void decayTo(long time) {
    if (reference != Long.MIN_VALUE && time > reference) {
      for (double[] w : weights.values()) {
        w[0] = Rates.decay(w[0], time - reference, HALF_LIFE_MILLIS);
        w[1] = Rates.decay(w[1], time - reference, HALF_LIFE_MILLIS);
      }
    }
    reference = Math.max(reference, time);
  }

  /**
   * The top categories as of {@code asOf}. A pure read: the weights are decayed in a scratch copy,
   * so values never depend on how often, or when, they were read before.
   */
  public Map<String, Object> valuesAsOf(long asOf) {
    long elapsed = reference != Long.MIN_VALUE && asOf > reference ? asOf - reference : 0;
    List<Map.Entry<String, double[]>> ranked = new ArrayList<>(weights.size());
    for (Map.Entry<String, double[]> e : weights.entrySet()) {
      double[] w = e.getValue();
      double[] decayed =
          elapsed == 0
              ? w
              : new double[] {
                Rates.decay(w[0], elapsed, HALF_LIFE_MILLIS),
                Rates.decay(w[1], elapsed, HALF_LIFE_MILLIS)
              };
      ranked.add(Map.entry(e.getKey(), decayed));
    }
    ranked.sort(
        Comparator.<Map.Entry<String, double[]>>comparingDouble(e -> -e.getValue()[0])
            .thenComparingDouble(e -> -e.getValue()[1])
            .thenComparing(Map.Entry::getKey));
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(TOP_K, ranked.size()); i++) {
      values.put("category_" + (i + 1), ranked.get(i).getKey());
      values.put("click_weight_" + (i + 1), ranked.get(i).getValue()[0]);
      values.put("purchase_weight_" + (i + 1), ranked.get(i).getValue()[1]);
    }
    return values;
  }
}
