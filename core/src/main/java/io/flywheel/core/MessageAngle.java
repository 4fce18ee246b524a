package io.flywheel.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The reason to buy a piece of copy leads with. Shoppers weigh angles differently, so copy written
 * around different angles for the same product is what content experiments compare.
 */
public enum MessageAngle implements WireNames.Named {
  SAVINGS("savings"),
  QUALITY("quality"),
  BRAND("brand"),
  NOVELTY("novelty"),
  URGENCY("urgency"),
  SOCIAL_PROOF("social_proof"),
  TRUST("trust");

  private final String wireName;

  MessageAngle(String wireName) {
    this.wireName = wireName;
  }

  @Override
  @JsonValue
  public String wireName() {
    return wireName;
  }

  public static MessageAngle fromWire(String value, String field) {
    return WireNames.parse(MessageAngle.class, value, field, "message angle");
  }

  /** How JSON names it; the codec puts the field's name on an unknown one. */
  @JsonCreator
  static MessageAngle fromJson(String value) {
    return fromWire(value, WireNames.UNNAMED_FIELD);
  }
}
