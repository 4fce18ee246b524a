package io.flywheel.delivery;

import io.flywheel.core.Product;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.OnlineStore;
import io.flywheel.featurestore.ShopCatalog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What sells, for shoppers and products never seen before and as the order when the ranker is down:
 * products by recent purchases and clicks from the online store's {@code product_stats} (smoothed,
 * so a product with no stats ranks by its listing date, newest first). Rebuilt from the store every
 * minute or so, never per request.
 */
final class PopularityList {
  static final String VIEW = "product_stats";

  private final ShopCatalog catalog;
  private volatile List<String> order;
  private volatile Map<String, Double> scores;

  PopularityList(ShopCatalog catalog) {
    this.catalog = catalog;
    this.scores = Map.of();
    this.order = rank(Map.of());
  }

  /** Re-reads the stats of every product (one multi-get); keeps the old order on failure. */
  void refresh(OnlineStore store, FeatureRegistry registry) {
    List<String> ids = catalog.products().stream().map(Product::id).toList();
    Map<String, FeatureVector> stats = store.getMany(registry.view(VIEW), ids);
    Map<String, Double> s = new HashMap<>();
    for (Map.Entry<String, FeatureVector> e : stats.entrySet()) {
      Map<String, Object> v = e.getValue().values();
      s.put(e.getKey(), number(v.get("purchases_7d")) + 0.1 * number(v.get("clicks_7d")));
    }
    this.scores = s;
    this.order = rank(s);
  }

  private List<String> rank(Map<String, Double> s) {
    List<Product> products = new ArrayList<>(catalog.products());
    products.sort(
        Comparator.<Product>comparingDouble(p -> -s.getOrDefault(p.id(), 0.0))
            .thenComparing(Comparator.comparingLong(Product::listedAt).reversed())
            .thenComparing(Product::id));
    return products.stream().map(Product::id).toList();
  }

  /** Products best first. */
  List<String> order() {
    return order;
  }

  /** A score in [0, 1) that orders like {@link #order()} (for the fallback order's scores). */
  double score(String productId) {
    double s = scores.getOrDefault(productId, 0.0);
    return s / (s + 10.0);
  }

  private static double number(Object v) {
    return v instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : 0;
  }
}
