package io.flywheel.core;

/** Outcome of the safety and quality checks a content item passed (or not) before delivery. */
public enum SafetyVerdict implements WireNames.Named {
  PENDING("pending"),
  APPROVED("approved"),
  REJECTED("rejected");

  private final String wireName;

  SafetyVerdict(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }

  public static SafetyVerdict fromWire(String value, String field) {
    return WireNames.parse(SafetyVerdict.class, value, field, "safety verdict");
  }
}
