package io.flywheel.registry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionStatus;
import org.mlflow.api.proto.ModelRegistry.ModelVersionTag;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.ModelRegistry.RegisteredModelAlias;
import org.mlflow.api.proto.ModelRegistry.RegisteredModelTag;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.ExperimentTag;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunData;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;

/**
 * The embedded server's tracking and registry store: an H2 database file, one connection, every
 * call serialised (a laptop's registry sees a handful of writers). Every statement binds its
 * values; nothing from a request is spliced into SQL. Validation happens before any write, so a
 * rejected request (which MLflow's client retries) changes nothing.
 */
final class TrackingStore implements AutoCloseable {
  static final String DEFAULT_EXPERIMENT_ID = "0";
  static final int MAX_KEY_LENGTH = 250;
  static final int MAX_PARAM_VALUE_LENGTH = 6000;
  static final int MAX_TAG_VALUE_LENGTH = 8000;
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_\\-]{1,255}");
  private static final Pattern VERSION_LIKE = Pattern.compile("[vV]\\d+");

  private final Connection db;

  TrackingStore(Path folder) {
    try {
      db = DriverManager.getConnection("jdbc:h2:file:" + folder.resolve("tracking")
          .toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE");
      createSchema();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the tracking database under " + folder
          + ": " + e.getMessage(), e);
    }
  }

  private void createSchema() throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS experiments (id BIGINT PRIMARY KEY, "
          + "name VARCHAR(500) NOT NULL UNIQUE, artifact_location VARCHAR(2000), "
          + "lifecycle_stage VARCHAR(20) NOT NULL, creation_time BIGINT, last_update_time BIGINT)");
      s.execute("CREATE TABLE IF NOT EXISTS experiment_tags (experiment_id BIGINT, "
          + "k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (experiment_id, k))");
      s.execute("CREATE TABLE IF NOT EXISTS runs (run_id VARCHAR(32) PRIMARY KEY, "
          + "experiment_id BIGINT NOT NULL, run_name VARCHAR(250), user_id VARCHAR(250), "
          + "status VARCHAR(20) NOT NULL, start_time BIGINT, end_time BIGINT, "
          + "artifact_uri VARCHAR(2000), lifecycle_stage VARCHAR(20) NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS params (run_id VARCHAR(32), k VARCHAR(250), "
          + "v VARCHAR(6000), PRIMARY KEY (run_id, k))");
      s.execute("CREATE TABLE IF NOT EXISTS tags (run_id VARCHAR(32), k VARCHAR(250), "
          + "v VARCHAR(8000), PRIMARY KEY (run_id, k))");
      s.execute("CREATE TABLE IF NOT EXISTS metrics (seq BIGINT AUTO_INCREMENT PRIMARY KEY, "
          + "run_id VARCHAR(32) NOT NULL, k VARCHAR(250) NOT NULL, v DOUBLE PRECISION, "
          + "ts BIGINT, step BIGINT)");
      s.execute("CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_id, k)");
      s.execute("CREATE TABLE IF NOT EXISTS registered_models (name VARCHAR(256) PRIMARY KEY, "
          + "description VARCHAR(5000), creation_time BIGINT, last_update_time BIGINT)");
      s.execute("CREATE TABLE IF NOT EXISTS registered_model_tags (name VARCHAR(256), "
          + "k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (name, k))");
      s.execute("CREATE TABLE IF NOT EXISTS model_versions (name VARCHAR(256), version INT, "
          + "source VARCHAR(2000), run_id VARCHAR(32), description VARCHAR(5000), "
          + "creation_time BIGINT, last_update_time BIGINT, PRIMARY KEY (name, version))");
      s.execute("CREATE TABLE IF NOT EXISTS model_version_tags (name VARCHAR(256), "
          + "version INT, k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (name, version, k))");
      s.execute("CREATE TABLE IF NOT EXISTS model_aliases (name VARCHAR(256), "
          + "alias VARCHAR(255), version INT, PRIMARY KEY (name, alias))");
    }
    if (!exists("SELECT 1 FROM experiments WHERE id = ?", 0L)) {
      long now = System.currentTimeMillis();
      update("INSERT INTO experiments VALUES (?, ?, ?, 'active', ?, ?)", 0L, "Default",
          "mlflow-artifacts:/0", now, now);
    }
  }

  // ---- experiments ----

  synchronized String createExperiment(String name, String artifactLocation,
      Map<String, String> tags) {
    requireText("name", name, 500);
    if (exists("SELECT 1 FROM experiments WHERE name = ?", name)) {
      throw MlflowError.exists("Experiment '" + name + "'");
    }
    validateTags(tags);
    long id = queryLong("SELECT COALESCE(MAX(id), 0) + 1 FROM experiments");
    long now = System.currentTimeMillis();
    String location = artifactLocation == null || artifactLocation.isBlank()
        ? "mlflow-artifacts:/" + id : artifactLocation;
    update("INSERT INTO experiments VALUES (?, ?, ?, 'active', ?, ?)", id, name, location, now,
        now);
    tags.forEach((k, v) -> update("MERGE INTO experiment_tags KEY (experiment_id, k) "
        + "VALUES (?, ?, ?)", id, k, v));
    return Long.toString(id);
  }

  synchronized Experiment experiment(String id) {
    long key = experimentKey(id);
    List<Experiment> found = experiments("WHERE id = ?", key);
    if (found.isEmpty()) {
      throw MlflowError.missing("Experiment with id '" + id + "'");
    }
    return found.get(0);
  }

  synchronized Experiment experimentByName(String name) {
    List<Experiment> found = experiments("WHERE name = ?", name);
    if (found.isEmpty()) {
      throw MlflowError.missing("Experiment '" + name + "'");
    }
    return found.get(0);
  }

  synchronized List<Experiment> searchExperiments(SearchFilter filter, boolean includeDeleted) {
    List<Experiment> all = experiments(includeDeleted ? "" : "WHERE lifecycle_stage = 'active'");
    List<Experiment> out = new ArrayList<>();
    for (Experiment e : all) {
      boolean ok = true;
      for (SearchFilter.Clause c : filter.clauses()) {
        String actual = switch (c.entity()) {
          case "tags" -> e.getTagsList().stream().filter(t -> t.getKey().equals(c.key()))
              .map(ExperimentTag::getValue).findFirst().orElse(null);
          case "attributes" -> switch (c.key()) {
            case "name" -> e.getName();
            case "experiment_id" -> e.getExperimentId();
            case "creation_time" -> Long.toString(e.getCreationTime());
            case "last_update_time" -> Long.toString(e.getLastUpdateTime());
            default -> throw MlflowError.invalid("filter", "unknown experiment attribute '"
                + c.key() + "'");
          };
          default -> throw MlflowError.invalid("filter", "experiments have no " + c.entity());
        };
        ok &= c.matches(actual);
      }
      if (ok) {
        out.add(e);
      }
    }
    return out;
  }

  synchronized void setExperimentTag(String id, String key, String value) {
    long exp = experimentKey(id);
    experiment(id);
    validateTags(Map.of(requireText("key", key, MAX_KEY_LENGTH), value == null ? "" : value));
    update("MERGE INTO experiment_tags KEY (experiment_id, k) VALUES (?, ?, ?)", exp, key,
        value == null ? "" : value);
  }

  synchronized void setExperimentLifecycle(String id, String stage) {
    experiment(id);
    update("UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE id = ?",
        stage, System.currentTimeMillis(), experimentKey(id));
  }

  private List<Experiment> experiments(String where, Object... args) {
    List<Experiment> out = new ArrayList<>();
    query("SELECT id, name, artifact_location, lifecycle_stage, creation_time, last_update_time "
        + "FROM experiments " + where + " ORDER BY id", rs -> {
          long id = rs.getLong(1);
          Experiment.Builder b = Experiment.newBuilder().setExperimentId(Long.toString(id))
              .setName(rs.getString(2)).setArtifactLocation(rs.getString(3))
              .setLifecycleStage(rs.getString(4)).setCreationTime(rs.getLong(5))
              .setLastUpdateTime(rs.getLong(6));
          out.add(b.build());
        }, args);
    List<Experiment> withTags = new ArrayList<>();
    for (Experiment e : out) {
      Experiment.Builder b = e.toBuilder();
      query("SELECT k, v FROM experiment_tags WHERE experiment_id = ? ORDER BY k",
          rs -> b.addTags(ExperimentTag.newBuilder().setKey(rs.getString(1))
              .setValue(rs.getString(2))), Long.parseLong(e.getExperimentId()));
      withTags.add(b.build());
    }
    return withTags;
  }

  private static long experimentKey(String id) {
    try {
      return Long.parseLong(requireText("experiment_id", id, 32));
    } catch (NumberFormatException e) {
      throw MlflowError.invalid("experiment_id", "'" + id + "' is not an experiment id");
    }
  }

  // ---- runs ----

  synchronized Run createRun(String experimentId, String runName, String userId, long startTime,
      Map<String, String> tags) {
    Experiment experiment = experiment(experimentId.isEmpty() ? DEFAULT_EXPERIMENT_ID
        : experimentId);
    if (!"active".equals(experiment.getLifecycleStage())) {
      throw MlflowError.invalid("experiment_id", "experiment " + experimentId + " is deleted");
    }
    validateTags(tags);
    String runId = UUID.randomUUID().toString().replace("-", "");
    String name = runName == null || runName.isBlank()
        ? tags.getOrDefault("mlflow.runName", "run-" + runId.substring(0, 8)) : runName;
    update("INSERT INTO runs VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active')", runId,
        Long.parseLong(experiment.getExperimentId()), name, userId, startTime,
        experiment.getArtifactLocation() + "/" + runId + "/artifacts");
    Map<String, String> all = new LinkedHashMap<>(tags);
    all.put("mlflow.runName", name);
    all.forEach((k, v) -> update("MERGE INTO tags KEY (run_id, k) VALUES (?, ?, ?)", runId, k,
        v));
    return run(runId);
  }

  synchronized Run run(String runId) {
    RunInfo info = runInfo(runId);
    RunData.Builder data = RunData.newBuilder();
    query("SELECT k, v, ts, step FROM (SELECT k, v, ts, step, ROW_NUMBER() OVER (PARTITION BY k "
        + "ORDER BY step DESC, ts DESC, v DESC, seq DESC) AS rn FROM metrics WHERE run_id = ?) "
        + "WHERE rn = 1 ORDER BY k", rs -> data.addMetrics(metric(rs)), runId);
    query("SELECT k, v FROM params WHERE run_id = ? ORDER BY k", rs -> data.addParams(
        Param.newBuilder().setKey(rs.getString(1)).setValue(rs.getString(2))), runId);
    query("SELECT k, v FROM tags WHERE run_id = ? ORDER BY k", rs -> data.addTags(
        RunTag.newBuilder().setKey(rs.getString(1)).setValue(rs.getString(2))), runId);
    return Run.newBuilder().setInfo(info).setData(data).build();
  }

  private RunInfo runInfo(String runId) {
    requireText("run_id", runId, 32);
    List<RunInfo> found = new ArrayList<>();
    query("SELECT run_id, experiment_id, run_name, user_id, status, start_time, end_time, "
        + "artifact_uri, lifecycle_stage FROM runs WHERE run_id = ?", rs -> {
          RunInfo.Builder b = RunInfo.newBuilder().setRunId(rs.getString(1))
              .setRunUuid(rs.getString(1)).setExperimentId(Long.toString(rs.getLong(2)))
              .setRunName(nullToEmpty(rs.getString(3))).setUserId(nullToEmpty(rs.getString(4)))
              .setStatus(RunStatus.valueOf(rs.getString(5))).setStartTime(rs.getLong(6))
              .setArtifactUri(rs.getString(8)).setLifecycleStage(rs.getString(9));
          long end = rs.getLong(7);
          if (!rs.wasNull()) {
            b.setEndTime(end);
          }
          found.add(b.build());
        }, runId);
    if (found.isEmpty()) {
      throw MlflowError.missing("Run '" + runId + "'");
    }
    return found.get(0);
  }

  synchronized RunInfo updateRun(String runId, RunStatus status, Long endTime, String runName) {
    RunInfo info = runInfo(runId);
    RunStatus newStatus = status == null ? info.getStatus() : status;
    Long end = endTime != null ? endTime
        : (newStatus != RunStatus.RUNNING && newStatus != RunStatus.SCHEDULED
            ? Long.valueOf(System.currentTimeMillis()) : null);
    String name = runName == null || runName.isBlank() ? info.getRunName() : runName;
    update("UPDATE runs SET status = ?, end_time = ?, run_name = ? WHERE run_id = ?",
        newStatus.name(), end, name, runId);
    if (!name.equals(info.getRunName())) {
      update("MERGE INTO tags KEY (run_id, k) VALUES (?, 'mlflow.runName', ?)", runId, name);
    }
    return runInfo(runId);
  }

  synchronized void setRunLifecycle(String runId, String stage) {
    runInfo(runId);
    update("UPDATE runs SET lifecycle_stage = ? WHERE run_id = ?", stage, runId);
  }

  /** Metrics, params and tags of one request, all validated first, then written together. */
  synchronized void logBatch(String runId, List<Metric> metrics, List<Param> params,
      List<RunTag> tags) {
    RunInfo info = runInfo(runId);
    if (!"active".equals(info.getLifecycleStage())) {
      throw MlflowError.invalid("run_id", "run " + runId + " is deleted");
    }
    for (Metric m : metrics) {
      requireText("metrics.key", m.getKey(), MAX_KEY_LENGTH);
      if (!m.hasValue()) {
        throw MlflowError.invalid("metrics.value", "metric '" + m.getKey() + "' has no value");
      }
    }
    Map<String, String> existing = new HashMap<>();
    query("SELECT k, v FROM params WHERE run_id = ?", rs -> existing.put(rs.getString(1),
        rs.getString(2)), runId);
    Map<String, String> newParams = new LinkedHashMap<>();
    for (Param p : params) {
      requireText("params.key", p.getKey(), MAX_KEY_LENGTH);
      if (p.getValue().length() > MAX_PARAM_VALUE_LENGTH) {
        throw MlflowError.invalid("params.value", "param '" + p.getKey() + "' is longer than "
            + MAX_PARAM_VALUE_LENGTH + " characters");
      }
      String old = existing.containsKey(p.getKey()) ? existing.get(p.getKey())
          : newParams.get(p.getKey());
      if (old != null && !old.equals(p.getValue())) {
        throw MlflowError.invalid("params", "param '" + p.getKey() + "' was already logged "
            + "with value '" + old + "'; params cannot change (new value '" + p.getValue()
            + "')");
      }
      newParams.put(p.getKey(), p.getValue());
    }
    Map<String, String> tagMap = new LinkedHashMap<>();
    tags.forEach(t -> tagMap.put(t.getKey(), t.getValue()));
    validateTags(tagMap);
    inTransaction(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT INTO metrics (run_id, k, v, ts, step) VALUES (?, ?, ?, ?, ?)")) {
        for (Metric m : metrics) {
          ps.setString(1, runId);
          ps.setString(2, m.getKey());
          ps.setDouble(3, m.getValue());
          ps.setLong(4, m.hasTimestamp() ? m.getTimestamp() : System.currentTimeMillis());
          ps.setLong(5, m.getStep());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      newParams.forEach((k, v) -> update("MERGE INTO params KEY (run_id, k) VALUES (?, ?, ?)",
          runId, k, v));
      tagMap.forEach((k, v) -> update("MERGE INTO tags KEY (run_id, k) VALUES (?, ?, ?)",
          runId, k, v));
    });
  }

  synchronized void deleteTag(String runId, String key) {
    runInfo(runId);
    if (!exists("SELECT 1 FROM tags WHERE run_id = ? AND k = ?", runId, key)) {
      throw MlflowError.missing("Tag '" + key + "' of run '" + runId + "'");
    }
    update("DELETE FROM tags WHERE run_id = ? AND k = ?", runId, key);
  }

  synchronized List<Metric> metricHistory(String runId, String key) {
    runInfo(runId);
    requireText("metric_key", key, MAX_KEY_LENGTH);
    List<Metric> out = new ArrayList<>();
    query("SELECT k, v, ts, step FROM metrics WHERE run_id = ? AND k = ? ORDER BY step, ts, seq",
        rs -> out.add(metric(rs)), runId, key);
    return out;
  }

  /** Runs of the given experiments matching the filter, newest first. */
  synchronized List<Run> searchRuns(List<String> experimentIds, SearchFilter filter,
      String lifecycle) {
    if (experimentIds.isEmpty()) {
      throw MlflowError.invalid("experiment_ids", "at least one experiment id is required");
    }
    List<Run> out = new ArrayList<>();
    for (String experimentId : experimentIds) {
      long exp = experimentKey(experimentId);
      List<String> ids = new ArrayList<>();
      query("SELECT run_id FROM runs WHERE experiment_id = ? ORDER BY start_time DESC, run_id",
          rs -> ids.add(rs.getString(1)), exp);
      for (String id : ids) {
        Run run = run(id);
        if ((lifecycle == null || lifecycle.equals(run.getInfo().getLifecycleStage()))
            && matches(run, filter)) {
          out.add(run);
        }
      }
    }
    out.sort((a, b) -> Long.compare(b.getInfo().getStartTime(), a.getInfo().getStartTime()));
    return out;
  }

  private static boolean matches(Run run, SearchFilter filter) {
    for (SearchFilter.Clause c : filter.clauses()) {
      String actual = switch (c.entity()) {
        case "tags" -> run.getData().getTagsList().stream().filter(t -> t.getKey().equals(
            c.key())).map(RunTag::getValue).findFirst().orElse(null);
        case "params" -> run.getData().getParamsList().stream().filter(p -> p.getKey().equals(
            c.key())).map(Param::getValue).findFirst().orElse(null);
        case "metrics" -> run.getData().getMetricsList().stream().filter(m -> m.getKey().equals(
            c.key())).map(m -> Double.toString(m.getValue())).findFirst().orElse(null);
        default -> runAttribute(run.getInfo(), c.key());
      };
      if (!c.matches(actual)) {
        return false;
      }
    }
    return true;
  }

  private static String runAttribute(RunInfo info, String key) {
    return switch (key) {
      case "status" -> info.getStatus().name();
      case "run_name" -> info.getRunName();
      case "run_id" -> info.getRunId();
      case "user_id" -> info.getUserId();
      case "start_time" -> Long.toString(info.getStartTime());
      case "end_time" -> info.hasEndTime() ? Long.toString(info.getEndTime()) : null;
      case "artifact_uri" -> info.getArtifactUri();
      default -> throw MlflowError.invalid("filter", "unknown run attribute '" + key + "'");
    };
  }

  // ---- registered models ----

  synchronized RegisteredModel createRegisteredModel(String name, String description,
      Map<String, String> tags) {
    requireText("name", name, 256);
    if (exists("SELECT 1 FROM registered_models WHERE name = ?", name)) {
      throw MlflowError.exists("Registered model '" + name + "'");
    }
    validateTags(tags);
    long now = System.currentTimeMillis();
    inTransaction(() -> {
      update("INSERT INTO registered_models VALUES (?, ?, ?, ?)", name, nullToEmpty(description),
          now, now);
      tags.forEach((k, v) -> update("MERGE INTO registered_model_tags KEY (name, k) "
          + "VALUES (?, ?, ?)", name, k, v));
    });
    return registeredModel(name);
  }

  synchronized RegisteredModel registeredModel(String name) {
    requireText("name", name, 256);
    List<RegisteredModel.Builder> found = new ArrayList<>();
    query("SELECT name, description, creation_time, last_update_time FROM registered_models "
        + "WHERE name = ?", rs -> found.add(RegisteredModel.newBuilder().setName(rs.getString(1))
            .setDescription(nullToEmpty(rs.getString(2))).setCreationTimestamp(rs.getLong(3))
            .setLastUpdatedTimestamp(rs.getLong(4))), name);
    if (found.isEmpty()) {
      throw MlflowError.missing("Registered model '" + name + "'");
    }
    RegisteredModel.Builder b = found.get(0);
    query("SELECT k, v FROM registered_model_tags WHERE name = ? ORDER BY k", rs -> b.addTags(
        RegisteredModelTag.newBuilder().setKey(rs.getString(1)).setValue(rs.getString(2))),
        name);
    query("SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias",
        rs -> b.addAliases(RegisteredModelAlias.newBuilder().setAlias(rs.getString(1))
            .setVersion(Integer.toString(rs.getInt(2)))), name);
    Integer latest = latestVersion(name);
    if (latest != null) {
      b.addLatestVersions(modelVersion(name, latest));
    }
    return b.build();
  }

  synchronized List<RegisteredModel> searchRegisteredModels(SearchFilter filter) {
    List<String> names = new ArrayList<>();
    query("SELECT name FROM registered_models ORDER BY name", rs -> names.add(rs.getString(1)));
    List<RegisteredModel> out = new ArrayList<>();
    for (String name : names) {
      RegisteredModel model = registeredModel(name);
      boolean ok = true;
      for (SearchFilter.Clause c : filter.clauses()) {
        String actual = switch (c.entity()) {
          case "tags" -> model.getTagsList().stream().filter(t -> t.getKey().equals(c.key()))
              .map(RegisteredModelTag::getValue).findFirst().orElse(null);
          case "attributes" -> {
            if (!"name".equals(c.key())) {
              throw MlflowError.invalid("filter", "registered models are searched by name or "
                  + "tags, not '" + c.key() + "'");
            }
            yield model.getName();
          }
          default -> throw MlflowError.invalid("filter", "registered models have no "
              + c.entity());
        };
        ok &= c.matches(actual);
      }
      if (ok) {
        out.add(model);
      }
    }
    return out;
  }

  synchronized void setRegisteredModelTag(String name, String key, String value) {
    registeredModel(name);
    validateTags(Map.of(requireText("key", key, MAX_KEY_LENGTH), nullToEmpty(value)));
    update("MERGE INTO registered_model_tags KEY (name, k) VALUES (?, ?, ?)", name, key,
        nullToEmpty(value));
  }

  // ---- model versions ----

  synchronized ModelVersion createModelVersion(String name, String source, String runId,
      String description, Map<String, String> tags) {
    registeredModel(name);
    requireText("source", source, 2000);
    if (runId != null && !runId.isEmpty()) {
      runInfo(runId);
    }
    validateTags(tags);
    Integer latest = latestVersion(name);
    int version = latest == null ? 1 : latest + 1;
    long now = System.currentTimeMillis();
    inTransaction(() -> {
      update("INSERT INTO model_versions VALUES (?, ?, ?, ?, ?, ?, ?)", name, version, source,
          runId == null || runId.isEmpty() ? null : runId, nullToEmpty(description), now, now);
      tags.forEach((k, v) -> update("MERGE INTO model_version_tags KEY (name, version, k) "
          + "VALUES (?, ?, ?, ?)", name, version, k, v));
      update("UPDATE registered_models SET last_update_time = ? WHERE name = ?", now, name);
    });
    return modelVersion(name, version);
  }

  synchronized ModelVersion modelVersion(String name, int version) {
    List<ModelVersion.Builder> found = new ArrayList<>();
    query("SELECT source, run_id, description, creation_time, last_update_time FROM "
        + "model_versions WHERE name = ? AND version = ?", rs -> found.add(ModelVersion
            .newBuilder().setName(name).setVersion(Integer.toString(version))
            .setSource(rs.getString(1)).setRunId(nullToEmpty(rs.getString(2)))
            .setDescription(nullToEmpty(rs.getString(3))).setCreationTimestamp(rs.getLong(4))
            .setLastUpdatedTimestamp(rs.getLong(5)).setCurrentStage("None")
            .setStatus(ModelVersionStatus.READY)), name, version);
    if (found.isEmpty()) {
      throw MlflowError.missing("Model version " + version + " of '" + name + "'");
    }
    ModelVersion.Builder b = found.get(0);
    query("SELECT k, v FROM model_version_tags WHERE name = ? AND version = ? ORDER BY k",
        rs -> b.addTags(ModelVersionTag.newBuilder().setKey(rs.getString(1))
            .setValue(rs.getString(2))), name, version);
    query("SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias",
        rs -> b.addAliases(rs.getString(1)), name, version);
    return b.build();
  }

  synchronized ModelVersion modelVersion(String name, String version) {
    requireText("name", name, 256);
    return modelVersion(name, versionNumber(version));
  }

  synchronized List<ModelVersion> searchModelVersions(SearchFilter filter) {
    List<String[]> keys = new ArrayList<>();
    query("SELECT name, version FROM model_versions ORDER BY name, version DESC",
        rs -> keys.add(new String[] {rs.getString(1), Integer.toString(rs.getInt(2))}));
    List<ModelVersion> out = new ArrayList<>();
    for (String[] key : keys) {
      ModelVersion v = modelVersion(key[0], Integer.parseInt(key[1]));
      boolean ok = true;
      for (SearchFilter.Clause c : filter.clauses()) {
        String actual = switch (c.entity()) {
          case "tags" -> v.getTagsList().stream().filter(t -> t.getKey().equals(c.key()))
              .map(ModelVersionTag::getValue).findFirst().orElse(null);
          case "attributes" -> switch (c.key()) {
            case "name" -> v.getName();
            case "run_id" -> v.getRunId();
            case "source" -> v.getSource();
            case "version", "version_number" -> v.getVersion();
            default -> throw MlflowError.invalid("filter", "model versions are searched by name, "
                + "run_id, source, version or tags, not '" + c.key() + "'");
          };
          default -> throw MlflowError.invalid("filter", "model versions have no " + c.entity());
        };
        ok &= c.matches(actual);
      }
      if (ok) {
        out.add(v);
      }
    }
    return out;
  }

  synchronized ModelVersion updateModelVersion(String name, String version, String description) {
    ModelVersion v = modelVersion(name, version);
    update("UPDATE model_versions SET description = ?, last_update_time = ? WHERE name = ? AND "
        + "version = ?", nullToEmpty(description), System.currentTimeMillis(), name,
        Integer.parseInt(v.getVersion()));
    return modelVersion(name, version);
  }

  synchronized void setModelVersionTag(String name, String version, String key, String value) {
    ModelVersion v = modelVersion(name, version);
    validateTags(Map.of(requireText("key", key, MAX_KEY_LENGTH), nullToEmpty(value)));
    update("MERGE INTO model_version_tags KEY (name, version, k) VALUES (?, ?, ?, ?)", name,
        Integer.parseInt(v.getVersion()), key, nullToEmpty(value));
  }

  synchronized void setAlias(String name, String alias, String version) {
    requireText("alias", alias, 255);
    if (!ALIAS.matcher(alias).matches() || VERSION_LIKE.matcher(alias).matches()
        || "latest".equalsIgnoreCase(alias)) {
      throw MlflowError.invalid("alias", "'" + alias + "' is reserved or not a valid alias "
          + "(letters, digits, '_' and '-'; not 'latest' or v<number>)");
    }
    ModelVersion v = modelVersion(name, version);
    update("MERGE INTO model_aliases KEY (name, alias) VALUES (?, ?, ?)", name, alias,
        Integer.parseInt(v.getVersion()));
  }

  synchronized void deleteAlias(String name, String alias) {
    registeredModel(name);
    if (!exists("SELECT 1 FROM model_aliases WHERE name = ? AND alias = ?", name, alias)) {
      throw MlflowError.missing("Alias '" + alias + "' of model '" + name + "'");
    }
    update("DELETE FROM model_aliases WHERE name = ? AND alias = ?", name, alias);
  }

  synchronized ModelVersion versionByAlias(String name, String alias) {
    registeredModel(name);
    List<Integer> found = new ArrayList<>();
    query("SELECT version FROM model_aliases WHERE name = ? AND alias = ?",
        rs -> found.add(rs.getInt(1)), name, alias);
    if (found.isEmpty()) {
      throw MlflowError.missing("Alias '" + alias + "' of model '" + name + "'");
    }
    return modelVersion(name, found.get(0));
  }

  private Integer latestVersion(String name) {
    List<Integer> found = new ArrayList<>();
    query("SELECT MAX(version) FROM model_versions WHERE name = ?", rs -> {
      int v = rs.getInt(1);
      if (!rs.wasNull()) {
        found.add(v);
      }
    }, name);
    return found.isEmpty() ? null : found.get(0);
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

  synchronized Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("experiments", queryLong("SELECT COUNT(*) FROM experiments"));
    counts.put("runs", queryLong("SELECT COUNT(*) FROM runs"));
    counts.put("registeredModels", queryLong("SELECT COUNT(*) FROM registered_models"));
    counts.put("modelVersions", queryLong("SELECT COUNT(*) FROM model_versions"));
    return counts;
  }

  // ---- helpers ----

  private static Metric metric(ResultSet rs) throws SQLException {
    return Metric.newBuilder().setKey(rs.getString(1)).setValue(rs.getDouble(2))
        .setTimestamp(rs.getLong(3)).setStep(rs.getLong(4)).build();
  }

  private static void validateTags(Map<String, String> tags) {
    tags.forEach((k, v) -> {
      requireText("tags.key", k, MAX_KEY_LENGTH);
      if (v != null && v.length() > MAX_TAG_VALUE_LENGTH) {
        throw MlflowError.invalid("tags.value", "tag '" + k + "' is longer than "
            + MAX_TAG_VALUE_LENGTH + " characters");
      }
    });
  }

  static String requireText(String field, String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      throw MlflowError.invalid(field, "is required");
    }
    if (value.length() > maxLength) {
      throw MlflowError.invalid(field, "longer than " + maxLength + " characters");
    }
    return value;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private interface RowHandler {
    void row(ResultSet rs) throws SQLException;
  }

  private interface SqlWork {
    void run() throws SQLException;
  }

  private void query(String sql, RowHandler handler, Object... args) {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        handler.row(rs);
      }
    } catch (SQLException e) {
      throw new MlflowError(MlflowError.Code.INTERNAL_ERROR, "tracking store: " + e.getMessage());
    }
  }

  private boolean exists(String sql, Object... args) {
    boolean[] found = {false};
    query(sql, rs -> found[0] = true, args);
    return found[0];
  }

  private long queryLong(String sql, Object... args) {
    long[] value = {0};
    query(sql, rs -> value[0] = rs.getLong(1), args);
    return value[0];
  }

  private void update(String sql, Object... args) {
    try (PreparedStatement ps = prepare(sql, args)) {
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new MlflowError(MlflowError.Code.INTERNAL_ERROR, "tracking store: " + e.getMessage());
    }
  }

  private void inTransaction(SqlWork work) {
    try {
      db.setAutoCommit(false);
      try {
        work.run();
        db.commit();
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new MlflowError(MlflowError.Code.INTERNAL_ERROR, "tracking store: " + e.getMessage());
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement ps = db.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing at shutdown: nothing left to save
    }
  }
}
