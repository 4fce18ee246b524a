package io.flywheel.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** See {@link TriggerWorkflow}; a failed check is logged in the trigger's history and retried. */
public final class TriggerWorkflowImpl implements TriggerWorkflow {
  /** Checks per execution before continuing as new. */
  static final int CHECKS_PER_EXECUTION = 100;

  private final List<String> started = new ArrayList<>();

  @Override
  public void watch(PipelineSpec pipeline, String triggerId) {
    TriggerSpec trigger =
        pipeline.triggers().stream()
            .filter(t -> t.id().equals(triggerId))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "trigger: no trigger '" + triggerId + "' in " + pipeline.name()));
    TriggerActivities checks =
        Workflow.newActivityStub(
            TriggerActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(TaskType.DEFAULT_QUEUE)
                .setStartToCloseTimeout(Duration.ofMinutes(30))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setMaximumAttempts(3)
                        .setInitialInterval(Duration.ofSeconds(1))
                        .build())
                .build());
    for (int i = 0; i < CHECKS_PER_EXECUTION; i++) {
      try {
        started.addAll(checks.check(pipeline, triggerId));
      } catch (ActivityFailure e) {
        // The activity recorded why; the next check tries again.
      }
      Workflow.sleep(trigger.every());
    }
    Workflow.continueAsNew(pipeline, triggerId);
  }

  @Override
  public List<String> started() {
    return List.copyOf(started);
  }
}
