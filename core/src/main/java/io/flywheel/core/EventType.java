package io.flywheel.core;

/** What a shopper did. The wire names are the lower-case words of the data contract. */
public enum EventType {
  IMPRESSION("impression"),
  CLICK("click"),
  ADD_TO_CART("add_to_cart"),
  PURCHASE("purchase");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; an unknown one is an {@link InvalidRecordException} on {@code field}. */
  public static EventType fromWire(String value, String field) {
    for (EventType type : values()) {
      if (type.wireName.equals(value)) {
        return type;
      }
    }
    throw new InvalidRecordException(field,
        "unknown event type \"" + value + "\" (expected impression, click, add_to_cart or purchase)");
  }
}
