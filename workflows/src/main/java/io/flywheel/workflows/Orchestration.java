package io.flywheel.console;

import io.flywheel.workflows.FlywheelTasks;
import io.flywheel.workflows.FlywheelWorker;
import io.flywheel.workflows.LocalTemporal;
import io.flywheel.workflows.PipelineFiles;
import io.flywheel.workflows.PipelineSpec;
import io.flywheel.workflows.Pipelines;
import io.flywheel.workflows.TaskCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where pipelines run: {@code TEMPORAL_ADDRESS} (+ {@code TEMPORAL_NAMESPACE}, default
 * {@code default}) when set, with workers started by {@code flywheel worker}; otherwise
 * Temporal's own Java service and a worker inside this process, which live only as long as the
 * command (runs are kept in Flywheel's run index, not in the service).
 */
final class Orchestration implements AutoCloseable {
  private final LocalTemporal local;
  private final Pipelines pipelines;
  private final FlywheelWorker worker;

  private Orchestration(LocalTemporal local, Pipelines pipelines, FlywheelWorker worker) {
    this.local = local;
    this.pipelines = pipelines;
    this.worker = worker;
  }

  static TaskCatalog catalog(Path home) {
    return FlywheelTasks.catalog(home);
  }

  static Map<String, PipelineSpec> pipelineSpecs(Path home) throws IOException {
    return PipelineFiles.load(home.resolve("pipelines"));
  }

  static boolean remote() {
    String address = System.getenv("TEMPORAL_ADDRESS");
    return address != null && !address.isBlank();
  }

  /** Connects (remote) or starts the local service with a worker in this process. */
  static Orchestration open(Path home) throws IOException {
    TaskCatalog catalog = catalog(home);
    if (remote()) {
      String namespace = System.getenv().getOrDefault("TEMPORAL_NAMESPACE", "default");
      return new Orchestration(null, Pipelines.connect(System.getenv("TEMPORAL_ADDRESS").trim(),
          namespace, catalog, home), null);
    }
    LocalTemporal local = LocalTemporal.start(0);
    Pipelines pipelines = Pipelines.connect(local.address(), "default", catalog, home);
    return new Orchestration(local, pipelines, FlywheelWorker.start(pipelines, true));
  }

  Pipelines pipelines() {
    return pipelines;
  }

  boolean local() {
    return local != null;
  }

  String where() {
    return local != null ? "Temporal's embedded service at " + local.address()
        + " (in this process)" : "Temporal at " + System.getenv("TEMPORAL_ADDRESS");
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
    pipelines.close();
    if (local != null) {
      local.close();
    }
  }
}
