package io.flywheel.featurestore;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code product_covisit} view: for one product, the products seen (clicked, carted or bought)
 * in the same sessions, each shared session worth 1, or {@value #CO_BOUGHT} when both were bought.
 */
public final class CoVisitation {
  public static final int TOP_N = 20;
  public static final double CO_BOUGHT = 3.0;

  private final Map<String, Double> scores = new HashMap<>();

  public void add(String neighbour, double weight) {
    scores.merge(neighbour, weight, Double::sum);
  }

  public Map<String, Object> values() {
    List<Map.Entry<String, Double>> ranked = new ArrayList<>(scores.entrySet());
    ranked.sort(
        Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry::getKey));
    List<ScoredItem> top =
        ranked.stream().limit(TOP_N).map(e -> new ScoredItem(e.getKey(), e.getValue())).toList();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("neighbours", top);
    return values;
  }

  /** The products of one session, as a session window collects them. */
  public static final class Basket {
    private final TreeSet<String> seen = new TreeSet<>();
    private final TreeSet<String> bought = new TreeSet<>();

    public void add(Event event) {
      // Impressions, searches and complaints say nothing about what was wanted together.
      if (event.productId() == null || !event.type().showsInterest()) {
        return;
      }
      seen.add(event.productId());
      if (event.type() == EventType.PURCHASE) {
        bought.add(event.productId());
      }
    }

    /** For each product of the basket, the weight each other product adds to it. */
    public Map<String, Map<String, Double>> coVisits() {
      Map<String, Map<String, Double>> out = new LinkedHashMap<>();
      for (String a : seen) {
        for (String b : seen) {
          if (!a.equals(b)) {
            double weight = bought.contains(a) && bought.contains(b) ? CO_BOUGHT : 1.0;
            out.computeIfAbsent(a, k -> new LinkedHashMap<>()).put(b, weight);
          }
        }
      }
      return out;
    }
  }
}
