package io.flywheel.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a shopper did. The wire names are the lower-case words of the data contract. */
public enum EventType implements WireNames.Named {
  IMPRESSION("impression"),
  CLICK("click"),
  ADD_TO_CART("add_to_cart"),
  PURCHASE("purchase"),
  /** A query typed into the shop's search box (carries {@code query}). */
  SEARCH("search"),
  /** A shopper reporting that copy said something the shop does not honour (a wrong price). */
  COMPLAINT("complaint");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  @Override
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /**
   * True for clicks, carts and purchases: what shows interest in a product. Impressions, searches
   * and complaints do not, so popularity, co-visitation and attribution leave them out.
   */
  public boolean showsInterest() {
    return this == CLICK || this == ADD_TO_CART || this == PURCHASE;
  }

  /** Parses a wire name; an unknown one is an {@link InvalidRecordException} on {@code field}. */
  public static EventType fromWire(String value, String field) {
    return WireNames.parse(EventType.class, value, field, "event type");
  }

  /** How JSON names it; the codec puts the field's name on an unknown one. */
  @JsonCreator
  static EventType fromJson(String value) {
    return fromWire(value, WireNames.UNNAMED_FIELD);
  }
}
