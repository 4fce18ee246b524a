package io.flywheel.registry;

import static io.flywheel.registry.Validation.nullToEmpty;
import static io.flywheel.registry.Validation.requireText;

import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionStatus;
import org.mlflow.api.proto.ModelRegistry.ModelVersionTag;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.ModelRegistry.RegisteredModelAlias;
import org.mlflow.api.proto.ModelRegistry.RegisteredModelTag;

/**
 * Reads of {@link ModelStore}'s tables into MLflow's messages, inside the caller's transaction: a
 * registered model with its tags, aliases and latest version; a version with its tags and aliases.
 * A missing model or version is MLflow's {@code RESOURCE_DOES_NOT_EXIST}.
 */
final class ModelRows {
  private ModelRows() {}

  static RegisteredModel model(Sql sql, String name) {
    requireText("name", name, 256);
    RegisteredModel.Builder b =
        sql.first(
                "SELECT name, description, creation_time, "
                    + "last_update_time FROM registered_models WHERE name = ?",
                rs ->
                    RegisteredModel.newBuilder()
                        .setName(rs.getString(1))
                        .setDescription(nullToEmpty(rs.getString(2)))
                        .setCreationTimestamp(rs.getLong(3))
                        .setLastUpdatedTimestamp(rs.getLong(4)),
                name)
            .orElseThrow(() -> MlflowError.missing("Registered model '" + name + "'"));
    b.addAllTags(
        sql.list(
            "SELECT k, v FROM registered_model_tags WHERE name = ? ORDER BY k",
            rs ->
                RegisteredModelTag.newBuilder()
                    .setKey(rs.getString(1))
                    .setValue(rs.getString(2))
                    .build(),
            name));
    b.addAllAliases(
        sql.list(
            "SELECT alias, version FROM model_aliases WHERE name = ? " + "ORDER BY alias",
            rs ->
                RegisteredModelAlias.newBuilder()
                    .setAlias(rs.getString(1))
                    .setVersion(Integer.toString(rs.getInt(2)))
                    .build(),
            name));
    b.addAllLatestVersions(latestPerStage(sql, name, STAGES));
    return b.build();
  }

  static ModelVersion version(Sql sql, String name, String version) {
    requireText("name", name, 256);
    return version(sql, name, versionNumber(version));
  }

  static ModelVersion version(Sql sql, String name, int version) {
    ModelVersion.Builder b =
        sql.first(
                "SELECT source, run_id, description, creation_time, "
                    + "last_update_time, current_stage FROM model_versions "
                    + "WHERE name = ? AND version = ? AND current_stage <> '"
                    + DELETED
                    + "'",
                rs ->
                    ModelVersion.newBuilder()
                        .setName(name)
                        .setVersion(Integer.toString(version))
                        .setSource(rs.getString(1))
                        .setRunId(nullToEmpty(rs.getString(2)))
                        .setDescription(nullToEmpty(rs.getString(3)))
                        .setCreationTimestamp(rs.getLong(4))
                        .setLastUpdatedTimestamp(rs.getLong(5))
                        .setCurrentStage(rs.getString(6))
                        .setStatus(ModelVersionStatus.READY),
                name,
                version)
            .orElseThrow(
                () -> MlflowError.missing("Model version " + version + " of '" + name + "'"));
    b.addAllTags(
        sql.list(
            "SELECT k, v FROM model_version_tags WHERE name = ? AND version = ? " + "ORDER BY k",
            rs ->
                ModelVersionTag.newBuilder()
                    .setKey(rs.getString(1))
                    .setValue(rs.getString(2))
                    .build(),
            name,
            version));
    b.addAllAliases(
        sql.list(
            "SELECT alias FROM model_aliases WHERE name = ? AND version = ? " + "ORDER BY alias",
            rs -> rs.getString(1),
            name,
            version));
    return b.build();
  }

  /** The stage MLflow gives a deleted version, whose number is then never reused. */
  static final String DELETED = "Deleted_Internal";

  /** MLflow's stages, in the order it lists latest versions. */
  static final java.util.List<String> STAGES =
      java.util.List.of("None", "Staging", "Production", "Archived");

  /** The highest version in each of {@code stages} that holds one (MLflow's latest versions). */
  static java.util.List<ModelVersion> latestPerStage(
      Sql sql, String name, java.util.List<String> stages) {
    java.util.List<ModelVersion> out = new java.util.ArrayList<>();
    for (String stage : stages) {
      sql.first(
              "SELECT MAX(version) FROM model_versions WHERE name = ? AND current_stage = ?",
              rs -> {
                int v = rs.getInt(1);
                return rs.wasNull() ? null : v;
              },
              name,
              stage)
          .ifPresent(v -> out.add(version(sql, name, v)));
    }
    return out;
  }

  /** A stage as MLflow spells it (case-insensitive in requests); an unknown one is refused. */
  static String stage(String requested) {
    for (String stage : STAGES) {
      if (stage.equalsIgnoreCase(requested == null ? "" : requested.trim())) {
        return stage;
      }
    }
    throw MlflowError.invalid("stage", "'" + requested + "' is not one of " + STAGES);
  }

  /** The highest version number of the model; null before its first version. */
  static Integer latestVersion(Sql sql, String name) {
    return sql.first(
            "SELECT MAX(version) FROM model_versions WHERE name = ?",
            rs -> {
              int v = rs.getInt(1);
              return rs.wasNull() ? null : v;
            },
            name)
        .orElse(null);
  }

  private static int versionNumber(String version) {
    try {
      int v = Integer.parseInt(requireText("version", version, 10));
      if (v < 1) {
        throw MlflowError.invalid("version", "must be a positive integer, got " + version);
      }
      return v;
    } catch (NumberFormatException e) {
      throw MlflowError.invalid("version", "must be a positive integer, got '" + version + "'");
    }
  }
}
