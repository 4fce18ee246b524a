package io.flywheel.flink;

/** Told every half second how far a running job has read its input. */
@FunctionalInterface
public interface JobProgress {
  JobProgress NONE = (job, bytesRead, totalBytes, events) -> {};

  void update(String job, long bytesRead, long totalBytes, long events);
}
