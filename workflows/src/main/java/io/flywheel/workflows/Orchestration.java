package io.flywheel.workflows;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.LocalServices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where pipelines run: the configured Temporal cluster ({@code TEMPORAL_ADDRESS}, namespace {@code
 * TEMPORAL_NAMESPACE}), with workers started by {@code flywheel worker}; otherwise Temporal's own
 * Java service and a worker inside this process, which live only as long as the process (runs are
 * kept in Flywheel's run index, not in the service).
 */
public final class Orchestration implements AutoCloseable {
  private final LocalTemporal local;
  private final Pipelines pipelines;
  private final FlywheelWorker worker;
  private final String where;

  private Orchestration(
      LocalTemporal local, Pipelines pipelines, FlywheelWorker worker, String where) {
    this.local = local;
    this.pipelines = pipelines;
    this.worker = worker;
    this.where = where;
  }

  /** Flywheel's task and trigger types, working on {@code home} with {@code config}'s engines. */
  public static TaskCatalog catalog(Path home, FlywheelConfig config) {
    return FlywheelTasks.catalog(home, config);
  }

  /** The shipped pipelines and the home's own ({@code HOME/pipelines}). */
  public static Map<String, PipelineSpec> pipelineSpecs(Path home) throws IOException {
    return pipelineCatalog(home).pipelines();
  }

  /** The pipelines that load, and {@code HOME/pipelines} files that do not, with why. */
  public static PipelineFiles.Catalog pipelineCatalog(Path home) throws IOException {
    return PipelineFiles.load(home.resolve("pipelines"));
  }

  /**
   * Connects to the configured cluster, else to the service {@code flywheel up} runs for this home,
   * else starts the local service with a worker here.
   */
  public static Orchestration open(Path home, FlywheelConfig config) throws IOException {
    TaskCatalog catalog = catalog(home, config);
    String address = config.temporalAddress();
    if (address != null) {
      return new Orchestration(
          null,
          Pipelines.connect(address, config.temporalNamespace(), catalog, home),
          null,
          "Temporal at " + address);
    }
    var running = LocalServices.find(home, LocalServices.TEMPORAL);
    if (running.isPresent()) {
      // `flywheel up` runs the service and a worker for this home: its worker runs the tasks.
      String at = running.get().url();
      return new Orchestration(
          null,
          Pipelines.connect(at, "default", catalog, home),
          null,
          "Temporal's embedded service at " + at + " (run by `flywheel up`)");
    }
    LocalTemporal local = LocalTemporal.start(0);
    Pipelines pipelines = Pipelines.connect(local.address(), "default", catalog, home);
    return new Orchestration(
        local,
        pipelines,
        FlywheelWorker.start(pipelines, true),
        "Temporal's embedded service at " + local.address() + " (in this process)");
  }

  public Pipelines pipelines() {
    return pipelines;
  }

  /** Whether the service runs in this process (and ends with it). */
  public boolean local() {
    return local != null;
  }

  /** The embedded service's {@code host:port} when it runs in this process, else null. */
  public String localAddress() {
    return local == null ? null : local.address();
  }

  /** Where runs go, for people. */
  public String where() {
    return where;
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
