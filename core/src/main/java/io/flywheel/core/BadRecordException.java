package io.flywheel.core;

/** Thrown by a fail-fast read at the first line that breaks the contract. */
public final class BadRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient BadRecord badRecord;

  public BadRecordException(BadRecord badRecord) {
    super(badRecord.describe());
    this.badRecord = badRecord;
  }

  public BadRecord badRecord() {
    return badRecord;
  }
}
