package io.flywheel.workflows;

/** Where a task of a run stands. */
public enum TaskState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  SKIPPED,
  UPSTREAM_FAILED;

  public boolean done() {
    return this == SUCCEEDED || this == FAILED || this == SKIPPED || this == UPSTREAM_FAILED;
  }
}
