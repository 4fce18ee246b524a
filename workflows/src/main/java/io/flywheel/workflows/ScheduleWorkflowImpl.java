package io.flywheel.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** See {@link ScheduleWorkflow}. */
public final class ScheduleWorkflowImpl implements ScheduleWorkflow {
  @Override
  public String fire(PipelineSpec pipeline) {
    TriggerActivities starts =
        Workflow.newActivityStub(
            TriggerActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(TaskType.DEFAULT_QUEUE)
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
                .build());
    return starts.startScheduled(pipeline, Workflow.currentTimeMillis());
  }
}
