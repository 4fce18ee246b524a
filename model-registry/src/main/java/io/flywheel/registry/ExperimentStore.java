package io.flywheel.registry;

import static io.flywheel.registry.Validation.MAX_KEY_LENGTH;
import static io.flywheel.registry.Validation.requireText;
import static io.flywheel.registry.Validation.validateTags;

import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.ExperimentTag;

/**
 * Experiments and their tags (tables {@code experiments}, {@code experiment_tags}). Ids are numbers
 * handed out in order; experiment 0, "Default", always exists. Deleting only marks the lifecycle
 * stage, so a deleted experiment can be restored.
 */
final class ExperimentStore extends AggregateStore {
  static final String DEFAULT_ID = "0";
  // Columns are named, so a later migration may add one.
  private static final String INSERT =
      "INSERT INTO experiments (id, name, artifact_location, "
          + "lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, 'active', ?, ?)";
  private static final String MERGE_TAG =
      "MERGE INTO experiment_tags (experiment_id, k, v) "
          + "KEY (experiment_id, k) VALUES (?, ?, ?)";

  ExperimentStore(TrackingDatabase db) {
    super(db);
    change(
        sql -> {
          if (!sql.exists("SELECT 1 FROM experiments WHERE id = ?", 0L)) {
            long now = System.currentTimeMillis();
            sql.update(INSERT, 0L, "Default", "mlflow-artifacts:/0", now, now);
          }
        });
  }

  /** Creates an experiment and returns its id. */
  String create(String name, String artifactLocation, Map<String, String> tags) {
    requireText("name", name, 500);
    return write(
        sql -> {
          if (sql.exists("SELECT 1 FROM experiments WHERE name = ?", name)) {
            throw MlflowError.exists("Experiment '" + name + "'");
          }
          validateTags(tags);
          long id = sql.queryLong("SELECT COALESCE(MAX(id), 0) + 1 FROM experiments");
          long now = System.currentTimeMillis();
          String location =
              artifactLocation == null || artifactLocation.isBlank()
                  ? "mlflow-artifacts:/" + id
                  : artifactLocation;
          sql.update(INSERT, id, name, location, now, now);
          tags.forEach((k, v) -> sql.update(MERGE_TAG, id, k, v));
          return Long.toString(id);
        });
  }

  Experiment get(String id) {
    long key = key(id);
    return read(sql -> find(sql, key, id));
  }

  Experiment byName(String name) {
    List<Experiment> found = read(sql -> experiments(sql, "WHERE name = ?", name));
    if (found.isEmpty()) {
      throw MlflowError.missing("Experiment '" + name + "'");
    }
    return found.get(0);
  }

  List<Experiment> search(SearchFilter filter, boolean includeDeleted) {
    List<Experiment> all =
        read(sql -> experiments(sql, includeDeleted ? "" : "WHERE lifecycle_stage = 'active'"));
    return all.stream()
        .filter(
            e ->
                filter.matches(
                    c ->
                        switch (c.entity()) {
                          case "tags" ->
                              e.getTagsList().stream()
                                  .filter(t -> t.getKey().equals(c.key()))
                                  .map(ExperimentTag::getValue)
                                  .findFirst()
                                  .orElse(null);
                          case "attributes" ->
                              switch (c.key()) {
                                case "name" -> e.getName();
                                case "experiment_id" -> e.getExperimentId();
                                case "creation_time" -> Long.toString(e.getCreationTime());
                                case "last_update_time" -> Long.toString(e.getLastUpdateTime());
                                default ->
                                    throw MlflowError.invalid(
                                        "filter", "unknown experiment attribute '" + c.key() + "'");
                              };
                          default ->
                              throw MlflowError.invalid(
                                  "filter", "experiments have no " + c.entity());
                        }))
        .toList();
  }

  void setTag(String id, String key, String value) {
    long exp = key(id);
    change(
        sql -> {
          find(sql, exp, id);
          String v = value == null ? "" : value;
          validateTags(Map.of(requireText("key", key, MAX_KEY_LENGTH), v));
          sql.update(MERGE_TAG, exp, key, v);
        });
  }

  /** Removes a tag; a tag that is not there is MLflow's RESOURCE_DOES_NOT_EXIST. */
  void deleteTag(String id, String key) {
    long exp = key(id);
    change(
        sql -> {
          find(sql, exp, id);
          if (!sql.exists(
              "SELECT 1 FROM experiment_tags WHERE experiment_id = ? AND k = ?", exp, key)) {
            throw MlflowError.missing("Tag '" + key + "' of experiment " + id);
          }
          sql.update("DELETE FROM experiment_tags WHERE experiment_id = ? AND k = ?", exp, key);
        });
  }

  /** Renames an experiment; names stay unique. */
  void rename(String id, String newName) {
    long exp = key(id);
    requireText("new_name", newName, 500);
    change(
        sql -> {
          find(sql, exp, id);
          if (sql.exists("SELECT 1 FROM experiments WHERE name = ? AND id <> ?", newName, exp)) {
            throw MlflowError.exists("Experiment '" + newName + "'");
          }
          sql.update(
              "UPDATE experiments SET name = ?, last_update_time = ? WHERE id = ?",
              newName,
              System.currentTimeMillis(),
              exp);
        });
  }

  /** Marks the experiment {@code active} or {@code deleted}. */
  void setLifecycle(String id, String stage) {
    long exp = key(id);
    change(
        sql -> {
          find(sql, exp, id);
          sql.update(
              "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE id = ?",
              stage,
              System.currentTimeMillis(),
              exp);
        });
  }

  /** An experiment id as the number it is stored as; refused when it is not one. */
  static long key(String id) {
    try {
      return Long.parseLong(requireText("experiment_id", id, 32));
    } catch (NumberFormatException e) {
      throw MlflowError.invalid("experiment_id", "'" + id + "' is not an experiment id");
    }
  }

  private static Experiment find(Sql sql, long key, String id) {
    List<Experiment> found = experiments(sql, "WHERE id = ?", key);
    if (found.isEmpty()) {
      throw MlflowError.missing("Experiment with id '" + id + "'");
    }
    return found.get(0);
  }

  private static List<Experiment> experiments(Sql sql, String where, Object... args) {
    List<Experiment> rows =
        sql.list(
            "SELECT id, name, artifact_location, lifecycle_stage, "
                + "creation_time, last_update_time FROM experiments "
                + where
                + " ORDER BY id",
            rs ->
                Experiment.newBuilder()
                    .setExperimentId(Long.toString(rs.getLong(1)))
                    .setName(rs.getString(2))
                    .setArtifactLocation(rs.getString(3))
                    .setLifecycleStage(rs.getString(4))
                    .setCreationTime(rs.getLong(5))
                    .setLastUpdateTime(rs.getLong(6))
                    .build(),
            args);
    return rows.stream()
        .map(
            e ->
                e.toBuilder()
                    .addAllTags(
                        sql.list(
                            "SELECT k, v FROM experiment_tags WHERE experiment_id = ? ORDER BY k",
                            rs ->
                                ExperimentTag.newBuilder()
                                    .setKey(rs.getString(1))
                                    .setValue(rs.getString(2))
                                    .build(),
                            Long.parseLong(e.getExperimentId())))
                    .build())
        .toList();
  }
}
