package io.flywheel.workflows;

import java.util.Map;

/**
 * What a running task knows: its run and task ids (for idempotency keys), its rendered parameters,
 * which attempt this is, and a heartbeat for long work.
 */
public interface TaskContext {
  String runId();

  String taskId();

  int attempt();

  Map<String, String> params();

  /** Tells the service the task is alive (and carries progress details). */
  void heartbeat(String details);

  default String param(String name) {
    String value = params().get(name);
    if (value == null) {
      throw new IllegalArgumentException("param '" + name + "' is missing");
    }
    return value;
  }
}
