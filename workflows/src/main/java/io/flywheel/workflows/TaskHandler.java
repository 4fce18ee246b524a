package io.flywheel.workflows;

import java.util.Map;

/** The work behind a task type. Must be idempotent: a retry may run it again. */
@FunctionalInterface
public interface TaskHandler {
  /** Runs with rendered parameters; returns outputs later tasks may reference. */
  Map<String, String> run(TaskContext context) throws Exception;
}
