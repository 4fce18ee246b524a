package io.flywheel.workflows;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** What triggers and schedules do outside the workflow: sense, and start runs (idempotently). */
@ActivityInterface
public interface TriggerActivities {
  /** Checks the trigger's sensor and starts a run per new condition; returns their ids. */
  List<String> check(PipelineSpec pipeline, String triggerId);

  /** Starts the scheduled run for the firing at {@code firedAtMillis}; returns its id. */
  String startScheduled(PipelineSpec pipeline, long firedAtMillis);
}
