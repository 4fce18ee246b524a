package io.flywheel.featurestore;

import io.flywheel.core.Product;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * On-demand features of one impression, derived when it is scored from the shown product and the
 * user's point-in-time vectors: how much this shopper likes the shown product's category, how dear
 * the product is for its kind, and when it is shown. Training and serving call the same function on
 * the same inputs, so they cannot drift apart.
 */
public final class ImpressionContext {
  public static final String VIEW = "impression";

  /** Columns in model order, named like view columns ({@code impression__...}). */
  public static final List<String> FEATURES =
      List.of(
          "shown_category_click_weight",
          "shown_category_purchase_weight",
          "shown_category_click_share",
          "shown_category_rank",
          "shown_price_log",
          "shown_price_vs_category_median",
          "hour_of_day",
          "weekend");

  private ImpressionContext() {}

  public static List<String> columns() {
    return FEATURES.stream().map(f -> TrainingExample.column(VIEW, f)).toList();
  }

  /**
   * @param affinity the user's {@code user_category_affinity} values as of the impression (column
   *     names without the view prefix); empty for a new shopper
   * @param productId the shown product; when the catalog does not know it, its features are missing
   */
  public static Map<String, Double> derive(
      Map<String, ?> affinity, String productId, long timestamp, ShopCatalog catalog) {
    Map<String, Double> values = new LinkedHashMap<>();
    Product product = catalog.product(productId).orElse(null);
    if (product != null) {
      double clicks = 0;
      double purchases = 0;
      double total = 0;
      int rank = CategoryAffinity.TOP_K + 1;
      for (int i = 1; i <= CategoryAffinity.TOP_K; i++) {
        double w = number(affinity.get("click_weight_" + i));
        total += w;
        if (product.leafCategory().equals(affinity.get("category_" + i))) {
          clicks = w;
          purchases = number(affinity.get("purchase_weight_" + i));
          rank = i;
        }
      }
      values.put("shown_category_click_weight", clicks);
      values.put("shown_category_purchase_weight", purchases);
      values.put("shown_category_click_share", total > 0 ? clicks / total : Double.NaN);
      values.put("shown_category_rank", (double) rank);
      values.put("shown_price_log", Math.log(Math.max(product.price(), 0.01)));
      values.put(
          "shown_price_vs_category_median",
          product.price() > 0
              ? Math.log(product.price() / catalog.medianPriceOfLeaf(product))
              : Double.NaN);
    }
    ZonedDateTime at = Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC);
    values.put("hour_of_day", (double) at.getHour());
    values.put(
        "weekend",
        at.getDayOfWeek() == DayOfWeek.SATURDAY || at.getDayOfWeek() == DayOfWeek.SUNDAY
            ? 1.0
            : 0.0);
    return values;
  }

  /** The same values for a training example, from the affinity columns it carries. */
  public static Map<String, Double> of(TrainingExample example, ShopCatalog catalog) {
    String prefix = TrainingExample.column("user_category_affinity", "");
    Map<String, Object> affinity = new LinkedHashMap<>();
    example
        .features()
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                affinity.put(k.substring(prefix.length()), v);
              }
            });
    return derive(affinity, example.productId(), example.timestamp(), catalog);
  }

  private static double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : 0.0;
  }
}
