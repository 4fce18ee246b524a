package io.flywheel.featurestore;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import java.util.LinkedHashMap;
import java.util.Map;

/** State and values of the {@code user_activity} view for one shopper. */
public final class UserActivity {
  static final String[] KINDS = {"impressions", "clicks", "add_to_carts", "purchases"};
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  private final TiledWindow hour = new TiledWindow(5 * MINUTE, 12, 4);
  private final TiledWindow day = new TiledWindow(HOUR, 24, 4);
  private final TiledWindow week = new TiledWindow(6 * HOUR, 28, 4);
  private long lastClick = -1;
  private long lastPurchase = -1;

  public void apply(Event event) {
    int kind =
        switch (event.type()) {
          case IMPRESSION -> 0;
          case CLICK -> 1;
          case ADD_TO_CART -> 2;
          case PURCHASE -> 3;
          // Searches and complaints are no activity this view counts (KINDS).
          default -> -1;
        };
    if (kind < 0) {
      return;
    }
    hour.add(kind, event.timestamp());
    day.add(kind, event.timestamp());
    week.add(kind, event.timestamp());
    if (event.type() == EventType.CLICK) {
      lastClick = Math.max(lastClick, event.timestamp());
    } else if (event.type() == EventType.PURCHASE) {
      lastPurchase = Math.max(lastPurchase, event.timestamp());
    }
  }

  /** The view's values as of {@code asOf}, which must not precede any applied event. */
  public Map<String, Object> valuesAsOf(long asOf) {
    hour.advanceTo(asOf);
    day.advanceTo(asOf);
    week.advanceTo(asOf);
    Map<String, Object> values = new LinkedHashMap<>();
    put(values, hour, "1h");
    put(values, day, "24h");
    put(values, week, "7d");
    long impressions = week.total(0);
    long clicks = week.total(1);
    long purchases = week.total(3);
    values.put("ctr_7d", Rates.smoothed(clicks, impressions, 0.05, 20));
    values.put("conversion_7d", Rates.smoothed(purchases, clicks, 0.10, 10));
    if (lastClick >= 0) {
      values.put("seconds_since_last_click", (asOf - lastClick) / 1000.0);
    }
    if (lastPurchase >= 0) {
      values.put("seconds_since_last_purchase", (asOf - lastPurchase) / 1000.0);
    }
    return values;
  }

  private static void put(Map<String, Object> values, TiledWindow window, String suffix) {
    for (int k = 0; k < KINDS.length; k++) {
      values.put(KINDS[k] + "_" + suffix, (double) window.total(k));
    }
  }
}
