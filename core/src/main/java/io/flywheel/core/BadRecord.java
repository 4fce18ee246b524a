package io.flywheel.core;

/**
 * A line that could not be decoded: where it was, which field broke the contract, why, and the raw
 * text so it can be repaired and replayed.
 */
public record BadRecord(String source, long lineNumber, String field, String reason, String raw) {

  public String describe() {
    return source + ":" + lineNumber + ": field '" + field + "': " + reason;
  }
}
