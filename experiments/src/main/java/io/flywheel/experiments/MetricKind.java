package io.flywheel.experiments;

import java.util.Locale;

/** What an experiment measures per exposed shopper, from first exposure on (intention to treat). */
public enum MetricKind {
  /** Whether the shopper bought at all: a proportion per user. */
  CONVERSION,
  /** Money spent per user (price × quantity of purchases): a mean per user. */
  REVENUE,
  /** Clicks per impression: a ratio of two sums over users (delta method). */
  CTR,
  /** Purchases per user (count): a mean per user. */
  ORDERS;

  public static MetricKind parse(String field, String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ExperimentDefinitionException(
          field, "one of conversion, revenue, ctr, orders; got '" + text + "'");
    }
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
