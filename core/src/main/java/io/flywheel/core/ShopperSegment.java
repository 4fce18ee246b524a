package io.flywheel.core;

import java.util.Locale;

/**
 * The audiences marketing targets, as Flywheel can tell them apart from behaviour alone: copy is
 * written for one ({@link ContentItem#targetSegment()}), experiments may be limited to some, and
 * bandits learn per segment. Delivery places each shopper from the online features (see its
 * README); a shop's page may also say which segment a shopper is in.
 */
public enum ShopperSegment implements WireNames.Named {
  /** Nothing known yet: no activity in the feature store. */
  NEW,
  /** Seen before, not (yet) a frequent buyer. */
  RETURNING,
  /** Buys often: at least {@link #VIP_PURCHASES_7D} purchases in the last seven days. */
  VIP;

  /** Purchases within seven days that make a shopper a VIP. */
  public static final int VIP_PURCHASES_7D = 2;

  @Override
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The segment named {@code value}; anything else is an error naming {@code field}. */
  public static ShopperSegment parse(String value, String field) {
    return WireNames.parse(
        ShopperSegment.class,
        value == null ? null : value.trim().toLowerCase(Locale.ROOT),
        field,
        "segment");
  }

  /** Whether copy written for {@code targetSegment} ({@code all} or a segment name) fits. */
  public boolean reads(String targetSegment) {
    return targetSegment == null
        || targetSegment.equalsIgnoreCase("all")
        || targetSegment.equalsIgnoreCase(wireName());
  }
}
