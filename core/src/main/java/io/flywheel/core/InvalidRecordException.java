package io.flywheel.core;

/**
 * A record that breaks the data contract. It always names the offending field (or {@code "line"}
 * when the text is not a JSON object at all) and the reason, so a dead-letter entry or an error
 * message tells the user exactly what to fix.
 */
public final class InvalidRecordException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String field;
  private final String reason;

  public InvalidRecordException(String field, String reason) {
    super("field '" + field + "': " + reason);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }

  static void require(boolean condition, String field, String reason) {
    if (!condition) {
      throw new InvalidRecordException(field, reason);
    }
  }

  /** Like {@link #require(boolean, String, String)}; the message is only built on failure. */
  static void require(boolean condition, String field, String reason, Object got) {
    if (!condition) {
      throw new InvalidRecordException(field, reason + got);
    }
  }

  static String requireText(String value, String field) {
    if (value == null) {
      throw new InvalidRecordException(field, "is required");
    }
    if (value.isBlank()) {
      throw new InvalidRecordException(field, "must not be blank");
    }
    return value;
  }
}
