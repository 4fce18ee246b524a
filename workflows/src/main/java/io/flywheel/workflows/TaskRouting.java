package io.flywheel.workflows;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the DAG workflow needs of a task type to schedule it: its task queue and whether it
 * heartbeats. Carried in each run's input, so the workflow reads nothing the worker process holds
 * (its replays are deterministic whichever worker runs them).
 */
public record TaskRouting(String queue, Duration heartbeatTimeout) {

  /** The routing of every task type the pipeline uses, as the catalog defines them now. */
  static Map<String, TaskRouting> of(PipelineSpec pipeline, TaskCatalog catalog) {
    Map<String, TaskRouting> routing = new LinkedHashMap<>();
    for (TaskSpec task : pipeline.tasks()) {
      if (catalog.knows(task.type())) {
        TaskType type = catalog.type(task.type());
        routing.put(task.type(), new TaskRouting(type.queue(), type.heartbeatTimeout()));
      }
    }
    return Map.copyOf(routing);
  }
}
