package io.flywheel.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Runs one pipeline run: the generic DAG workflow. */
@WorkflowInterface
public interface DagWorkflow {
  @WorkflowMethod
  RunState run(DagRun run);

  /** The whole run state, for the CLI and the console. */
  @QueryMethod
  RunState state();

  /** No new task starts until {@link #resume}; running ones finish. */
  @SignalMethod
  void pause();

  @SignalMethod
  void resume();

  /** Cancels running tasks and skips the rest. */
  @SignalMethod
  void cancel();

  /** A person approves the named approval task. */
  @SignalMethod
  void approve(String taskId);
}
