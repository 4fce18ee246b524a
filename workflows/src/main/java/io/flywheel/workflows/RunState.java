package io.flywheel.workflows;

import java.util.Map;

/**
 * A pipeline run as the console shows it: overall status and every task's state, attempts, times,
 * outputs and error.
 *
 * @param status RUNNING, PAUSED, SUCCEEDED, FAILED, CANCELLED, or LOST (the service that ran it is
 *     gone and no longer knows it; its last known task states are kept)
 * @param message why a run is LOST (null otherwise)
 */
public record RunState(
    String runId,
    String pipeline,
    String logicalDate,
    String status,
    Map<String, TaskRun> tasks,
    String message) {
  public static final String LOST = "LOST";

  /** Whether the run has ended: it will change no more. */
  public boolean ended() {
    return switch (status) {
      case "SUCCEEDED", "FAILED", "CANCELLED", LOST -> true;
      default -> false;
    };
  }

  /** One task's part of a run. */
  public record TaskRun(
      TaskState state,
      int attempts,
      long startedAt,
      long endedAt,
      Map<String, String> outputs,
      String error) {}
}
