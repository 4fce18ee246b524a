package io.flywheel.workflows;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dispatches a task to its type's handler, with Temporal's heartbeat behind the context. */
final class TaskActivitiesImpl implements TaskActivities {
  private static final Logger LOG = LoggerFactory.getLogger(TaskActivitiesImpl.class);
  private final TaskCatalog catalog;
  private final TaskLogs logs;

  TaskActivitiesImpl(TaskCatalog catalog, TaskLogs logs) {
    this.catalog = catalog;
    this.logs = logs;
  }

  @Override
  public TaskResult execute(TaskCall call) {
    ActivityExecutionContext activity = Activity.getExecutionContext();
    int attempt = activity.getInfo().getAttempt();
    TaskContext context =
        new TaskContext() {
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
            if (details != null && !details.isBlank()) {
              logs.line(call.runId(), call.taskId(), details);
            }
          }
        };
    TaskType type = catalog.type(call.type());
    // A heartbeating type is kept alive while its handler works (a long XGBoost or Flink call
    // has no loop to beat from), so a dead worker is noticed within the heartbeat timeout
    // rather than the task's whole timeout.
    ScheduledExecutorService keepAlive = type.heartbeats() ? keepAlive(activity) : null;
    LOG.info(
        "run {} task {} ({}) attempt {} started",
        call.runId(),
        call.taskId(),
        call.type(),
        attempt);
    logs.line(
        call.runId(),
        call.taskId(),
        "attempt " + attempt + " started (" + call.type() + ", params " + call.params() + ")");
    try {
      Map<String, String> outputs = type.handler().run(context);
      LOG.info("run {} task {} attempt {} succeeded", call.runId(), call.taskId(), attempt);
      logs.line(call.runId(), call.taskId(), "attempt " + attempt + " succeeded: " + outputs);
      return new TaskResult(outputs == null ? Map.of() : Map.copyOf(outputs), attempt);
    } catch (io.temporal.client.ActivityCompletionException e) {
      throw e; // cancelled or timed out while heartbeating: Temporal's to report
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "run {} task {} attempt {}: bad parameters: {}",
          call.runId(),
          call.taskId(),
          attempt,
          e.getMessage());
      logs.line(
          call.runId(),
          call.taskId(),
          "attempt " + attempt + ": bad parameters: " + e.getMessage());
      // Bad parameters will not get better on a retry.
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "InvalidTaskParameters");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "Interrupted");
    } catch (Exception e) {
      LOG.warn("run {} task {} attempt {} failed", call.runId(), call.taskId(), attempt, e);
      logs.failure(call.runId(), call.taskId(), attempt, e);
      throw ApplicationFailure.newFailure(
          e.getClass().getSimpleName() + ": " + e.getMessage(), e.getClass().getSimpleName());
    } finally {
      if (keepAlive != null) {
        keepAlive.shutdownNow();
      }
    }
  }

  private static ScheduledExecutorService keepAlive(ActivityExecutionContext activity) {
    ScheduledExecutorService beat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "task-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long started = System.nanoTime();
    var unused =
        beat.scheduleAtFixedRate(
            () -> {
              try {
                activity.heartbeat(
                    "working for " + (System.nanoTime() - started) / 1_000_000_000 + " s");
              } catch (RuntimeException cancelledOrGone) {
                // The attempt was cancelled or timed out: the handler's thread hears of it too.
              }
            },
            1,
            1,
            TimeUnit.SECONDS);
    return beat;
  }
}
