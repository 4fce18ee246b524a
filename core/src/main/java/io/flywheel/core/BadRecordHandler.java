package io.flywheel.core;

/** What a {@link JsonLinesReader} does with a line that breaks the contract. */
@FunctionalInterface
public interface BadRecordHandler {

  void onBadRecord(BadRecord bad);

  /** Stops the read at the first bad line with a {@link BadRecordException}. */
  static BadRecordHandler failFast() {
    return bad -> {
      throw new BadRecordException(bad);
    };
  }
}
