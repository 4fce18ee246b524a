package io.flywheel.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * Submitting and following pipeline runs. Each run is a {@link DagWorkflow} with the run id as
 * its workflow id; Flywheel keeps its own index of runs under {@code HOME/workflows/runs}
 * (pipeline, date, parameters, last known state), because the embedded service answers
 * visibility queries with UNIMPLEMENTED and forgets everything when it restarts.
 */
public final class Pipelines implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final TaskCatalog catalog;
  private final Path index;

  private Pipelines(WorkflowServiceStubs service, WorkflowClient client, TaskCatalog catalog,
      Path index) {
    this.service = service;
    this.client = client;
    this.catalog = catalog;
    this.index = index;
  }

  /** A client of the service at {@code address} in {@code namespace}. */
  public static Pipelines connect(String address, String namespace, TaskCatalog catalog,
      Path home) throws IOException {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions
        .newBuilder().setNamespace(namespace).build());
    Path index = Files.createDirectories(home.resolve("workflows").resolve("runs"));
    return new Pipelines(service, client, catalog, index);
  }

  public WorkflowClient client() {
    return client;
  }

  /**
   * Validates and starts a run; returns its id. An invalid pipeline or parameter is refused
   * before anything starts.
   */
  public String submit(PipelineSpec spec, Map<String, String> params, LocalDate logicalDate)
      throws IOException {
    PipelineValidator.validate(spec, catalog);
    for (String key : params.keySet()) {
      if (!spec.params().containsKey(key)) {
        throw new PipelineException(spec.name(), List.of("param '" + key + "' is not declared "
            + "by the pipeline (declared: " + spec.params().keySet() + ")"));
      }
    }
    String runId = spec.name() + "-" + logicalDate + "-" + UUID.randomUUID().toString()
        .substring(0, 8);
    DagWorkflow stub = client.newWorkflowStub(DagWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(runId).setTaskQueue(DagWorkflowImpl.QUEUE)
        .setWorkflowIdReusePolicy(
            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .build());
    DagRun run = new DagRun(runId, spec, Map.copyOf(params), logicalDate.toString());
    WorkflowClient.start(stub::run, run);
    record(new RunRecord(runId, spec.name(), logicalDate.toString(), Map.copyOf(params),
        System.currentTimeMillis(), null));
    return runId;
  }

  /**
   * Runs the pipeline for every date from {@code from} to {@code to} (inclusive) as child runs,
   * at most {@code parallelism} at a time; returns the backfill's id. Each child run is indexed
   * like any run ({@code <backfill>-<date>}).
   */
  public String backfill(PipelineSpec spec, Map<String, String> params, LocalDate from,
      LocalDate to, int parallelism) throws IOException {
    PipelineValidator.validate(spec, catalog);
    if (to.isBefore(from)) {
      throw new PipelineException(spec.name(), List.of("backfill: --to " + to
          + " is before --from " + from));
    }
    if (parallelism < 1) {
      throw new PipelineException(spec.name(), List.of("backfill: parallelism must be at "
          + "least 1"));
    }
    List<String> dates = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      dates.add(d.toString());
    }
    String backfillId = spec.name() + "-backfill-" + UUID.randomUUID().toString()
        .substring(0, 8);
    BackfillWorkflow stub = client.newWorkflowStub(BackfillWorkflow.class, WorkflowOptions
        .newBuilder().setWorkflowId(backfillId).setTaskQueue(DagWorkflowImpl.QUEUE).build());
    WorkflowClient.start(stub::run, new BackfillRun(backfillId, spec, Map.copyOf(params), dates,
        parallelism));
    for (String d : dates) {
      record(new RunRecord(backfillId + "-" + d, spec.name(), d, Map.copyOf(params),
          System.currentTimeMillis(), null));
    }
    return backfillId;
  }

  /** Waits for a backfill and returns the status of each date. */
  @SuppressWarnings("unchecked")
  public Map<String, String> awaitBackfill(String backfillId, Duration timeout)
      throws Exception {
    Map<String, String> result = result(backfillId, timeout, Map.class);
    for (String date : result.keySet()) {
      status(backfillId + "-" + date); // refreshes the index entry of each child run
    }
    return result;
  }

  /** The run's state: asked of the service, else the last one Flywheel recorded. */
  public Optional<RunState> status(String runId) throws IOException {
    try {
      RunState state = client.newWorkflowStub(DagWorkflow.class, runId).state();
      update(runId, state);
      return Optional.of(state);
    } catch (RuntimeException e) {
      return read(runId).map(RunRecord::lastState);
    }
  }

  /** Waits up to {@code timeout} for the run to end and returns its final state. */
  public RunState await(String runId, Duration timeout) throws Exception {
    RunState state = result(runId, timeout, RunState.class);
    update(runId, state);
    return state;
  }

  /**
   * A workflow's result, asked for in short polls until {@code timeout}: the embedded service
   * can miss waking a long poll when a run ends from a timer.
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

  public void approve(String runId, String taskId) {
    client.newWorkflowStub(DagWorkflow.class, runId).approve(taskId);
  }

  public void pause(String runId) {
    client.newWorkflowStub(DagWorkflow.class, runId).pause();
  }

  public void resume(String runId) {
    client.newWorkflowStub(DagWorkflow.class, runId).resume();
  }

  public void cancel(String runId) {
    client.newWorkflowStub(DagWorkflow.class, runId).cancel();
  }

  /** Runs Flywheel knows of, newest first. */
  public List<RunRecord> runs() throws IOException {
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
  public record RunRecord(String runId, String pipeline, String logicalDate,
      Map<String, String> params, long submittedAt, RunState lastState) {}

  private Optional<RunRecord> read(String runId) throws IOException {
    Path file = index.resolve(safe(runId) + ".json");
    return Files.isRegularFile(file) ? Optional.of(JSON.readValue(file.toFile(),
        RunRecord.class)) : Optional.empty();
  }

  private void update(String runId, RunState state) throws IOException {
    Optional<RunRecord> existing = read(runId);
    if (existing.isPresent()) {
      RunRecord r = existing.get();
      record(new RunRecord(r.runId(), r.pipeline(), r.logicalDate(), r.params(),
          r.submittedAt(), state));
    }
  }

  private void record(RunRecord record) throws IOException {
    Path file = index.resolve(safe(record.runId()) + ".json");
    Path partial = Files.createTempFile(index, ".run-", ".tmp");
    try {
      Files.writeString(partial, JSON.writeValueAsString(record));
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static String safe(String runId) {
    if (!runId.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("run: '" + runId + "' is not a run id");
    }
    return runId;
  }

  @Override
  public void close() {
    service.shutdown();
    service.awaitTermination(5, TimeUnit.SECONDS);
  }
}
