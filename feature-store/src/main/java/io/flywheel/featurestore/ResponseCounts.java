package io.flywheel.featurestore;

import io.flywheel.core.Event;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lifetime impressions, clicks and purchases of one content item or one copy variant: the {@code
 * content_stats} and {@code variant_stats} views.
 */
public final class ResponseCounts {
  private long impressions;
  private long clicks;
  private long purchases;

  public void apply(Event event) {
    switch (event.type()) {
      case IMPRESSION -> impressions++;
      case CLICK -> clicks++;
      case PURCHASE -> purchases++;
      default -> {}
    }
  }

  public Map<String, Object> values() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("impressions", (double) impressions);
    values.put("clicks", (double) clicks);
    values.put("purchases", (double) purchases);
    values.put("ctr", Rates.smoothed(clicks, impressions, 0.05, 20));
    values.put("conversion", Rates.smoothed(purchases, clicks, 0.10, 10));
    return values;
  }

  /** The {@code variant_stats} key of an event: campaign and variant, or null. */
  public static String variantKey(Event event) {
    return event.variantId() == null
        ? null
        : (event.campaignId() == null ? "-" : event.campaignId()) + "/" + event.variantId();
  }
}
