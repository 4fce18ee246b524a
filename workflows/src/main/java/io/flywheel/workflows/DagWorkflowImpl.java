package io.flywheel.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The generic DAG workflow: starts every task whose upstream tasks are done and whose trigger rule
 * holds, in parallel, each as an activity on its type's task queue with the task's retry policy and
 * timeout; approval tasks wait for a signal. Everything here is deterministic (Temporal replays it
 * after a crash), so times come from {@link Workflow#currentTimeMillis}.
 */
public final class DagWorkflowImpl implements DagWorkflow {
  /** The task queue of the workflows themselves. */
  public static final String QUEUE = "flywheel-pipelines";

  private final Map<String, RunState.TaskRun> tasks = new LinkedHashMap<>();
  private final Map<String, CancellationScope> scopes = new LinkedHashMap<>();
  private final Set<String> approvals = new HashSet<>();
  private DagRun run;
  private String status = "RUNNING";
  private boolean paused;
  private boolean cancelled;
  private int changes;

  @Override
  public RunState run(DagRun input) {
    this.run = input;
    for (TaskSpec t : input.pipeline().tasks()) {
      tasks.put(t.id(), new RunState.TaskRun(TaskState.QUEUED, 0, 0, 0, Map.of(), null));
    }
    while (true) {
      Workflow.await(() -> !paused || cancelled);
      if (cancelled) {
        for (String id : tasks.keySet()) {
          if (tasks.get(id).state() == TaskState.QUEUED) {
            set(id, TaskState.SKIPPED, 0, Map.of(), "run cancelled");
          }
        }
        scopes.values().forEach(CancellationScope::cancel);
        Workflow.await(() -> tasks.values().stream().allMatch(t -> t.state().done()));
        status = "CANCELLED";
        return state();
      }
      int seen = changes;
      startReadyTasks();
      if (tasks.values().stream().allMatch(t -> t.state().done())) {
        break;
      }
      if (changes != seen) {
        continue; // settled tasks (skipped, upstream failed) may have readied others
      }
      Workflow.await(() -> changes != seen || cancelled);
    }
    boolean failed =
        tasks.values().stream()
            .anyMatch(t -> t.state() == TaskState.FAILED || t.state() == TaskState.UPSTREAM_FAILED);
    status = failed ? "FAILED" : "SUCCEEDED";
    return state();
  }

  /** Starts (or settles) every queued task whose upstream is done. */
  private void startReadyTasks() {
    for (TaskSpec t : run.pipeline().tasks()) {
      if (tasks.get(t.id()).state() != TaskState.QUEUED || paused) {
        continue;
      }
      List<TaskState> ups = new ArrayList<>();
      for (String up : t.upstream()) {
        ups.add(tasks.get(up).state());
      }
      if (!ups.stream().allMatch(TaskState::done)) {
        continue;
      }
      boolean anyFailed =
          ups.stream().anyMatch(s -> s == TaskState.FAILED || s == TaskState.UPSTREAM_FAILED);
      boolean allSucceeded = ups.stream().allMatch(s -> s == TaskState.SUCCEEDED);
      switch (t.triggerRule()) {
        case ALL_SUCCESS -> {
          if (!allSucceeded) {
            set(
                t.id(),
                anyFailed ? TaskState.UPSTREAM_FAILED : TaskState.SKIPPED,
                0,
                Map.of(),
                anyFailed ? "an upstream task failed" : "an upstream task was skipped");
            continue;
          }
        }
        case ONE_FAILED -> {
          if (!anyFailed) {
            set(t.id(), TaskState.SKIPPED, 0, Map.of(), "no upstream task failed");
            continue;
          }
        }
        default -> {}
      }
      start(t);
    }
  }

  private void start(TaskSpec t) {
    Map<String, String> params;
    try {
      params = render(t);
    } catch (IllegalArgumentException e) {
      set(t.id(), TaskState.FAILED, 0, Map.of(), e.getMessage());
      return;
    }
    long now = Workflow.currentTimeMillis();
    tasks.put(t.id(), new RunState.TaskRun(TaskState.RUNNING, 1, now, 0, Map.of(), null));
    if (TaskType.APPROVAL.equals(t.type())) {
      if ("false".equalsIgnoreCase(params.getOrDefault("required", "true").trim())) {
        set(t.id(), TaskState.SUCCEEDED, 1, Map.of("approved", "not required"), null);
        return;
      }
      Duration timeout;
      try {
        timeout = Durations.parse("timeout", params.get("timeout"));
      } catch (IllegalArgumentException e) {
        set(t.id(), TaskState.FAILED, 1, Map.of(), e.getMessage());
        return;
      }
      Async.procedure(
          () -> {
            boolean approved =
                Workflow.await(timeout, () -> approvals.contains(t.id()) || cancelled);
            if (approvals.contains(t.id())) {
              set(t.id(), TaskState.SUCCEEDED, 1, Map.of("approved", "true"), null);
            } else {
              set(
                  t.id(),
                  TaskState.FAILED,
                  1,
                  Map.of(),
                  cancelled
                      ? "run cancelled"
                      : "not approved within " + timeout + (approved ? "" : " (timed out)"));
            }
          });
      return;
    }
    TaskRouting type = run.routing().get(t.type());
    if (type == null) {
      set(t.id(), TaskState.FAILED, 0, Map.of(), "no worker offers task type " + t.type());
      return;
    }
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder()
            .setTaskQueue(type.queue())
            .setStartToCloseTimeout(t.timeout())
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(t.maxAttempts())
                    .setInitialInterval(t.retryInterval())
                    .setBackoffCoefficient(2.0)
                    .setDoNotRetry("InvalidTaskParameters")
                    .build());
    if (type.heartbeatTimeout() != null) {
      options.setHeartbeatTimeout(type.heartbeatTimeout());
    }
    TaskActivities activities = Workflow.newActivityStub(TaskActivities.class, options.build());
    TaskCall call = new TaskCall(run.runId(), t.id(), t.type(), params);
    CancellationScope scope =
        Workflow.newCancellationScope(
            () -> {
              Promise<TaskResult> result = Async.function(activities::execute, call);
              result.handle(
                  (r, e) -> {
                    if (e == null) {
                      set(t.id(), TaskState.SUCCEEDED, r.attempt(), r.outputs(), null);
                    } else {
                      set(t.id(), TaskState.FAILED, attempts(e, t), Map.of(), reason(e));
                    }
                    return null;
                  });
            });
    scopes.put(t.id(), scope);
    scope.run();
  }

  private Map<String, String> render(TaskSpec t) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("ds", run.logicalDate());
    vars.put("ds_nodash", run.logicalDate().replace("-", ""));
    vars.put("run_id", run.runId());
    Map<String, String> params = new LinkedHashMap<>(run.pipeline().params());
    params.putAll(run.params());
    // A parameter may itself use the run's built-ins (from: "{{ ds }}").
    Map<String, String> builtIns = Map.copyOf(vars);
    params.forEach((k, v) -> vars.put("params." + k, Templates.render(v, builtIns)));
    tasks.forEach(
        (id, tr) -> {
          vars.put("tasks." + id + "." + Templates.STATE, tr.state().name());
          tr.outputs().forEach((k, v) -> vars.put("tasks." + id + "." + k, v));
        });
    // A task that did not succeed has no outputs: a downstream task that runs anyway (all_done,
    // one_failed) reads them as empty instead of failing on the template.
    for (String value : t.params().values()) {
      for (String ref : Templates.references(value)) {
        String[] parts = ref.split("\\.", 3);
        RunState.TaskRun up =
            parts.length == 3 && "tasks".equals(parts[0]) ? tasks.get(parts[1]) : null;
        if (up != null && up.state().done() && up.state() != TaskState.SUCCEEDED) {
          vars.putIfAbsent(ref, "");
        }
      }
    }
    Map<String, String> rendered = new LinkedHashMap<>();
    t.params().forEach((k, v) -> rendered.put(k, Templates.render(v, vars)));
    return rendered;
  }

  private static int attempts(Throwable e, TaskSpec t) {
    if (e instanceof ActivityFailure af
        && af.getCause() instanceof ApplicationFailure app
        && app.isNonRetryable()) {
      return 1;
    }
    return t.maxAttempts();
  }

  private static String reason(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof CanceledFailure) {
      return "cancelled";
    }
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause.getMessage();
  }

  private void set(
      String id, TaskState state, int attempts, Map<String, String> outputs, String error) {
    RunState.TaskRun before = tasks.get(id);
    tasks.put(
        id,
        new RunState.TaskRun(
            state, attempts, before.startedAt(), Workflow.currentTimeMillis(), outputs, error));
    changes++;
  }

  @Override
  public RunState state() {
    String shown = "RUNNING".equals(status) && paused ? "PAUSED" : status;
    return new RunState(
        run == null ? "" : run.runId(),
        run == null ? "" : run.pipeline().name(),
        run == null ? "" : run.logicalDate(),
        shown,
        new LinkedHashMap<>(tasks),
        null);
  }

  @Override
  public void pause() {
    paused = true;
    changes++;
  }

  @Override
  public void resume() {
    paused = false;
    changes++;
  }

  @Override
  public void cancel() {
    cancelled = true;
    changes++;
  }

  @Override
  public void approve(String taskId) {
    approvals.add(taskId);
    changes++;
  }
}
