package io.flywheel.workflows;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;

/** Dispatches a task to its type's handler, with Temporal's heartbeat behind the context. */
final class TaskActivitiesImpl implements TaskActivities {
  private final TaskCatalog catalog;

  TaskActivitiesImpl(TaskCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public TaskResult execute(TaskCall call) {
    ActivityExecutionContext activity = Activity.getExecutionContext();
    int attempt = activity.getInfo().getAttempt();
    TaskContext context = new TaskContext() {
      @Override
      public String runId() {
        return call.runId();
      }

      @Override
      public String taskId() {
        return call.taskId();
      }

      @Override
      public int attempt() {
        return attempt;
      }

      @Override
      public Map<String, String> params() {
        return call.params();
      }

      @Override
      public void heartbeat(String details) {
        activity.heartbeat(details);
      }
    };
    try {
      Map<String, String> outputs = catalog.type(call.type()).handler().run(context);
      return new TaskResult(outputs == null ? Map.of() : Map.copyOf(outputs), attempt);
    } catch (io.temporal.client.ActivityCompletionException e) {
      throw e; // cancelled or timed out while heartbeating: Temporal's to report
    } catch (IllegalArgumentException e) {
      // Bad parameters will not get better on a retry.
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "InvalidTaskParameters");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "Interrupted");
    } catch (Exception e) {
      throw ApplicationFailure.newFailure(e.getClass().getSimpleName() + ": " + e.getMessage(),
          e.getClass().getSimpleName());
    }
  }
}
