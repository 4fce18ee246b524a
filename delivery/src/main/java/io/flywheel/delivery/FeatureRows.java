package io.flywheel.delivery;

import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.ImpressionContext;
import io.flywheel.featurestore.ShopCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ranker's input rows, built the way training built them: the shopper's, product's, copy's and
 * variant's vectors as served now, the on-demand impression features from the same function
 * training calls, position 0 (every candidate is scored as if shown first), NaN where a value is
 * missing.
 */
final class FeatureRows {
  private enum Source {
    POSITION,
    USER_ACTIVITY,
    USER_AFFINITY,
    PRODUCT,
    CONTENT,
    VARIANT,
    IMPRESSION,
    UNKNOWN
  }

  private record Column(Source source, String feature) {}

  private final Column[] columns;

  FeatureRows(List<String> featureNames) {
    columns = new Column[featureNames.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = column(featureNames.get(i));
    }
  }

  private static Column column(String name) {
    if (name.equals("position")) {
      return new Column(Source.POSITION, name);
    }
    int split = name.indexOf("__");
    if (split < 0) {
      return new Column(Source.UNKNOWN, name);
    }
    String view = name.substring(0, split);
    String feature = name.substring(split + 2);
    Source source =
        switch (view) {
          case "user_activity" -> Source.USER_ACTIVITY;
          case "user_category_affinity" -> Source.USER_AFFINITY;
          case "product_stats" -> Source.PRODUCT;
          case "content_stats" -> Source.CONTENT;
          case "variant_stats" -> Source.VARIANT;
          case ImpressionContext.VIEW -> Source.IMPRESSION;
          default -> Source.UNKNOWN;
        };
    return new Column(source, feature);
  }

  int width() {
    return columns.length;
  }

  /** The shopper's vectors, as served (either may be null: a shopper never seen). */
  record Shopper(FeatureVector activity, FeatureVector affinity) {
    /**
     * Where the shopper's behaviour places them: no activity on record is a new shopper; {@link
     * io.flywheel.core.ShopperSegment#VIP_PURCHASES_7D} purchases in seven days a VIP; anyone else
     * returning.
     */
    io.flywheel.core.ShopperSegment segment() {
      if (activity == null) {
        return io.flywheel.core.ShopperSegment.NEW;
      }
      Object purchases = activity.values().get("purchases_7d");
      return purchases instanceof Number n
              && n.doubleValue() >= io.flywheel.core.ShopperSegment.VIP_PURCHASES_7D
          ? io.flywheel.core.ShopperSegment.VIP
          : io.flywheel.core.ShopperSegment.RETURNING;
    }
  }

  /** One candidate: a product with one piece of its copy. */
  record Candidate(String productId, String contentId, String variantKey) {}

  /**
   * Fills {@code out} (rows × width) for the candidates.
   *
   * @param products, contents, variants the vectors found, by key
   */
  void fill(
      float[] out,
      List<Candidate> candidates,
      Shopper shopper,
      Map<String, FeatureVector> products,
      Map<String, FeatureVector> contents,
      Map<String, FeatureVector> variants,
      long at,
      ShopCatalog catalog) {
    Map<String, Object> affinity =
        shopper.affinity() == null ? Map.of() : shopper.affinity().values();
    int width = columns.length;
    // The shopper's columns are the same in every row: read them once.
    float[] shopperRow = new float[width];
    for (int i = 0; i < width; i++) {
      Column col = columns[i];
      shopperRow[i] =
          switch (col.source()) {
            case USER_ACTIVITY -> value(shopper.activity(), col.feature());
            case USER_AFFINITY -> value(shopper.affinity(), col.feature());
            case POSITION -> 0f;
            default -> Float.NaN;
          };
    }
    Map<String, Map<String, Double>> impressionByProduct = new HashMap<>();
    for (int r = 0; r < candidates.size(); r++) {
      Candidate c = candidates.get(r);
      Map<String, Double> impression =
          impressionByProduct.computeIfAbsent(
              c.productId(), p -> ImpressionContext.derive(affinity, p, at, catalog));
      FeatureVector product = products.get(c.productId());
      FeatureVector content = contents.get(c.contentId());
      FeatureVector variant = c.variantKey() == null ? null : variants.get(c.variantKey());
      int base = r * width;
      System.arraycopy(shopperRow, 0, out, base, width);
      for (int i = 0; i < width; i++) {
        Column col = columns[i];
        switch (col.source()) {
          case PRODUCT -> out[base + i] = value(product, col.feature());
          case CONTENT -> out[base + i] = value(content, col.feature());
          case VARIANT -> out[base + i] = value(variant, col.feature());
          case IMPRESSION -> {
            Double v = impression.get(col.feature());
            out[base + i] = v == null ? Float.NaN : v.floatValue();
          }
          default -> {}
        }
      }
    }
  }

  private static float value(FeatureVector vector, String feature) {
    if (vector == null) {
      return Float.NaN;
    }
    Object v = vector.values().get(feature);
    return v instanceof Number n ? n.floatValue() : Float.NaN;
  }
}
