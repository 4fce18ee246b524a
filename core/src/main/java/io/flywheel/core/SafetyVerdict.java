package io.flywheel.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Outcome of the safety and quality checks a content item passed (or not) before delivery. */
public enum SafetyVerdict implements WireNames.Named {
  PENDING("pending"),
  APPROVED("approved"),
  /** A check could not decide (e.g. hard to read): a person looks before it is indexed. */
  NEEDS_REVIEW("needs_review"),
  REJECTED("rejected");

  private final String wireName;

  SafetyVerdict(String wireName) {
    this.wireName = wireName;
  }

  @Override
  @JsonValue
  public String wireName() {
    return wireName;
  }

  public static SafetyVerdict fromWire(String value, String field) {
    return WireNames.parse(SafetyVerdict.class, value, field, "safety verdict");
  }

  /** How JSON names it; the codec puts the field's name on an unknown one. */
  @JsonCreator
  static SafetyVerdict fromJson(String value) {
    return fromWire(value, WireNames.UNNAMED_FIELD);
  }
}
