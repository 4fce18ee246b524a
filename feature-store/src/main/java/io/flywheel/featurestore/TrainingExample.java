package io.flywheel.featurestore;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One impression as a labelled, point-in-time training example: the impression's ids and logging
 * context, the features of its user, product, content item and variant as of the impression's event
 * time (never later), and the labels attached when the attribution windows closed.
 *
 * @param features flattened as {@code view__feature} (see {@link #column(String, String)}); absent
 *     means missing
 */
public record TrainingExample(
    String eventId,
    String requestId,
    String userId,
    String productId,
    String contentId,
    String campaignId,
    String experimentId,
    String arm,
    String variantId,
    Integer position,
    Double propensity,
    long timestamp,
    boolean clicked,
    boolean purchased,
    Map<String, Object> features) {

  /** The views whose values an example carries, in column order. */
  public static final List<String> FEATURE_VIEWS =
      List.of(
          "user_activity",
          "user_category_affinity",
          "product_stats",
          "content_stats",
          "variant_stats");

  public TrainingExample {
    features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
  }

  public static String column(String view, String feature) {
    return view + "__" + feature;
  }

  public Double number(String view, String feature) {
    Object value = features.get(column(view, feature));
    return value instanceof Number n ? n.doubleValue() : null;
  }
}
