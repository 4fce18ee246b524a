package io.flywheel.workflows;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A pipeline's cron schedule as a Temporal cron workflow (the embedded service has no Schedules
 * API): each firing starts one pipeline run whose logical date is the UTC date it fired.
 */
@WorkflowInterface
public interface ScheduleWorkflow {
  @WorkflowMethod
  String fire(PipelineSpec pipeline);
}
