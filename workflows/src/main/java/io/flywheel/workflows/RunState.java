package io.flywheel.workflows;

import java.util.Map;

/**
 * A pipeline run as the console shows it: overall status and every task's state, attempts,
 * times, outputs and error.
 *
 * @param status RUNNING, PAUSED, SUCCEEDED, FAILED or CANCELLED
 */
public record RunState(String runId, String pipeline, String logicalDate, String status,
    Map<String, TaskRun> tasks) {

  /** One task's part of a run. */
  public record TaskRun(TaskState state, int attempts, long startedAt, long endedAt,
      Map<String, String> outputs, String error) {}
}
