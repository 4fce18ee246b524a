package io.flywheel.webconsole;

import io.flywheel.workflows.Orchestration;
import io.flywheel.workflows.PipelineSpec;
import io.flywheel.workflows.Pipelines;
import io.flywheel.workflows.RunState;
import io.flywheel.workflows.TaskSpec;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pipelines as Airflow shows them: a grid per pipeline (its latest runs × its tasks, each cell the
 * task's state as a colour and a letter) and one run's DAG (laid out here, drawn as SVG) with each
 * task's attempts, times, outputs and error; run, approve, pause, resume and cancel.
 */
final class PipelinePages {
  static final int GRID_RUNS = 14;

  record Grid(
      String pipeline,
      String schedule,
      List<String> tasks,
      List<Pipelines.RunRecord> runs,
      List<io.flywheel.workflows.TriggerHistory> triggers) {
    String cell(Pipelines.RunRecord run, String task) {
      RunState s = run.lastState();
      if (s == null || s.tasks() == null || !s.tasks().containsKey(task)) {
        return "none";
      }
      return s.tasks().get(task).state().name();
    }
  }

  record Overview(List<Grid> grids, boolean connected) {}

  record TaskRow(
      String id,
      String type,
      String state,
      int attempts,
      String duration,
      Map<String, String> outputs,
      String error,
      boolean waitingForApproval) {}

  record RunPage(
      RunState state,
      DagLayout.Graph graph,
      List<TaskRow> tasks,
      Map<String, String> params,
      boolean connected) {
    boolean active() {
      return !state.ended();
    }
  }

  private final Sources sources;
  private final Views views;
  private final ConsoleSessions sessions;

  PipelinePages(Sources sources, Views views, ConsoleSessions sessions) {
    this.sources = sources;
    this.views = views;
    this.sessions = sessions;
  }

  void register(Javalin app) {
    app.get("/pipelines", this::grid);
    app.get("/pipelines/runs/{runId}", this::run);
    app.get("/pipelines/runs/{runId}/logs/{task}", this::log);
    app.post("/pipelines/{name}/run", this::submit);
    app.post("/pipelines/runs/{runId}/approve/{task}", ctx -> act(ctx, "approve"));
    app.post("/pipelines/runs/{runId}/pause", ctx -> act(ctx, "pause"));
    app.post("/pipelines/runs/{runId}/resume", ctx -> act(ctx, "resume"));
    app.post("/pipelines/runs/{runId}/cancel", ctx -> act(ctx, "cancel"));
  }

  private void grid(Context ctx) throws IOException {
    Map<String, PipelineSpec> specs = Orchestration.pipelineSpecs(sources.home());
    Map<String, List<Pipelines.RunRecord>> byPipeline = new LinkedHashMap<>();
    specs.keySet().forEach(name -> byPipeline.put(name, new ArrayList<>()));
    for (Pipelines.RunRecord r : Pipelines.recordedRuns(sources.home())) {
      List<Pipelines.RunRecord> list =
          byPipeline.computeIfAbsent(r.pipeline(), p -> new ArrayList<>());
      if (list.size() < GRID_RUNS) {
        list.add(r);
      }
    }
    Map<String, List<io.flywheel.workflows.TriggerHistory>> triggers = new LinkedHashMap<>();
    for (var t : Pipelines.triggerHistories(sources.home())) {
      triggers.computeIfAbsent(t.pipeline(), p -> new ArrayList<>()).add(t);
    }
    List<Grid> grids = new ArrayList<>();
    byPipeline.forEach(
        (name, runs) -> {
          PipelineSpec spec = specs.get(name);
          List<String> tasks =
              spec != null
                  ? spec.tasks().stream().map(TaskSpec::id).toList()
                  : runs.stream()
                      .filter(r -> r.lastState() != null && r.lastState().tasks() != null)
                      .findFirst()
                      .map(r -> List.copyOf(r.lastState().tasks().keySet()))
                      .orElse(List.of());
          // Oldest on the left, as a grid reads in time.
          List<Pipelines.RunRecord> chronological = new ArrayList<>(runs);
          java.util.Collections.reverse(chronological);
          grids.add(
              new Grid(
                  name,
                  spec == null ? null : spec.schedule(),
                  tasks,
                  chronological,
                  triggers.getOrDefault(name, List.of())));
        });
    views.page(
        ctx,
        "pipelines.jte",
        "Pipelines",
        "pipelines",
        new Overview(grids, sources.pipelinesConnected()));
  }

  private void run(Context ctx) throws IOException {
    String runId = ctx.pathParam("runId");
    Optional<RunState> state = status(runId);
    if (state.isEmpty()) {
      views.problem(ctx, HttpStatus.NOT_FOUND, "Not found", "No pipeline run " + runId);
      return;
    }
    RunState s = state.get();
    PipelineSpec spec = Orchestration.pipelineSpecs(sources.home()).get(s.pipeline());
    List<TaskSpec> tasks = spec == null ? List.of() : spec.tasks();
    Map<String, String> states = new LinkedHashMap<>();
    if (s.tasks() != null) {
      s.tasks().forEach((id, t) -> states.put(id, t.state().name()));
    }
    List<TaskRow> rows = new ArrayList<>();
    for (TaskSpec t : tasks) {
      RunState.TaskRun tr = s.tasks() == null ? null : s.tasks().get(t.id());
      rows.add(
          new TaskRow(
              t.id(),
              t.type(),
              tr == null ? "PENDING" : tr.state().name(),
              tr == null ? 0 : tr.attempts(),
              tr == null || tr.startedAt() <= 0
                  ? ""
                  : duration(
                      (tr.endedAt() > 0 ? tr.endedAt() : System.currentTimeMillis())
                          - tr.startedAt()),
              tr == null || tr.outputs() == null ? Map.of() : tr.outputs(),
              tr == null ? null : tr.error(),
              tr != null
                  && t.type().equals("approval")
                  && tr.state() == io.flywheel.workflows.TaskState.RUNNING));
    }
    Map<String, String> params =
        Pipelines.recordedRun(sources.home(), runId)
            .map(Pipelines.RunRecord::params)
            .orElse(Map.of());
    views.page(
        ctx,
        "pipeline-run.jte",
        s.pipeline() + " · " + s.logicalDate(),
        "pipelines",
        new RunPage(s, DagLayout.of(tasks, states), rows, params, sources.pipelinesConnected()));
  }

  record TaskLog(String runId, String task, String text) {}

  private void log(Context ctx) throws IOException {
    String runId = ctx.pathParam("runId");
    String task = ctx.pathParam("task");
    String text =
        io.flywheel.workflows.TaskLogs.of(sources.home())
            .read(runId, task)
            .orElse("(no log: the task has not run, or ran before task logs were kept)");
    views.page(
        ctx, "task-log.jte", task + " · " + runId, "pipelines", new TaskLog(runId, task, text));
  }

  private Optional<RunState> status(String runId) throws IOException {
    if (sources.pipelines() != null) {
      return sources.pipelines().status(runId);
    }
    return Pipelines.recordedRun(sources.home(), runId).map(Pipelines.RunRecord::lastState);
  }

  private void submit(Context ctx) throws Exception {
    sessions.requireAction(ctx);
    Pipelines pipelines = connected();
    String name = ctx.pathParam("name");
    PipelineSpec spec = Orchestration.pipelineSpecs(sources.home()).get(name);
    if (spec == null) {
      throw new IllegalArgumentException("pipeline: no pipeline '" + name + "'");
    }
    String runId = pipelines.submit(spec, Map.of(), LocalDate.now(ZoneOffset.UTC));
    ctx.redirect("/pipelines/runs/" + runId, HttpStatus.SEE_OTHER);
  }

  private void act(Context ctx, String action) {
    sessions.requireAction(ctx);
    Pipelines pipelines = connected();
    String runId = ctx.pathParam("runId");
    switch (action) {
      case "approve" -> pipelines.approve(runId, ctx.pathParam("task"));
      case "pause" -> pipelines.pause(runId);
      case "resume" -> pipelines.resume(runId);
      default -> pipelines.cancel(runId);
    }
    ctx.redirect("/pipelines/runs/" + runId, HttpStatus.SEE_OTHER);
  }

  private Pipelines connected() {
    if (sources.pipelines() == null) {
      throw new ConsoleSessions.Refused(
          HttpStatus.SERVICE_UNAVAILABLE,
          "No pipelines service is connected (start `flywheel up` or `flywheel pipelines serve`).");
    }
    return sources.pipelines();
  }

  static String duration(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    long s = millis / 1000;
    return s < 120 ? s + " s" : s / 60 + " min " + s % 60 + " s";
  }
}
