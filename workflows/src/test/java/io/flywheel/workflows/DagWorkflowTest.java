package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DAG runs on Temporal's own service over a real loopback port, with a real worker. */
class DagWorkflowTest {
  static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();
  static final LocalDate DAY = LocalDate.of(2026, 3, 14);

  /** Holds the first attempt of a "hang" task the way a dead process would: silently. */
  static final java.util.concurrent.CountDownLatch RELEASE =
      new java.util.concurrent.CountDownLatch(1);

  @TempDir static Path home;
  static LocalTemporal temporal;
  static Pipelines pipelines;
  static FlywheelWorker worker;
  static TaskCatalog catalog;

  @BeforeAll
  static void start() throws Exception {
    catalog =
        TaskCatalog.withGenericTasks()
            .add(
                new TaskType(
                    "count",
                    TaskType.TRAINING_QUEUE,
                    List.of(),
                    false,
                    ctx -> {
                      EXECUTIONS
                          .computeIfAbsent(
                              ctx.runId() + "/" + ctx.taskId(), k -> new AtomicInteger())
                          .incrementAndGet();
                      return Map.of("attempt", Integer.toString(ctx.attempt()));
                    }))
            .add(
                new TaskType(
                    "fail-on-date",
                    TaskType.DEFAULT_QUEUE,
                    List.of("day", "bad"),
                    false,
                    ctx -> {
                      if (ctx.param("day").equals(ctx.param("bad"))) {
                        throw new IllegalStateException("bad day " + ctx.param("day"));
                      }
                      return Map.of("day", ctx.param("day"));
                    }))
            .add(
                new TaskType(
                    "hang-once",
                    TaskType.TRAINING_QUEUE,
                    List.of(),
                    true,
                    ctx -> {
                      if (ctx.attempt() == 1) {
                        ctx.heartbeat("started");
                        while (RELEASE.getCount() > 0) {
                          try {
                            RELEASE.await();
                          } catch (InterruptedException e) {
                            // a dead process does not answer its interrupts either
                          }
                        }
                        return Map.of();
                      }
                      return Map.of("attempt", Integer.toString(ctx.attempt()));
                    }))
            .addSensor(
                new SensorType(
                    "folder",
                    List.of("dir"),
                    true,
                    params -> {
                      // One condition per date=YYYY-MM-DD folder: a data-arrival trigger in
                      // miniature.
                      try (var children = java.nio.file.Files.list(Path.of(params.get("dir")))) {
                        return children
                            .map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("date="))
                            .sorted()
                            .map(
                                n ->
                                    new SensorType.Firing(
                                        n,
                                        LocalDate.parse(n.substring(5)),
                                        Map.of(),
                                        "new folder " + n))
                            .toList();
                      }
                    }));
    temporal = LocalTemporal.start(0);
    pipelines = Pipelines.connect(temporal.address(), "default", catalog, home);
    worker = FlywheelWorker.start(pipelines, true);
  }

  @AfterAll
  static void stop() {
    RELEASE.countDown();
    worker.close();
    pipelines.close();
    temporal.close();
  }

  @Test
  void readyTasksRunInParallelWithRenderedParametersAndOutputs() throws Exception {
    PipelineSpec spec =
        PipelineSpec.builder("fan-out")
            .param("region", "eu")
            .task("start", "noop", Map.of("day", "{{ ds }}", "region", "{{ params.region }}"))
            .task("left", "sleep", Map.of("duration", "600ms"), "start")
            .task("right", "sleep", Map.of("duration", "600ms"), "start")
            .task(
                "join",
                "noop",
                Map.of("from", "{{ tasks.start.day }}/{{ run_id }}"),
                "left",
                "right")
            .build();
    String runId = pipelines.submit(spec, Map.of("region", "us"), DAY);
    RunState state = pipelines.await(runId, Duration.ofSeconds(30));
    assertThat(state.status()).isEqualTo("SUCCEEDED");
    assertThat(state.tasks().get("start").outputs())
        .containsEntry("day", "2026-03-14")
        .containsEntry("region", "us");
    assertThat(state.tasks().get("join").outputs().get("from")).isEqualTo("2026-03-14/" + runId);
    RunState.TaskRun left = state.tasks().get("left");
    RunState.TaskRun right = state.tasks().get("right");
    assertThat(left.startedAt()).isLessThan(right.endedAt());
    assertThat(right.startedAt()).isLessThan(left.endedAt());
    assertThat(pipelines.runs())
        .anySatisfy(
            r -> {
              assertThat(r.runId()).isEqualTo(runId);
              assertThat(r.lastState().status()).isEqualTo("SUCCEEDED");
            });
  }

  @Test
  void failuresAreRetriedAndTriggerRulesDecideWhatRunsAfter() throws Exception {
    PipelineSpec spec =
        PipelineSpec.builder("rules")
            .task(
                new TaskSpec(
                    "gate",
                    "check",
                    Map.of("condition", "false", "message", "auc below threshold"),
                    List.of(),
                    2,
                    Duration.ofMillis(100),
                    null,
                    null))
            .task("deploy", "noop", Map.of(), "gate")
            .task(
                new TaskSpec(
                    "alert",
                    "noop",
                    Map.of(),
                    List.of("gate"),
                    1,
                    null,
                    null,
                    TriggerRule.ONE_FAILED))
            .task(
                new TaskSpec(
                    "cleanup",
                    "noop",
                    Map.of(),
                    List.of("deploy", "alert"),
                    1,
                    null,
                    null,
                    TriggerRule.ALL_DONE))
            .build();
    RunState state = pipelines.await(pipelines.submit(spec, Map.of(), DAY), Duration.ofSeconds(30));
    assertThat(state.status()).isEqualTo("FAILED");
    assertThat(state.tasks().get("gate").state()).isEqualTo(TaskState.FAILED);
    assertThat(state.tasks().get("gate").attempts()).isEqualTo(2);
    assertThat(state.tasks().get("gate").error()).contains("auc below threshold");
    assertThat(state.tasks().get("deploy").state()).isEqualTo(TaskState.UPSTREAM_FAILED);
    assertThat(state.tasks().get("alert").state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(state.tasks().get("cleanup").state()).isEqualTo(TaskState.SUCCEEDED);
  }

  @Test
  void approvalWaitsForAPersonAndTimesOut() throws Exception {
    PipelineSpec spec =
        PipelineSpec.builder("approve")
            .task("ask", "approval", Map.of("timeout", "20s"))
            .task("after", "noop", Map.of(), "ask")
            .build();
    String runId = pipelines.submit(spec, Map.of(), DAY);
    waitFor(runId, s -> s.tasks().get("ask").state() == TaskState.RUNNING);
    pipelines.approve(runId, "ask");
    assertThat(pipelines.await(runId, Duration.ofSeconds(30)).status()).isEqualTo("SUCCEEDED");

    PipelineSpec quick =
        PipelineSpec.builder("approve-late")
            .task("ask", "approval", Map.of("timeout", "1s"))
            .task("after", "noop", Map.of(), "ask")
            .build();
    RunState late = pipelines.await(pipelines.submit(quick, Map.of(), DAY), Duration.ofSeconds(30));
    assertThat(late.status()).isEqualTo("FAILED");
    assertThat(late.tasks().get("ask").error()).contains("not approved within PT1S");
    assertThat(late.tasks().get("after").state()).isEqualTo(TaskState.UPSTREAM_FAILED);
  }

  @Test
  void cancellingStopsTheRunningTaskAndSkipsTheRest() throws Exception {
    PipelineSpec spec =
        PipelineSpec.builder("cancel-me")
            .task("long", "sleep", Map.of("duration", "60s"))
            .task("next", "noop", Map.of(), "long")
            .build();
    String runId = pipelines.submit(spec, Map.of(), DAY);
    waitFor(runId, s -> s.tasks().get("long").state() == TaskState.RUNNING);
    assertThat(pipelines.status(runId).orElseThrow().status()).isEqualTo("RUNNING");
    long began = System.nanoTime();
    pipelines.cancel(runId);
    RunState state = pipelines.await(runId, Duration.ofSeconds(30));
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(15));
    assertThat(state.status()).isEqualTo("CANCELLED");
    assertThat(state.tasks().get("next").state()).isEqualTo(TaskState.SKIPPED);
    assertThat(state.tasks().get("long").state()).isEqualTo(TaskState.FAILED);
  }

  @Test
  void invalidPipelinesAreRefusedBeforeAnythingStarts() throws Exception {
    int before = pipelines.runs().size();
    PipelineSpec bad =
        PipelineSpec.builder("bad")
            .task("a", "noop", Map.of(), "c")
            .task("b", "teleport", Map.of())
            .task("c", "sleep", Map.of("x", "{{ params.nope }}"), "a")
            .build();
    assertThatThrownBy(() -> pipelines.submit(bad, Map.of(), DAY))
        .isInstanceOfSatisfying(
            PipelineException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).contains("unknown task type 'teleport'"))
                    .anySatisfy(p -> assertThat(p).contains("missing parameter 'duration'"))
                    .anySatisfy(p -> assertThat(p).contains("cycle"))
                    .anySatisfy(p -> assertThat(p).contains("{{ params.nope }}")));
    PipelineSpec good = PipelineSpec.builder("good").task("a", "noop", Map.of()).build();
    assertThatThrownBy(() -> pipelines.submit(good, Map.of("unknown", "1"), DAY))
        .hasMessageContaining("param 'unknown' is not declared");
    assertThat(pipelines.runs()).hasSize(before);
  }

  @Test
  void aRunSurvivesItsWorkerDyingWithoutRedoingFinishedTasks() throws Exception {
    PipelineSpec spec =
        PipelineSpec.builder("durable")
            .task("first", "count", Map.of())
            .task(
                new TaskSpec(
                    "long",
                    "hang-once",
                    Map.of(),
                    List.of("first"),
                    3,
                    Duration.ofMillis(200),
                    Duration.ofMinutes(1),
                    null))
            .task("last", "count", Map.of(), "long")
            .build();
    String runId = pipelines.submit(spec, Map.of(), DAY);
    waitFor(runId, s -> s.tasks().get("long").state() == TaskState.RUNNING);
    worker.close(); // the worker process dies mid-task
    // A new worker process: its own connection to the service.
    Pipelines restarted = Pipelines.connect(temporal.address(), "default", catalog, home);
    worker = FlywheelWorker.start(restarted, true);
    RunState state;
    try {
      state = pipelines.await(runId, Duration.ofSeconds(30));
    } catch (java.util.concurrent.TimeoutException e) {
      var described =
          pipelines
              .client()
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(
                          io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                              .setWorkflowId(runId))
                      .build());
      var history = pipelines.client().fetchHistory(runId).getHistory().getEventsList();
      StringBuilder events = new StringBuilder();
      history.forEach(ev -> events.append(ev.getEventType()).append(' '));
      throw new AssertionError(
          "run did not finish: PENDING "
              + described.getPendingActivitiesList()
              + " WFT "
              + described.getPendingWorkflowTask()
              + " EVENTS "
              + events,
          e);
    }
    StringBuilder events = new StringBuilder();
    pipelines
        .client()
        .fetchHistory(runId)
        .getHistory()
        .getEventsList()
        .forEach(
            ev -> {
              events.append(ev.getEventType()).append(' ');
              if (ev.hasActivityTaskFailedEventAttributes()) {
                events.append(ev.getActivityTaskFailedEventAttributes().getFailure()).append(' ');
              }
              if (ev.hasActivityTaskTimedOutEventAttributes()) {
                events.append(ev.getActivityTaskTimedOutEventAttributes()).append(' ');
              }
            });
    assertThat(state.status()).as(events.toString()).isEqualTo("SUCCEEDED");
    assertThat(EXECUTIONS.get(runId + "/first").get()).isEqualTo(1);
    assertThat(EXECUTIONS.get(runId + "/last").get()).isEqualTo(1);
    // The hung attempt timed out on its heartbeat and the new worker ran attempt 2.
    assertThat(state.tasks().get("long").outputs()).containsEntry("attempt", "2");
  }

  @Test
  void backfillRunsEveryDateAFewAtATimeAndAFailedDateCanBeRetriedAlone() throws Exception {
    PipelineSpec spec =
        PipelineSpec.builder("daily")
            .param("bad", "2026-03-02")
            .task("work", "fail-on-date", Map.of("day", "{{ ds }}", "bad", "{{ params.bad }}"))
            .task("after", "noop", Map.of(), "work")
            .build();
    String backfill =
        pipelines.backfill(spec, Map.of(), LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 4), 2);
    Map<String, String> result = pipelines.awaitBackfill(backfill, Duration.ofSeconds(60));
    assertThat(result)
        .containsExactly(
            Map.entry("2026-03-01", "SUCCEEDED"),
            Map.entry("2026-03-02", "FAILED"),
            Map.entry("2026-03-03", "SUCCEEDED"),
            Map.entry("2026-03-04", "SUCCEEDED"));
    assertThat(pipelines.runs()).filteredOn(r -> r.runId().startsWith(backfill)).hasSize(4);
    assertThat(pipelines.status(backfill + "-2026-03-02").orElseThrow().tasks().get("work").error())
        .contains("bad day 2026-03-02");
    RunState retried =
        pipelines.await(
            pipelines.submit(spec, Map.of("bad", "none"), LocalDate.of(2026, 3, 2)),
            Duration.ofSeconds(30));
    assertThat(retried.status()).isEqualTo("SUCCEEDED");
    assertThatThrownBy(
            () ->
                pipelines.backfill(
                    spec, Map.of(), LocalDate.of(2026, 3, 4), LocalDate.of(2026, 3, 1), 2))
        .hasMessageContaining("before --from");
  }

  @Test
  void schedulesAndTriggersStartRunsByThemselvesOncePerCondition() throws Exception {
    Path inbox = java.nio.file.Files.createDirectories(home.resolve("inbox"));
    java.nio.file.Files.createDirectories(inbox.resolve("date=2026-03-01")); // the baseline
    PipelineSpec spec =
        PipelineSpec.builder("watched")
            .schedule("* * * * *")
            .param("source", "manual")
            .trigger(
                new TriggerSpec(
                    "inbox",
                    "folder",
                    Map.of("dir", inbox.toString(), "run.source", "inbox"),
                    Duration.ofSeconds(1)))
            .task("a", "noop", Map.of("day", "{{ ds }}", "source", "{{ params.source }}"))
            .build();
    assertThat(pipelines.arm(spec)).containsExactly("schedule-watched", "trigger-watched-inbox");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (pipelines.triggerHistory("watched", "inbox").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(pipelines.triggerHistory("watched", "inbox")).isPresent();

    // New data arrives: exactly one run, for its date, with the trigger's run params.
    java.nio.file.Files.createDirectories(inbox.resolve("date=2026-03-02"));
    String runId = "watched-2026-03-02-inbox-date_2026-03-02";
    waitFor(runId, s -> "SUCCEEDED".equals(s.status()));
    assertThat(pipelines.status(runId).orElseThrow().tasks().get("a").outputs())
        .containsEntry("day", "2026-03-02")
        .containsEntry("source", "inbox");
    Thread.sleep(2_500); // more checks see the same folders
    TriggerHistory history = pipelines.triggerHistory("watched", "inbox").orElseThrow();
    assertThat(history.fired()).extracting(TriggerHistory.Firing::runId).containsExactly(runId);
    assertThat(history.seen()).containsExactly("date=2026-03-01", "date=2026-03-02");
    assertThat(pipelines.runs()).noneMatch(r -> r.logicalDate().equals("2026-03-01"));

    // (The cron schedule's firings are tested on skipped time: ScheduleTest.)
    pipelines.disarm(spec);

    PipelineSpec bad =
        PipelineSpec.builder("badly-armed")
            .schedule("every day at noon")
            .trigger(new TriggerSpec("x", "telepathy", Map.of("run.nope", "1"), null))
            .task("a", "noop", Map.of())
            .build();
    assertThatThrownBy(() -> pipelines.arm(bad))
        .isInstanceOfSatisfying(
            PipelineException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p -> assertThat(p).startsWith("schedule: 'every day at noon' is not"))
                    .anySatisfy(p -> assertThat(p).contains("unknown trigger type 'telepathy'"))
                    .anySatisfy(
                        p -> assertThat(p).contains("'run.nope' names no pipeline parameter")));
  }

  private static void waitFor(String runId, java.util.function.Predicate<RunState> condition)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      var state = pipelines.status(runId);
      if (state.isPresent() && state.get().tasks() != null && condition.test(state.get())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("run " + runId + " never reached the expected state");
  }
}
