package io.flywheel.workflows;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Every activity task type goes through this one method, dispatched by type. */
@ActivityInterface
public interface TaskActivities {
  @ActivityMethod
  TaskResult execute(TaskCall call);
}
