package io.flywheel.core;

/** Outcome of the safety and quality checks a content item passed (or not) before delivery. */
public enum SafetyVerdict {
  PENDING("pending"),
  APPROVED("approved"),
  REJECTED("rejected");

  private final String wireName;

  SafetyVerdict(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static SafetyVerdict fromWire(String value, String field) {
    for (SafetyVerdict verdict : values()) {
      if (verdict.wireName.equals(value)) {
        return verdict;
      }
    }
    throw new InvalidRecordException(field,
        "unknown safety verdict \"" + value + "\" (expected pending, approved or rejected)");
  }
}
