package io.flywheel.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a shopper did. The wire names are the lower-case words of the data contract. */
public enum EventType implements WireNames.Named {
  IMPRESSION("impression"),
  CLICK("click"),
  ADD_TO_CART("add_to_cart"),
  PURCHASE("purchase");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  @Override
  @JsonValue
  public String wireName() {
    return wireName;
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
