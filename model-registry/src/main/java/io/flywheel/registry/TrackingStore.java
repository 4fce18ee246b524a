package io.flywheel.registry;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded server's tracking and registry storage under one folder: the H2 database ({@link
 * TrackingDatabase}, schema migrated by Flyway) and one store per aggregate over it: {@link
 * ExperimentStore}, {@link RunStore} (params, metrics, tags) and {@link ModelStore} (registered
 * models, versions, aliases), {@link TraceStore} and {@link LoggedModelStore} (MLflow 3's models).
 * Each store guards its own tables, so requests for different aggregates do not wait for each
 * other.
 */
final class TrackingStore implements AutoCloseable {
  final ExperimentStore experiments;
  final RunStore runs;
  final ModelStore models;
  final TraceStore traces;
  final LoggedModelStore loggedModels;
  private final TrackingDatabase db;

  TrackingStore(Path folder) {
    db = new TrackingDatabase(folder);
    try {
      experiments = new ExperimentStore(db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    runs = new RunStore(db, experiments);
    models = new ModelStore(db, runs);
    traces = new TraceStore(db, experiments);
    loggedModels = new LoggedModelStore(db, experiments, runs);
  }

  /** How many experiments, runs, registered models and versions there are, for {@code /health}. */
  Map<String, Long> counts() {
    return db.transaction(
        sql -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          counts.put("experiments", sql.queryLong("SELECT COUNT(*) FROM experiments"));
          counts.put("runs", sql.queryLong("SELECT COUNT(*) FROM runs"));
          counts.put("registeredModels", sql.queryLong("SELECT COUNT(*) FROM registered_models"));
          counts.put("modelVersions", sql.queryLong("SELECT COUNT(*) FROM model_versions"));
          return counts;
        });
  }

  @Override
  public void close() {
    db.close();
  }
}
