package io.flywheel.content;

import java.util.List;
import java.util.Locale;

/**
 * What the shop itself promises every buyer (returns, delivery, currency): the only service claims
 * copy may make besides the catalogue's facts, and the numbers in them are allowed numbers.
 *
 * @param currency ISO 4217 code prices are in (USD, CNY, EUR, GBP)
 * @param freeReturnDays days a buyer may return for free (0: no free-returns promise)
 * @param deliveryDays usual delivery time in days (0: no delivery promise)
 */
public record ShopPolicy(String currency, int freeReturnDays, int deliveryDays) {
  private static final List<String> CURRENCIES = List.of("USD", "CNY", "EUR", "GBP");

  public ShopPolicy {
    if (currency == null || !CURRENCIES.contains(currency.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "currency: expected one of " + CURRENCIES + ", got " + currency);
    }
    currency = currency.toUpperCase(Locale.ROOT);
    if (freeReturnDays < 0 || deliveryDays < 0) {
      throw new IllegalArgumentException("freeReturnDays, deliveryDays: must be >= 0");
    }
  }

  /** The simulated shop's policy: dollars, 30-day free returns, two-day delivery. */
  public static ShopPolicy defaults() {
    return new ShopPolicy("USD", 30, 2);
  }
}
