package io.flywheel.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * A pipeline's trigger, armed: checks its sensor every {@code every} and starts one run per new
 * condition, for as long as it is armed (it continues as new now and then, so its history stays
 * small).
 */
@WorkflowInterface
public interface TriggerWorkflow {
  @WorkflowMethod
  void watch(PipelineSpec pipeline, String triggerId);

  /** Runs this execution has started, newest last. */
  @QueryMethod
  List<String> started();
}
