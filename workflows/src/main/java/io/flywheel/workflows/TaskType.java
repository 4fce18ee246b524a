package io.flywheel.workflows;

import java.time.Duration;
import java.util.List;

/**
 * A kind of task pipelines may use: its task queue (so kinds of work scale apart), the parameters
 * it requires, and how long its attempts may go without a heartbeat (null: it does not heartbeat);
 * a silent attempt is failed early and retried elsewhere.
 */
public record TaskType(
    String name,
    String queue,
    List<String> requiredParams,
    Duration heartbeatTimeout,
    TaskHandler handler) {
  /** The heartbeat timeout of types that beat from their own loop. */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

  /**
   * For long calls kept alive by the worker (a beat a second): room for a GC pause in a busy JVM,
   * still far sooner than the task's own timeout.
   */
  public static final Duration LONG_TASK_HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);

  public static final String DEFAULT_QUEUE = "flywheel-tasks";
  public static final String FLINK_QUEUE = "flywheel-flink";
  public static final String TRAINING_QUEUE = "flywheel-training";
  public static final String SERVING_QUEUE = "flywheel-serving";

  /** Waits for a person's approve signal inside the workflow; not an activity. */
  public static final String APPROVAL = "approval";

  public TaskType {
    requiredParams = List.copyOf(requiredParams);
  }

  /** A type that heartbeats within {@link #HEARTBEAT_TIMEOUT}, or not at all. */
  public TaskType(
      String name,
      String queue,
      List<String> requiredParams,
      boolean heartbeats,
      TaskHandler handler) {
    this(name, queue, requiredParams, heartbeats ? HEARTBEAT_TIMEOUT : null, handler);
  }

  public boolean heartbeats() {
    return heartbeatTimeout != null;
  }
}
