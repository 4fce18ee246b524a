package io.flywheel.registry;

import static io.flywheel.registry.Validation.MAX_KEY_LENGTH;
import static io.flywheel.registry.Validation.nullToEmpty;
import static io.flywheel.registry.Validation.requireText;
import static io.flywheel.registry.Validation.validateTags;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionTag;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.ModelRegistry.RegisteredModelTag;

/**
 * Registered models, their versions and aliases (tables {@code registered_models}, {@code
 * registered_model_tags}, {@code model_versions}, {@code model_version_tags}, {@code
 * model_aliases}). Versions of a model are numbered 1, 2, 3... in the order created; an alias names
 * one version of one model and moves when set again.
 */
final class ModelStore extends AggregateStore {
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_\\-]{1,255}");
  private static final Pattern VERSION_LIKE = Pattern.compile("[vV]\\d+");
  // Columns are named, so a later migration may add one.
  private static final String INSERT_MODEL =
      "INSERT INTO registered_models (name, description, "
          + "creation_time, last_update_time) VALUES (?, ?, ?, ?)";
  private static final String MERGE_MODEL_TAG =
      "MERGE INTO registered_model_tags (name, k, v) " + "KEY (name, k) VALUES (?, ?, ?)";
  private static final String INSERT_VERSION =
      "INSERT INTO model_versions (name, version, "
          + "source, run_id, description, creation_time, last_update_time) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String MERGE_VERSION_TAG =
      "MERGE INTO model_version_tags "
          + "(name, version, k, v) KEY (name, version, k) VALUES (?, ?, ?, ?)";

  private final RunStore runs;

  ModelStore(TrackingDatabase db, RunStore runs) {
    super(db);
    this.runs = runs;
  }

  RegisteredModel createRegisteredModel(String name, String description, Map<String, String> tags) {
    requireText("name", name, 256);
    return write(
        sql -> {
          if (sql.exists("SELECT 1 FROM registered_models WHERE name = ?", name)) {
            throw MlflowError.exists("Registered model '" + name + "'");
          }
          validateTags(tags);
          long now = System.currentTimeMillis();
          sql.update(INSERT_MODEL, name, nullToEmpty(description), now, now);
          tags.forEach((k, v) -> sql.update(MERGE_MODEL_TAG, name, k, v));
          return ModelRows.model(sql, name);
        });
  }

  RegisteredModel registeredModel(String name) {
    return read(sql -> ModelRows.model(sql, name));
  }

  List<RegisteredModel> searchRegisteredModels(SearchFilter filter) {
    List<RegisteredModel> all =
        read(
            sql ->
                sql
                    .list(
                        "SELECT name FROM registered_models " + "ORDER BY name",
                        rs -> rs.getString(1))
                    .stream()
                    .map(n -> ModelRows.model(sql, n))
                    .toList());
    return all.stream()
        .filter(
            model ->
                filter.matches(
                    c ->
                        switch (c.entity()) {
                          case "tags" ->
                              model.getTagsList().stream()
                                  .filter(t -> t.getKey().equals(c.key()))
                                  .map(RegisteredModelTag::getValue)
                                  .findFirst()
                                  .orElse(null);
                          case "attributes" -> {
                            if (!"name".equals(c.key())) {
                              throw MlflowError.invalid(
                                  "filter",
                                  "registered models are searched by name or "
                                      + "tags, not '"
                                      + c.key()
                                      + "'");
                            }
                            yield model.getName();
                          }
                          default ->
                              throw MlflowError.invalid(
                                  "filter", "registered models have no " + c.entity());
                        }))
        .toList();
  }

  void setRegisteredModelTag(String name, String key, String value) {
    change(
        sql -> {
          ModelRows.model(sql, name);
          validateTags(Map.of(requireText("key", key, MAX_KEY_LENGTH), nullToEmpty(value)));
          sql.update(MERGE_MODEL_TAG, name, key, nullToEmpty(value));
        });
  }

  void deleteRegisteredModelTag(String name, String key) {
    change(
        sql -> {
          ModelRows.model(sql, name);
          if (!sql.exists(
              "SELECT 1 FROM registered_model_tags WHERE name = ? AND k = ?", name, key)) {
            throw MlflowError.missing("Tag '" + key + "' of registered model '" + name + "'");
          }
          sql.update("DELETE FROM registered_model_tags WHERE name = ? AND k = ?", name, key);
        });
  }

  RegisteredModel updateRegisteredModel(String name, String description) {
    return write(
        sql -> {
          ModelRows.model(sql, name);
          sql.update(
              "UPDATE registered_models SET description = ?, last_update_time = ? WHERE name = ?",
              nullToEmpty(description),
              System.currentTimeMillis(),
              name);
          return ModelRows.model(sql, name);
        });
  }

  /** Renames a model with its versions, tags and aliases; the new name must be free. */
  RegisteredModel renameRegisteredModel(String name, String newName) {
    requireText("new_name", newName, 256);
    return write(
        sql -> {
          ModelRows.model(sql, name);
          if (sql.exists("SELECT 1 FROM registered_models WHERE name = ?", newName)) {
            throw MlflowError.exists("Registered model '" + newName + "'");
          }
          for (String table :
              List.of(
                  "registered_models",
                  "registered_model_tags",
                  "model_versions",
                  "model_version_tags",
                  "model_aliases")) {
            sql.update("UPDATE " + table + " SET name = ? WHERE name = ?", newName, name);
          }
          sql.update(
              "UPDATE registered_models SET last_update_time = ? WHERE name = ?",
              System.currentTimeMillis(),
              newName);
          return ModelRows.model(sql, newName);
        });
  }

  /** Deletes a model with all its versions, tags and aliases. */
  void deleteRegisteredModel(String name) {
    change(
        sql -> {
          ModelRows.model(sql, name);
          for (String table :
              List.of(
                  "model_aliases",
                  "model_version_tags",
                  "model_versions",
                  "registered_model_tags",
                  "registered_models")) {
            sql.update("DELETE FROM " + table + " WHERE name = ?", name);
          }
        });
  }

  /**
   * Deletes one version with its tags and the aliases that pointed at it. As in MLflow, the row
   * stays behind as {@code Deleted_Internal}, so its number is never given to a later version.
   */
  void deleteModelVersion(String name, String version) {
    change(
        sql -> {
          int number = Integer.parseInt(ModelRows.version(sql, name, version).getVersion());
          for (String table : List.of("model_aliases", "model_version_tags")) {
            sql.update("DELETE FROM " + table + " WHERE name = ? AND version = ?", name, number);
          }
          sql.update(
              "UPDATE model_versions SET current_stage = ?, last_update_time = ? "
                  + "WHERE name = ? AND version = ?",
              ModelRows.DELETED,
              System.currentTimeMillis(),
              name,
              number);
        });
  }

  void deleteModelVersionTag(String name, String version, String key) {
    change(
        sql -> {
          int number = Integer.parseInt(ModelRows.version(sql, name, version).getVersion());
          if (!sql.exists(
              "SELECT 1 FROM model_version_tags WHERE name = ? AND version = ? AND k = ?",
              name,
              number,
              key)) {
            throw MlflowError.missing(
                "Tag '" + key + "' of version " + version + " of '" + name + "'");
          }
          sql.update(
              "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND k = ?",
              name,
              number,
              key);
        });
  }

  /** The model's next version: 1 for its first, one more than its latest after that. */
  ModelVersion createModelVersion(
      String name, String source, String runId, String description, Map<String, String> tags) {
    return write(
        sql -> {
          ModelRows.model(sql, name);
          requireText("source", source, 2000);
          if (runId != null && !runId.isEmpty()) {
            runs.info(runId);
          }
          validateTags(tags);
          Integer latest = ModelRows.latestVersion(sql, name);
          int version = latest == null ? 1 : latest + 1;
          long now = System.currentTimeMillis();
          sql.update(
              INSERT_VERSION,
              name,
              version,
              source,
              runId == null || runId.isEmpty() ? null : runId,
              nullToEmpty(description),
              now,
              now);
          tags.forEach((k, v) -> sql.update(MERGE_VERSION_TAG, name, version, k, v));
          sql.update("UPDATE registered_models SET last_update_time = ? WHERE name = ?", now, name);
          return ModelRows.version(sql, name, version);
        });
  }

  ModelVersion modelVersion(String name, String version) {
    return read(sql -> ModelRows.version(sql, name, version));
  }

  List<ModelVersion> searchModelVersions(SearchFilter filter) {
    List<ModelVersion> all =
        read(
            sql ->
                sql
                    .list(
                        "SELECT name, version FROM model_versions WHERE current_stage <> '"
                            + ModelRows.DELETED
                            + "' ORDER BY name, version DESC",
                        rs -> Map.entry(rs.getString(1), rs.getInt(2)))
                    .stream()
                    .map(key -> ModelRows.version(sql, key.getKey(), key.getValue()))
                    .toList());
    return all.stream()
        .filter(
            v ->
                filter.matches(
                    c ->
                        switch (c.entity()) {
                          case "tags" ->
                              v.getTagsList().stream()
                                  .filter(t -> t.getKey().equals(c.key()))
                                  .map(ModelVersionTag::getValue)
                                  .findFirst()
                                  .orElse(null);
                          case "attributes" ->
                              switch (c.key()) {
                                case "name" -> v.getName();
                                case "run_id" -> v.getRunId();
                                case "source" -> v.getSource();
                                case "version", "version_number" -> v.getVersion();
                                default ->
                                    throw MlflowError.invalid(
                                        "filter",
                                        "model versions are searched by name, "
                                            + "run_id, source, version or tags, not '"
                                            + c.key()
                                            + "'");
                              };
                          default ->
                              throw MlflowError.invalid(
                                  "filter", "model versions have no " + c.entity());
                        }))
        .toList();
  }

  ModelVersion updateModelVersion(String name, String version, String description) {
    return write(
        sql -> {
          int number = Integer.parseInt(ModelRows.version(sql, name, version).getVersion());
          sql.update(
              "UPDATE model_versions SET description = ?, last_update_time = ? WHERE "
                  + "name = ? AND version = ?",
              nullToEmpty(description),
              System.currentTimeMillis(),
              name,
              number);
          return ModelRows.version(sql, name, number);
        });
  }

  /** The latest version in each requested stage (all stages when none is named). */
  List<ModelVersion> latestVersions(String name, List<String> stages) {
    List<String> wanted =
        stages.isEmpty() ? ModelRows.STAGES : stages.stream().map(ModelRows::stage).toList();
    return read(
        sql -> {
          ModelRows.model(sql, name);
          return ModelRows.latestPerStage(sql, name, wanted.stream().distinct().toList());
        });
  }

  /**
   * Moves a version to {@code stage}; with {@code archiveExisting}, the other versions in that
   * stage (Staging or Production) move to Archived, as MLflow does.
   */
  ModelVersion transitionStage(String name, String version, String stage, boolean archiveExisting) {
    String target = ModelRows.stage(stage);
    return write(
        sql -> {
          int number = Integer.parseInt(ModelRows.version(sql, name, version).getVersion());
          long now = System.currentTimeMillis();
          if (archiveExisting && (target.equals("Staging") || target.equals("Production"))) {
            sql.update(
                "UPDATE model_versions SET current_stage = 'Archived', last_update_time = ? "
                    + "WHERE name = ? AND current_stage = ? AND version <> ?",
                now,
                name,
                target,
                number);
          }
          sql.update(
              "UPDATE model_versions SET current_stage = ?, last_update_time = ? "
                  + "WHERE name = ? AND version = ?",
              target,
              now,
              name,
              number);
          return ModelRows.version(sql, name, number);
        });
  }

  void setModelVersionTag(String name, String version, String key, String value) {
    change(
        sql -> {
          ModelVersion v = ModelRows.version(sql, name, version);
          validateTags(Map.of(requireText("key", key, MAX_KEY_LENGTH), nullToEmpty(value)));
          sql.update(
              MERGE_VERSION_TAG, name, Integer.parseInt(v.getVersion()), key, nullToEmpty(value));
        });
  }

  /** Points {@code alias} at one version of the model, moving it if it named another. */
  void setAlias(String name, String alias, String version) {
    requireText("alias", alias, 255);
    if (!ALIAS.matcher(alias).matches()
        || VERSION_LIKE.matcher(alias).matches()
        || "latest".equalsIgnoreCase(alias)) {
      throw MlflowError.invalid(
          "alias",
          "'"
              + alias
              + "' is reserved or not a valid alias "
              + "(letters, digits, '_' and '-'; not 'latest' or v<number>)");
    }
    change(
        sql -> {
          ModelVersion v = ModelRows.version(sql, name, version);
          sql.update(
              "MERGE INTO model_aliases (name, alias, version) KEY (name, alias) "
                  + "VALUES (?, ?, ?)",
              name,
              alias,
              Integer.parseInt(v.getVersion()));
        });
  }

  void deleteAlias(String name, String alias) {
    change(
        sql -> {
          ModelRows.model(sql, name);
          if (sql.update("DELETE FROM model_aliases WHERE name = ? AND alias = ?", name, alias)
              == 0) {
            throw MlflowError.missing("Alias '" + alias + "' of model '" + name + "'");
          }
        });
  }

  ModelVersion versionByAlias(String name, String alias) {
    return read(
        sql -> {
          ModelRows.model(sql, name);
          int version =
              sql.first(
                      "SELECT version FROM model_aliases WHERE name = ? AND alias = ?",
                      rs -> rs.getInt(1),
                      name,
                      alias)
                  .orElseThrow(
                      () -> MlflowError.missing("Alias '" + alias + "' of model '" + name + "'"));
          return ModelRows.version(sql, name, version);
        });
  }
}
