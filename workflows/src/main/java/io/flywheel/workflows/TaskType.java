package io.flywheel.workflows;

import java.util.List;

/**
 * A kind of task pipelines may use: its task queue (so kinds of work scale apart), the
 * parameters it requires, and whether it heartbeats (then a silent attempt is failed early).
 */
public record TaskType(String name, String queue, List<String> requiredParams,
    boolean heartbeats, TaskHandler handler) {
  public static final String DEFAULT_QUEUE = "flywheel-tasks";
  public static final String FLINK_QUEUE = "flywheel-flink";
  public static final String TRAINING_QUEUE = "flywheel-training";
  public static final String SERVING_QUEUE = "flywheel-serving";
  /** Waits for a person's approve signal inside the workflow; not an activity. */
  public static final String APPROVAL = "approval";

  public TaskType {
    requiredParams = List.copyOf(requiredParams);
  }
}
