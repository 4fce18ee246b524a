package io.flywheel.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flywheel.core.AtomicFiles;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Submitting and following pipeline runs. Each run is a {@link DagWorkflow} with the run id as its
 * workflow id; Flywheel keeps its own index of runs under {@code HOME/workflows/runs} (pipeline,
 * date, parameters, last known state), because the embedded service answers visibility queries with
 * UNIMPLEMENTED and forgets everything when it restarts.
 */
public final class Pipelines implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final TaskCatalog catalog;
  private final Path index;
  private final Path triggers;

  private Pipelines(
      WorkflowServiceStubs service,
      WorkflowClient client,
      TaskCatalog catalog,
      Path index,
      Path triggers) {
    this.service = service;
    this.client = client;
    this.catalog = catalog;
    this.index = index;
    this.triggers = triggers;
  }

  /** A client of the service at {@code address} in {@code namespace}. */
  public static Pipelines connect(String address, String namespace, TaskCatalog catalog, Path home)
      throws IOException {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    Path index = Files.createDirectories(home.resolve("workflows").resolve("runs"));
    Path triggers = Files.createDirectories(home.resolve("workflows").resolve("triggers"));
    return new Pipelines(service, client, catalog, index, triggers);
  }

  /**
   * Over an existing client (Temporal's time-skipping test environment, say); closing leaves the
   * client's service to its owner.
   */
  static Pipelines using(WorkflowClient client, TaskCatalog catalog, Path home) throws IOException {
    Path index = Files.createDirectories(home.resolve("workflows").resolve("runs"));
    Path triggers = Files.createDirectories(home.resolve("workflows").resolve("triggers"));
    return new Pipelines(null, client, catalog, index, triggers);
  }

  public WorkflowClient client() {
    return client;
  }

  public TaskCatalog catalog() {
    return catalog;
  }

  /**
   * Validates and starts a run; returns its id. An invalid pipeline or parameter is refused before
   * anything starts.
   */
  public String submit(PipelineSpec spec, Map<String, String> params, LocalDate logicalDate)
      throws IOException {
    return submit(
        spec,
        params,
        logicalDate,
        spec.name() + "-" + logicalDate + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * As above with the run id chosen by the caller (triggers and schedules derive it from what
   * started the run): a second submission of the same id starts nothing and returns the id.
   */
  public String submit(
      PipelineSpec spec, Map<String, String> params, LocalDate logicalDate, String runId)
      throws IOException {
    PipelineValidator.validate(spec, catalog);
    for (String key : params.keySet()) {
      if (!spec.params().containsKey(key)) {
        throw new PipelineException(
            spec.name(),
            List.of(
                "param '"
                    + key
                    + "' is not declared "
                    + "by the pipeline (declared: "
                    + spec.params().keySet()
                    + ")"));
      }
    }
    safe(runId);
    DagWorkflow stub =
        client.newWorkflowStub(
            DagWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(runId)
                .setTaskQueue(DagWorkflowImpl.QUEUE)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build());
    DagRun run =
        new DagRun(
            runId, spec, Map.copyOf(params), logicalDate.toString(), TaskRouting.of(spec, catalog));
    try {
      WorkflowClient.start(stub::run, run);
    } catch (io.temporal.client.WorkflowExecutionAlreadyStarted e) {
      return runId;
    }
    record(
        new RunRecord(
            runId,
            spec.name(),
            logicalDate.toString(),
            Map.copyOf(params),
            System.currentTimeMillis(),
            null));
    return runId;
  }

  /**
   * Arms the pipeline's schedule (a cron workflow, {@code schedule-NAME}) and triggers (one
   * watching workflow each, {@code trigger-NAME-ID}), replacing any armed before (the spec may have
   * changed). Returns the armed workflow ids.
   */
  public List<String> arm(PipelineSpec spec) {
    PipelineValidator.validate(spec, catalog);
    List<String> armed = new ArrayList<>();
    if (spec.schedule() != null) {
      String id = "schedule-" + spec.name();
      stop(id);
      ScheduleWorkflow schedule =
          client.newWorkflowStub(
              ScheduleWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(DagWorkflowImpl.QUEUE)
                  .setCronSchedule(spec.schedule())
                  .build());
      WorkflowClient.start(schedule::fire, spec);
      armed.add(id);
    }
    for (TriggerSpec t : spec.triggers()) {
      String id = "trigger-" + spec.name() + "-" + t.id();
      stop(id);
      TriggerWorkflow watcher =
          client.newWorkflowStub(
              TriggerWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(DagWorkflowImpl.QUEUE)
                  .build());
      WorkflowClient.start(watcher::watch, spec, t.id());
      armed.add(id);
    }
    return armed;
  }

  /** Stops the pipeline's armed schedule and triggers (runs they started go on). */
  public void disarm(PipelineSpec spec) {
    stop("schedule-" + spec.name());
    spec.triggers().forEach(t -> stop("trigger-" + spec.name() + "-" + t.id()));
  }

  /** Stops an armed schedule or trigger, if it runs. */
  private void stop(String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).terminate("re-armed");
    } catch (RuntimeException notRunning) {
      // nothing armed under that id
    }
  }

  /** What a trigger has done (its baseline, the runs it started, its last check). */
  public Optional<TriggerHistory> triggerHistory(String pipeline, String trigger)
      throws IOException {
    Path file = triggers.resolve(safe(pipeline) + "--" + safe(trigger) + ".json");
    return Files.isRegularFile(file)
        ? Optional.of(JSON.readValue(file.toFile(), TriggerHistory.class))
        : Optional.empty();
  }

  /**
   * Waits up to {@code timeout} for an armed trigger's first check to be recorded; empty if none
   * came. (Its history is a file the trigger's activity writes, so this watches the file.)
   */
  public Optional<TriggerHistory> awaitTriggerCheck(
      String pipeline, String trigger, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<TriggerHistory> history = triggerHistory(pipeline, trigger);
    while (history.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      history = triggerHistory(pipeline, trigger);
    }
    return history;
  }

  /** Every trigger's history under {@code home}. */
  public static List<TriggerHistory> triggerHistories(Path home) throws IOException {
    Path triggers = home.resolve("workflows").resolve("triggers");
    List<TriggerHistory> out = new ArrayList<>();
    if (!Files.isDirectory(triggers)) {
      return out;
    }
    try (Stream<Path> files = Files.list(triggers)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        out.add(JSON.readValue(f.toFile(), TriggerHistory.class));
      }
    }
    return out;
  }

  synchronized void saveTriggerHistory(TriggerHistory history) throws IOException {
    AtomicFiles.writeString(
        triggers.resolve(safe(history.pipeline()) + "--" + safe(history.trigger()) + ".json"),
        JSON.writeValueAsString(history));
  }

  /**
   * Runs the pipeline for every date from {@code from} to {@code to} (inclusive) as child runs, at
   * most {@code parallelism} at a time; returns the backfill's id. Each child run is indexed like
   * any run ({@code <backfill>-<date>}).
   */
  public String backfill(
      PipelineSpec spec, Map<String, String> params, LocalDate from, LocalDate to, int parallelism)
      throws IOException {
    PipelineValidator.validate(spec, catalog);
    if (to.isBefore(from)) {
      throw new PipelineException(
          spec.name(), List.of("backfill: --to " + to + " is before --from " + from));
    }
    if (parallelism < 1) {
      throw new PipelineException(
          spec.name(), List.of("backfill: parallelism must be at " + "least 1"));
    }
    List<String> dates = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      dates.add(d.toString());
    }
    String backfillId = spec.name() + "-backfill-" + UUID.randomUUID().toString().substring(0, 8);
    BackfillWorkflow stub =
        client.newWorkflowStub(
            BackfillWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(backfillId)
                .setTaskQueue(DagWorkflowImpl.QUEUE)
                .build());
    WorkflowClient.start(
        stub::run,
        new BackfillRun(
            backfillId,
            spec,
            Map.copyOf(params),
            dates,
            parallelism,
            TaskRouting.of(spec, catalog)));
    for (String d : dates) {
      record(
          new RunRecord(
              backfillId + "-" + d,
              spec.name(),
              d,
              Map.copyOf(params),
              System.currentTimeMillis(),
              null));
    }
    return backfillId;
  }

  /** Waits for a backfill and returns the status of each date. */
  @SuppressWarnings("unchecked")
  public Map<String, String> awaitBackfill(String backfillId, Duration timeout) throws Exception {
    Map<String, String> result = result(backfillId, timeout, Map.class);
    for (String date : result.keySet()) {
      status(backfillId + "-" + date); // refreshes the index entry of each child run
    }
    return result;
  }

  /**
   * The run's state: asked of the service; else, when the service answers that it does not know the
   * run (a local service that died with its process), the run index's record marked {@code LOST}
   * unless it had ended; when the service cannot be reached, the last state Flywheel recorded.
   * Empty only when neither knows the run.
   */
  public Optional<RunState> status(String runId) throws IOException {
    try {
      RunState state = client.newWorkflowStub(DagWorkflow.class, runId).state();
      update(runId, state);
      return Optional.of(state);
    } catch (WorkflowNotFoundException gone) {
      Optional<RunRecord> record = read(runId);
      if (record.isEmpty()) {
        return Optional.empty();
      }
      RunState last = record.get().lastState();
      if (last != null && last.ended()) {
        return Optional.of(last);
      }
      RunState lost =
          new RunState(
              runId,
              record.get().pipeline(),
              record.get().logicalDate(),
              RunState.LOST,
              last == null ? Map.of() : last.tasks(),
              "the Temporal service that ran "
                  + "it no longer knows it (a local service lives only as long as its process); "
                  + "the last known task states are kept; run the pipeline again for this date");
      update(runId, lost);
      return Optional.of(lost);
    } catch (RuntimeException unreachable) {
      return read(runId).map(RunRecord::lastState);
    }
  }

  /** The run a signal may go to: known to the service and not ended. */
  private DagWorkflow active(String runId, String what) {
    Optional<RunState> state;
    try {
      state = status(runId);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (state.isEmpty()) {
      throw new UnknownRunException(runId);
    }
    if (state.get().ended()) {
      throw new EndedRunException(runId, state.get().status(), what);
    }
    return client.newWorkflowStub(DagWorkflow.class, runId);
  }

  /** Waits up to {@code timeout} for the run to end and returns its final state. */
  public RunState await(String runId, Duration timeout) throws Exception {
    RunState state = result(runId, timeout, RunState.class);
    update(runId, state);
    return state;
  }

  /**
   * A workflow's result, asked for in short polls until {@code timeout}: the embedded service can
   * miss waking a long poll when a run ends from a timer.
   */
  private <T> T result(String workflowId, Duration timeout, Class<T> type) throws Exception {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      try {
        return stub.getResult(Math.min(left, 1_000), TimeUnit.MILLISECONDS, type);
      } catch (java.util.concurrent.TimeoutException e) {
        if (System.nanoTime() >= deadline) {
          throw e;
        }
      }
    }
  }

  /** Approves a task of a running run; an unknown or ended run is refused in plain words. */
  public void approve(String runId, String taskId) {
    active(runId, "approve").approve(taskId);
  }

  public void pause(String runId) {
    active(runId, "pause").pause();
  }

  public void resume(String runId) {
    active(runId, "resume").resume();
  }

  public void cancel(String runId) {
    active(runId, "cancel").cancel();
  }

  /** Where the tasks of this home's runs keep their logs (beside the run index). */
  TaskLogs taskLogs() {
    return new TaskLogs(index.resolveSibling("logs"));
  }

  /** Runs Flywheel knows of, newest first. */
  public List<RunRecord> runs() throws IOException {
    return runIndex(index);
  }

  /**
   * The runs a home's run index records, newest first, with their last recorded states: for readers
   * without a Temporal connection (the web console of a home whose service is down).
   */
  public static List<RunRecord> recordedRuns(Path home) throws IOException {
    Path dir = home.resolve("workflows").resolve("runs");
    return Files.isDirectory(dir) ? runIndex(dir) : List.of();
  }

  private static List<RunRecord> runIndex(Path index) throws IOException {
    List<RunRecord> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(index)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        out.add(JSON.readValue(f.toFile(), RunRecord.class));
      }
    }
    out.sort((a, b) -> Long.compare(b.submittedAt(), a.submittedAt()));
    return out;
  }

  /** One entry of Flywheel's run index. */
  public record RunRecord(
      String runId,
      String pipeline,
      String logicalDate,
      Map<String, String> params,
      long submittedAt,
      RunState lastState) {}

  private Optional<RunRecord> read(String runId) throws IOException {
    return read(index, runId);
  }

  /** One run of a home's run index, read alone (the index holds a file per run). */
  public static Optional<RunRecord> recordedRun(Path home, String runId) throws IOException {
    return read(home.resolve("workflows").resolve("runs"), runId);
  }

  private static Optional<RunRecord> read(Path index, String runId) throws IOException {
    Path file = index.resolve(safe(runId) + ".json");
    return Files.isRegularFile(file)
        ? Optional.of(JSON.readValue(file.toFile(), RunRecord.class))
        : Optional.empty();
  }

  private void update(String runId, RunState state) throws IOException {
    Optional<RunRecord> existing = read(runId);
    if (existing.isPresent()) {
      RunRecord r = existing.get();
      record(
          new RunRecord(
              r.runId(), r.pipeline(), r.logicalDate(), r.params(), r.submittedAt(), state));
    }
  }

  private void record(RunRecord record) throws IOException {
    AtomicFiles.writeString(
        index.resolve(safe(record.runId()) + ".json"), JSON.writeValueAsString(record));
  }

  private static String safe(String runId) {
    if (!runId.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("run: '" + runId + "' is not a run id");
    }
    return runId;
  }

  @Override
  public void close() {
    if (service != null) {
      service.shutdown();
      service.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
