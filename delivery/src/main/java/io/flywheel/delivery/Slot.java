package io.flywheel.delivery;

import io.flywheel.core.InvalidRecordException;
import java.util.Arrays;
import java.util.Locale;

/** Where on the shop's pages the content is shown; each slot retrieves its candidates its way. */
public enum Slot {
  /** The home page feed: the shopper's tastes, what they saw recently, what sells. */
  HOME,
  /** Results for what the shopper typed ({@code q} is required). */
  SEARCH,
  /** "You may also like" beside a product ({@code productId} is required). */
  PRODUCT,
  /** A marketing email: like the home feed, chosen ahead of sending. */
  EMAIL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Slot parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidRecordException("slot", "is required (one of " + known() + ")");
    }
    for (Slot s : values()) {
      if (s.wireName().equals(text.trim())) {
        return s;
      }
    }
    throw new InvalidRecordException(
        "slot", "unknown slot '" + text + "' (one of " + known() + ")");
  }

  private static String known() {
    return String.join(", ", Arrays.stream(values()).map(Slot::wireName).toList());
  }
}
