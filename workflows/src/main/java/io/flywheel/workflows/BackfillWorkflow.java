package io.flywheel.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.Map;

/** Runs a pipeline once per logical date of a range, as child runs, a few at a time. */
@WorkflowInterface
public interface BackfillWorkflow {
  @WorkflowMethod
  Map<String, String> run(BackfillRun backfill);

  /** Status per date so far (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED). */
  @QueryMethod
  Map<String, String> progress();
}
