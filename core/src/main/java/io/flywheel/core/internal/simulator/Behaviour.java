package io.flywheel.core.internal.simulator;

import io.flywheel.core.WorldConfig;

/**
 * The true response model: how likely a shopper is to click an item at a position, to cart it after
 * a click, and to buy it after carting. Every simulated outcome is drawn from these, so they are
 * the oracle later models are measured against.
 */
final class Behaviour {
  /** Affinities at or below this share all act alike (the log-affinity term is clipped). */
  static final double AFFINITY_FLOOR = Math.exp(-2.5) / Taxonomy.LEAVES.size();

  private static final double AFFINITY_WEIGHT = 0.6;
  private static final double QUALITY_WEIGHT = 0.3;
  private static final double LOYALTY_WEIGHT = 0.8;
  private static final double CART_BASE = -1.0;
  private static final double BUY_BASE = -0.2;

  private final Catalog catalog;
  private final Shoppers shoppers;
  private final double baseClickLogit;
  private final double[] examination;

  Behaviour(Catalog catalog, Shoppers shoppers, WorldConfig world) {
    this.catalog = catalog;
    this.shoppers = shoppers;
    this.baseClickLogit = world.baseClickLogit();
    this.examination = new double[world.slotSize()];
    for (int k = 0; k < examination.length; k++) {
      examination[k] = Math.pow(1 + k, -world.positionBiasExponent());
    }
  }

  /** What the copy adds to this shopper's click log-odds, as the shopper reads it. */
  double appeal(int user, int content) {
    return catalog.appeal(shoppers.audienceRow[user], content);
  }

  /** P(click) = P(examined at position) × P(attracted), rounded to 9 decimals. */
  double pClick(int user, int content, int position, int hourOfDay) {
    return pClick(
        user, content, catalog.appeal(shoppers.audienceRow[user], content), position, hourOfDay);
  }

  /**
   * As {@link #pClick(int, int, int, int)}, for other copy of the item's product: {@code appeal} is
   * what that copy adds to this shopper's click log-odds.
   */
  double pClick(int user, int content, double appeal, int position, int hourOfDay) {
    int p = catalog.productOf(content);
    double affinity = shoppers.affinity(user, catalog.leaf[p]) * shoppers.leaves;
    double logit =
        baseClickLogit
            + AFFINITY_WEIGHT * clip(Math.log(Math.max(affinity, 1e-12)), 2.5)
            + QUALITY_WEIGHT * catalog.quality[p]
            + appeal
            + brandBonus(user, p)
            + hourEffect(hourOfDay);
    return Latent.round9(examination[position] * Latent.sigmoid(logit));
  }

  /** Audience row (segment and locale) the shopper reads copy as. */
  int row(int user) {
    return shoppers.audienceRow[user];
  }

  double pCartGivenClick(int user, int product) {
    return Latent.sigmoid(
        CART_BASE
            + 0.4 * catalog.quality[product]
            - 0.8 * shoppers.priceSensitivity[user] * relativePrice(product)
            + 0.5 * brandBonus(user, product));
  }

  double pBuyGivenCart(int user, int product, boolean weekend) {
    return Latent.sigmoid(
        BUY_BASE
            + 0.3 * catalog.quality[product]
            - 0.5 * shoppers.priceSensitivity[user] * relativePrice(product)
            + (weekend ? 0.15 : 0)
            - (shoppers.mobile[user] ? 0.2 : 0));
  }

  private double relativePrice(int product) {
    return Math.log(catalog.price[product] / catalog.medianPrice(product));
  }

  private double brandBonus(int user, int product) {
    return catalog.brand[product] == shoppers.favouriteBrand[user]
        ? LOYALTY_WEIGHT * shoppers.loyalty[user]
        : 0;
  }

  private static double hourEffect(int hour) {
    if (hour >= 18 && hour <= 22) {
      return 0.15;
    }
    return hour < 6 ? -0.15 : 0;
  }

  private static double clip(double value, double bound) {
    return Math.max(-bound, Math.min(bound, value));
  }
}
