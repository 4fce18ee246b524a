package io.flywheel.content;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.Product;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measures which products were among the most bought in their category over a window, from the
 * purchase events: the evidence behind "among the most bought in Toys this week". A product counts
 * only when it is in its category's top {@link #TOP} with at least {@link #MIN_PURCHASES} units.
 */
public final class SalesRanking {
  public static final int TOP = 5;
  public static final int MIN_PURCHASES = 3;

  private final Map<String, Bestseller> bestsellers;

  private SalesRanking(Map<String, Bestseller> bestsellers) {
    this.bestsellers = bestsellers;
  }

  /** Nobody measured anything: no product may claim to sell well. */
  public static SalesRanking none() {
    return new SalesRanking(Map.of());
  }

  /**
   * Ranks purchases in {@code [asOf - days, asOf)} by the products' leaf categories.
   *
   * @param products the catalogue (purchases of unknown products are ignored)
   */
  public static SalesRanking measure(
      Iterable<Event> events, Map<String, Product> products, long asOf, int days) {
    if (days < 1) {
      throw new IllegalArgumentException("days: must be >= 1, got " + days);
    }
    long from = asOf - days * 86_400_000L;
    Map<String, Long> units = new HashMap<>();
    for (Event e : events) {
      if (e.type() == EventType.PURCHASE
          && e.productId() != null
          && e.timestamp() >= from
          && e.timestamp() < asOf
          && products.containsKey(e.productId())) {
        units.merge(e.productId(), (long) (e.quantity() == null ? 1 : e.quantity()), Long::sum);
      }
    }
    Map<String, List<Map.Entry<String, Long>>> byCategory = new HashMap<>();
    for (Map.Entry<String, Long> entry : units.entrySet()) {
      String category = products.get(entry.getKey()).leafCategory();
      byCategory.computeIfAbsent(category, c -> new ArrayList<>()).add(entry);
    }
    Map<String, Bestseller> bestsellers = new HashMap<>();
    byCategory.forEach(
        (category, entries) -> {
          entries.sort(
              Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                  .thenComparing(Map.Entry.comparingByKey()));
          for (int i = 0; i < Math.min(TOP, entries.size()); i++) {
            long bought = entries.get(i).getValue();
            if (bought >= MIN_PURCHASES) {
              bestsellers.put(
                  entries.get(i).getKey(), new Bestseller(category, i + 1, bought, days));
            }
          }
        });
    return new SalesRanking(bestsellers);
  }

  public Optional<Bestseller> of(String productId) {
    return Optional.ofNullable(bestsellers.get(productId));
  }

  public int size() {
    return bestsellers.size();
  }

  /** The facts of {@code product} as of {@code asOf}, with its measured rank if it has one. */
  public ProductFacts factsOf(Product product, long asOf) {
    return new ProductFacts(product, bestsellers.get(product.id()), asOf);
  }
}
