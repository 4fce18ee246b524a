package io.flywheel.flink;

/** Names of the accumulators a feature job reports (also exposed as Flink metrics). */
final class JobCounters {
  static final String MALFORMED = "malformed";
  static final String DUPLICATES = "duplicates";
  static final String LATE = "late";
  static final String ACCEPTED = "accepted";
  static final String EXAMPLES = "trainingExamples";
  static final String OPEN_WINDOWS = "openAttributionWindows";
  static final String SESSIONS = "sessions";
  static final String BYTES_READ = "bytesRead";
  static final String LINES_READ = "linesRead";
  static final String EXAMPLES_BEHIND_WATERMARK = "examplesBehindWatermark";

  private JobCounters() {}
}
