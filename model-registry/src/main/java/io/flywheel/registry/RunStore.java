package io.flywheel.registry;

import static io.flywheel.registry.Validation.MAX_KEY_LENGTH;
import static io.flywheel.registry.Validation.MAX_PARAM_VALUE_LENGTH;
import static io.flywheel.registry.Validation.requireText;
import static io.flywheel.registry.Validation.validateTags;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mlflow.api.proto.Service.DatasetInput;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;

/**
 * Runs with their params, metrics and tags (tables {@code runs}, {@code params}, {@code metrics},
 * {@code tags}; read through {@link RunRows}). A param never changes once logged; every metric
 * point is kept, in the order logged, for its history; a run's data carries each metric's point of
 * the highest step.
 */
final class RunStore extends AggregateStore {
  // Columns are named, so a later migration may add one.
  private static final String INSERT =
      "INSERT INTO runs (run_id, experiment_id, run_name, "
          + "user_id, status, start_time, end_time, artifact_uri, lifecycle_stage) "
          + "VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active')";
  private static final String MERGE_TAG =
      "MERGE INTO tags (run_id, k, v) KEY (run_id, k) VALUES (?, ?, ?)";
  private static final String MERGE_PARAM =
      "MERGE INTO params (run_id, k, v) KEY (run_id, k) VALUES (?, ?, ?)";
  private final ExperimentStore experiments;

  RunStore(TrackingDatabase db, ExperimentStore experiments) {
    super(db);
    this.experiments = experiments;
  }

  Run create(
      String experimentId,
      String runName,
      String userId,
      long startTime,
      Map<String, String> tags) {
    return write(
        sql -> {
          Experiment experiment =
              experiments.get(experimentId.isEmpty() ? ExperimentStore.DEFAULT_ID : experimentId);
          if (!"active".equals(experiment.getLifecycleStage())) {
            throw MlflowError.invalid(
                "experiment_id", "experiment " + experimentId + " is deleted");
          }
          validateTags(tags);
          String runId = UUID.randomUUID().toString().replace("-", "");
          String name =
              runName == null || runName.isBlank()
                  ? tags.getOrDefault("mlflow.runName", "run-" + runId.substring(0, 8))
                  : runName;
          sql.update(
              INSERT,
              runId,
              Long.parseLong(experiment.getExperimentId()),
              name,
              userId,
              startTime,
              experiment.getArtifactLocation() + "/" + runId + "/artifacts");
          Map<String, String> all = new LinkedHashMap<>(tags);
          all.put("mlflow.runName", name);
          all.forEach((k, v) -> sql.update(MERGE_TAG, runId, k, v));
          return RunRows.run(sql, runId);
        });
  }

  Run get(String runId) {
    return read(sql -> RunRows.run(sql, runId));
  }

  RunInfo info(String runId) {
    return read(sql -> RunRows.info(sql, runId));
  }

  RunInfo update(String runId, RunStatus status, Long endTime, String runName) {
    return write(
        sql -> {
          RunInfo info = RunRows.info(sql, runId);
          RunStatus newStatus = status == null ? info.getStatus() : status;
          Long end =
              endTime != null
                  ? endTime
                  : (newStatus != RunStatus.RUNNING && newStatus != RunStatus.SCHEDULED
                      ? Long.valueOf(System.currentTimeMillis())
                      : null);
          String name = runName == null || runName.isBlank() ? info.getRunName() : runName;
          sql.update(
              "UPDATE runs SET status = ?, end_time = ?, run_name = ? WHERE run_id = ?",
              newStatus.name(),
              end,
              name,
              runId);
          if (!name.equals(info.getRunName())) {
            sql.update(MERGE_TAG, runId, "mlflow.runName", name);
          }
          return RunRows.info(sql, runId);
        });
  }

  /** Marks the run {@code active} or {@code deleted}. */
  void setLifecycle(String runId, String stage) {
    change(
        sql -> {
          RunRows.info(sql, runId);
          sql.update("UPDATE runs SET lifecycle_stage = ? WHERE run_id = ?", stage, runId);
        });
  }

  /** Metrics, params and tags of one request, all validated first, then written together. */
  void logBatch(String runId, List<Metric> metrics, List<Param> params, List<RunTag> tags) {
    change(
        sql -> {
          RunInfo info = RunRows.info(sql, runId);
          if (!"active".equals(info.getLifecycleStage())) {
            throw MlflowError.invalid("run_id", "run " + runId + " is deleted");
          }
          for (Metric m : metrics) {
            requireText("metrics.key", m.getKey(), MAX_KEY_LENGTH);
            if (!m.hasValue()) {
              throw MlflowError.invalid(
                  "metrics.value", "metric '" + m.getKey() + "' has no value");
            }
          }
          Map<String, String> newParams = newParams(sql, runId, params);
          Map<String, String> tagMap = new LinkedHashMap<>();
          tags.forEach(t -> tagMap.put(t.getKey(), t.getValue()));
          validateTags(tagMap);
          sql.batch(
              "INSERT INTO metrics (run_id, k, v, ts, step) VALUES (?, ?, ?, ?, ?)",
              metrics.stream()
                  .map(
                      m ->
                          new Object[] {
                            runId,
                            m.getKey(),
                            m.getValue(),
                            m.hasTimestamp() ? m.getTimestamp() : System.currentTimeMillis(),
                            m.getStep()
                          })
                  .toList());
          newParams.forEach((k, v) -> sql.update(MERGE_PARAM, runId, k, v));
          tagMap.forEach((k, v) -> sql.update(MERGE_TAG, runId, k, v));
        });
  }

  /** The params to write; refused if one would change a value already logged (or in this batch). */
  private static Map<String, String> newParams(Sql sql, String runId, List<Param> params) {
    Map<String, String> existing = new LinkedHashMap<>();
    for (String[] kv :
        sql.list(
            "SELECT k, v FROM params WHERE run_id = ?",
            rs -> new String[] {rs.getString(1), rs.getString(2)},
            runId)) {
      existing.put(kv[0], kv[1]);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Param p : params) {
      requireText("params.key", p.getKey(), MAX_KEY_LENGTH);
      if (p.getValue().length() > MAX_PARAM_VALUE_LENGTH) {
        throw MlflowError.invalid(
            "params.value",
            "param '" + p.getKey() + "' is longer than " + MAX_PARAM_VALUE_LENGTH + " characters");
      }
      String old =
          existing.containsKey(p.getKey()) ? existing.get(p.getKey()) : out.get(p.getKey());
      if (old != null && !old.equals(p.getValue())) {
        throw MlflowError.invalid(
            "params",
            "param '"
                + p.getKey()
                + "' was already logged "
                + "with value '"
                + old
                + "'; params cannot change (new value '"
                + p.getValue()
                + "')");
      }
      out.put(p.getKey(), p.getValue());
    }
    return out;
  }

  /**
   * Records the datasets a run read (MLflow's {@code runs/log-inputs}): one entry per dataset name
   * and digest, a later one for the same dataset replacing the earlier.
   */
  void logInputs(String runId, List<DatasetInput> inputs) {
    change(
        sql -> {
          RunInfo info = RunRows.info(sql, runId);
          if (!"active".equals(info.getLifecycleStage())) {
            throw MlflowError.invalid("run_id", "run " + runId + " is deleted");
          }
          for (DatasetInput input : inputs) {
            requireText("datasets.dataset.name", input.getDataset().getName(), 500);
            requireText("datasets.dataset.digest", input.getDataset().getDigest(), 36);
            requireText("datasets.dataset.source_type", input.getDataset().getSourceType(), 36);
          }
          for (DatasetInput input : inputs) {
            sql.update(
                "MERGE INTO run_inputs (run_id, dataset_name, dataset_digest, input_json) "
                    + "KEY (run_id, dataset_name, dataset_digest) VALUES (?, ?, ?, ?)",
                runId,
                input.getDataset().getName(),
                input.getDataset().getDigest(),
                ProtoJson.print(input));
          }
        });
  }

  /**
   * The distinct datasets runs of these experiments read, with the context each was read in (the
   * {@code mlflow.data.context} input tag), as MLflow's {@code experiments/search-datasets}.
   */
  List<org.mlflow.api.proto.Service.DatasetSummary> datasetSummaries(List<String> experimentIds) {
    List<org.mlflow.api.proto.Service.DatasetSummary> out = new java.util.ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String experiment : experimentIds) {
      long experimentId;
      try {
        experimentId = Long.parseLong(experiment);
      } catch (NumberFormatException e) {
        throw MlflowError.invalid("experiment_ids", "'" + experiment + "' is not an experiment id");
      }
      List<String[]> rows =
          read(
              sql ->
                  sql.list(
                      "SELECT i.dataset_name, i.dataset_digest, i.input_json FROM run_inputs i"
                          + " JOIN runs r ON r.run_id = i.run_id WHERE r.experiment_id = ?"
                          + " ORDER BY i.seq",
                      rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)},
                      experimentId));
      for (String[] row : rows) {
        DatasetInput input = ProtoJson.parse(row[2], DatasetInput.newBuilder()).build();
        String context =
            input.getTagsList().stream()
                .filter(t -> t.getKey().equals("mlflow.data.context"))
                .map(org.mlflow.api.proto.Service.InputTag::getValue)
                .findFirst()
                .orElse("");
        if (seen.add(experiment + "\n" + row[0] + "\n" + row[1] + "\n" + context)) {
          var summary =
              org.mlflow.api.proto.Service.DatasetSummary.newBuilder()
                  .setExperimentId(experiment)
                  .setName(row[0])
                  .setDigest(row[1]);
          if (!context.isEmpty()) {
            summary.setContext(context);
          }
          out.add(summary.build());
        }
      }
    }
    return out;
  }

  /**
   * Appends a logged model's description (MLflow's {@code runs/log-model}) to the run's {@code
   * mlflow.log-model.history} tag, a JSON list, as MLflow's server does.
   */
  void logModel(String runId, String modelJson) {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode model;
    try {
      model = json.readTree(modelJson == null ? "" : modelJson);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw MlflowError.invalid("model_json", "not JSON: " + e.getOriginalMessage());
    }
    if (model == null || !model.isObject()) {
      throw MlflowError.invalid("model_json", "expected a JSON object describing the model");
    }
    change(
        sql -> {
          RunInfo info = RunRows.info(sql, runId);
          if (!"active".equals(info.getLifecycleStage())) {
            throw MlflowError.invalid("run_id", "run " + runId + " is deleted");
          }
          String old =
              sql.first(
                      "SELECT v FROM tags WHERE run_id = ? AND k = ?",
                      rs -> rs.getString(1),
                      runId,
                      LOG_MODEL_HISTORY)
                  .orElse("[]");
          com.fasterxml.jackson.databind.node.ArrayNode history;
          try {
            history = (com.fasterxml.jackson.databind.node.ArrayNode) json.readTree(old);
          } catch (java.io.IOException | ClassCastException e) {
            history = json.createArrayNode();
          }
          history.add(model);
          String value;
          try {
            value = json.writeValueAsString(history);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          validateTags(Map.of(LOG_MODEL_HISTORY, value));
          sql.update(MERGE_TAG, runId, LOG_MODEL_HISTORY, value);
        });
  }

  static final String LOG_MODEL_HISTORY = "mlflow.log-model.history";

  void deleteTag(String runId, String key) {
    change(
        sql -> {
          RunRows.info(sql, runId);
          if (!sql.exists("SELECT 1 FROM tags WHERE run_id = ? AND k = ?", runId, key)) {
            throw MlflowError.missing("Tag '" + key + "' of run '" + runId + "'");
          }
          sql.update("DELETE FROM tags WHERE run_id = ? AND k = ?", runId, key);
        });
  }

  /** Every point of one metric, by step, then timestamp, then the order logged. */
  List<Metric> metricHistory(String runId, String key) {
    return read(
        sql -> {
          RunRows.info(sql, runId);
          requireText("metric_key", key, MAX_KEY_LENGTH);
          return sql.list(
              "SELECT k, v, ts, step FROM metrics WHERE run_id = ? AND k = ? "
                  + "ORDER BY step, ts, seq",
              RunRows::metric,
              runId,
              key);
        });
  }

  /** An experiment's runs as last read, and the store's write count when they were read. */
  private record Snapshot(long writes, List<Run> runs) {}

  /** The runs of the experiments searched lately (a console pages through 10,000 runs). */
  private final Map<Long, Snapshot> snapshots =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Snapshot> eldest) {
              return size() > 8;
            }
          });

  /** The experiment's runs: read again only when a run of this store was written since. */
  private List<Run> experimentRuns(long experimentId) {
    long before = writes();
    Snapshot s = snapshots.get(experimentId);
    if (s != null && s.writes() == before) {
      return s.runs();
    }
    List<Run> runs = read(sql -> RunRows.runsOf(sql, experimentId));
    // Labelled with the count from before the read: a write racing it makes it stale at once.
    snapshots.put(experimentId, new Snapshot(before, runs));
    return runs;
  }

  /** Runs of the given experiments matching the filter, newest first. */
  List<Run> search(List<String> experimentIds, SearchFilter filter, String lifecycle) {
    if (experimentIds.isEmpty()) {
      throw MlflowError.invalid("experiment_ids", "at least one experiment id is required");
    }
    List<Run> out = new ArrayList<>();
    for (String experimentId : experimentIds) {
      long exp = ExperimentStore.key(experimentId);
      List<Run> runs = experimentRuns(exp);
      for (Run run : runs) {
        if ((lifecycle == null || lifecycle.equals(run.getInfo().getLifecycleStage()))
            && filter.matches(c -> RunRows.value(run, c))) {
          out.add(run);
        }
      }
    }
    out.sort(Comparator.comparingLong((Run r) -> r.getInfo().getStartTime()).reversed());
    return out;
  }
}
