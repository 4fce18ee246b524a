package io.flywheel.workflows;

import java.util.List;

/**
 * What a trigger has done, kept under {@code HOME/workflows/triggers}: whether its first check (the
 * baseline) happened, the condition keys already acted on, the runs it started and its last check.
 */
public record TriggerHistory(
    String pipeline,
    String trigger,
    String type,
    boolean armed,
    List<String> seen,
    List<Firing> fired,
    long lastCheckAt,
    String lastError) {

  public TriggerHistory {
    seen = seen == null ? List.of() : List.copyOf(seen);
    fired = fired == null ? List.of() : List.copyOf(fired);
  }

  /** One run a trigger started, and why. */
  public record Firing(String key, String runId, String logicalDate, String reason, long at) {}
}
