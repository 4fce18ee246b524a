package io.flywheel.featurestore;

import io.flywheel.core.Event;
import java.util.LinkedHashMap;
import java.util.Map;

/** State and values of the {@code product_stats} view for one product. */
public final class ProductStats {
  private static final long HOUR = 3_600_000L;
  private static final int IMPRESSIONS = 0;
  private static final int CLICKS = 1;
  private static final int PURCHASES = 2;

  private final TiledWindow day = new TiledWindow(HOUR, 24, 3);
  private final TiledWindow week = new TiledWindow(6 * HOUR, 28, 3);

  public void apply(Event event) {
    int kind =
        switch (event.type()) {
          case IMPRESSION -> IMPRESSIONS;
          case CLICK -> CLICKS;
          case PURCHASE -> PURCHASES;
          default -> -1;
        };
    if (kind >= 0) {
      day.add(kind, event.timestamp());
      week.add(kind, event.timestamp());
    }
  }

  public Map<String, Object> valuesAsOf(long asOf) {
    day.advanceTo(asOf);
    week.advanceTo(asOf);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("impressions_24h", (double) day.total(IMPRESSIONS));
    values.put("clicks_24h", (double) day.total(CLICKS));
    values.put("purchases_24h", (double) day.total(PURCHASES));
    values.put("impressions_7d", (double) week.total(IMPRESSIONS));
    values.put("clicks_7d", (double) week.total(CLICKS));
    values.put("purchases_7d", (double) week.total(PURCHASES));
    values.put("ctr_24h", Rates.smoothed(day.total(CLICKS), day.total(IMPRESSIONS), 0.05, 20));
    values.put("ctr_7d", Rates.smoothed(week.total(CLICKS), week.total(IMPRESSIONS), 0.05, 20));
    values.put("conversion_24h", Rates.smoothed(day.total(PURCHASES), day.total(CLICKS), 0.10, 10));
    values.put(
        "conversion_7d", Rates.smoothed(week.total(PURCHASES), week.total(CLICKS), 0.10, 10));
    values.put("trend", (day.total(CLICKS) + 1.0) / (week.total(CLICKS) / 7.0 + 1.0));
    return values;
  }
}
