package io.flywheel.registry;

import static io.flywheel.registry.Validation.nullToEmpty;
import static io.flywheel.registry.Validation.requireText;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.mlflow.api.proto.Service.DatasetInput;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunData;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunInputs;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;

/**
 * Reads of {@link RunStore}'s tables into MLflow's messages, inside the caller's transaction, and
 * the value of a run that a search clause compares. A missing run is MLflow's {@code
 * RESOURCE_DOES_NOT_EXIST}.
 */
final class RunRows {
  private RunRows() {}

  /** What {@code c} compares: a tag, param, latest metric or attribute of the run; null if none. */
  static String value(Run run, SearchFilter.Clause c) {
    RunData data = run.getData();
    return switch (c.entity()) {
      case "tags" ->
          data.getTagsList().stream()
              .filter(t -> t.getKey().equals(c.key()))
              .map(RunTag::getValue)
              .findFirst()
              .orElse(null);
      case "params" ->
          data.getParamsList().stream()
              .filter(p -> p.getKey().equals(c.key()))
              .map(Param::getValue)
              .findFirst()
              .orElse(null);
      case "metrics" ->
          data.getMetricsList().stream()
              .filter(m -> m.getKey().equals(c.key()))
              .map(m -> Double.toString(m.getValue()))
              .findFirst()
              .orElse(null);
      default -> attribute(run.getInfo(), c.key());
    };
  }

  private static String attribute(RunInfo info, String key) {
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

  /** The run with its data: each metric at its highest step, params and tags by key. */
  static Run run(Sql sql, String runId) {
    RunInfo info = info(sql, runId);
    RunData data =
        RunData.newBuilder()
            .addAllMetrics(
                sql.list(
                    "SELECT k, v, ts, step FROM (SELECT k, v, ts, step, "
                        + "ROW_NUMBER() OVER (PARTITION BY k ORDER BY step DESC, ts DESC, v DESC, seq DESC) "
                        + "AS rn FROM metrics WHERE run_id = ?) WHERE rn = 1 ORDER BY k",
                    RunRows::metric,
                    runId))
            .addAllParams(
                sql.list(
                    "SELECT k, v FROM params WHERE run_id = ? ORDER BY k",
                    rs ->
                        Param.newBuilder()
                            .setKey(rs.getString(1))
                            .setValue(rs.getString(2))
                            .build(),
                    runId))
            .addAllTags(
                sql.list(
                    "SELECT k, v FROM tags WHERE run_id = ? ORDER BY k",
                    rs ->
                        RunTag.newBuilder()
                            .setKey(rs.getString(1))
                            .setValue(rs.getString(2))
                            .build(),
                    runId))
            .build();
    List<DatasetInput> inputs =
        sql.list(
            "SELECT input_json FROM run_inputs WHERE run_id = ? ORDER BY seq",
            rs -> ProtoJson.parse(rs.getString(1), DatasetInput.newBuilder()).build(),
            runId);
    Run.Builder run = Run.newBuilder().setInfo(info).setData(data);
    if (!inputs.isEmpty()) {
      run.setInputs(RunInputs.newBuilder().addAllDatasetInputs(inputs));
    }
    return run.build();
  }

  private static final String INFO_COLUMNS =
      "run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri,"
          + " lifecycle_stage";

  /**
   * Every run of an experiment with its data, newest first, in six statements whatever their number
   * (a search over thousands of runs must not ask per run).
   */
  static List<Run> runsOf(Sql sql, long experimentId) {
    List<RunInfo> infos =
        sql.list(
            "SELECT "
                + INFO_COLUMNS
                + " FROM runs WHERE experiment_id = ? "
                + "ORDER BY start_time DESC, run_id",
            RunRows::info,
            experimentId);
    java.util.Map<String, RunData.Builder> data = new java.util.HashMap<>(infos.size() * 2);
    for (RunInfo i : infos) {
      data.put(i.getRunId(), RunData.newBuilder());
    }
    // Joins from the experiment's runs (an IN sub-select is several times slower in H2); each
    // metric's latest point is chosen here: highest step, then time, then value, then log order.
    java.util.Map<String, MetricRow> latest = new java.util.HashMap<>();
    sql.list(
        "SELECT m.run_id, m.k, m.v, m.ts, m.step, m.seq FROM runs r JOIN metrics m"
            + " ON m.run_id = r.run_id WHERE r.experiment_id = ?",
        rs -> {
          MetricRow row =
              new MetricRow(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getDouble(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getLong(6));
          latest.merge(row.runId() + "\n" + row.key(), row, MetricRow::later);
          return null;
        },
        experimentId);
    latest.values().stream()
        .sorted(java.util.Comparator.comparing(MetricRow::key))
        .forEach(
            r ->
                data.get(r.runId())
                    .addMetrics(
                        Metric.newBuilder()
                            .setKey(r.key())
                            .setValue(r.value())
                            .setTimestamp(r.timestamp())
                            .setStep(r.step())));
    sql.list(
        "SELECT p.run_id, p.k, p.v FROM runs r JOIN params p ON p.run_id = r.run_id"
            + " WHERE r.experiment_id = ? ORDER BY p.run_id, p.k",
        rs -> {
          data.get(rs.getString(1))
              .addParams(Param.newBuilder().setKey(rs.getString(2)).setValue(rs.getString(3)));
          return null;
        },
        experimentId);
    sql.list(
        "SELECT t.run_id, t.k, t.v FROM runs r JOIN tags t ON t.run_id = r.run_id"
            + " WHERE r.experiment_id = ? ORDER BY t.run_id, t.k",
        rs -> {
          data.get(rs.getString(1))
              .addTags(RunTag.newBuilder().setKey(rs.getString(2)).setValue(rs.getString(3)));
          return null;
        },
        experimentId);
    java.util.Map<String, List<DatasetInput>> inputs = new java.util.HashMap<>();
    sql.list(
        "SELECT i.run_id, i.input_json FROM runs r JOIN run_inputs i ON i.run_id = r.run_id"
            + " WHERE r.experiment_id = ? ORDER BY i.run_id, i.seq",
        rs -> {
          inputs
              .computeIfAbsent(rs.getString(1), k -> new java.util.ArrayList<>())
              .add(ProtoJson.parse(rs.getString(2), DatasetInput.newBuilder()).build());
          return null;
        },
        experimentId);
    List<Run> out = new java.util.ArrayList<>(infos.size());
    for (RunInfo i : infos) {
      Run.Builder run = Run.newBuilder().setInfo(i).setData(data.get(i.getRunId()));
      List<DatasetInput> in = inputs.get(i.getRunId());
      if (in != null) {
        run.setInputs(RunInputs.newBuilder().addAllDatasetInputs(in));
      }
      out.add(run.build());
    }
    return out;
  }

  /** One logged metric point, as a search reads them. */
  private record MetricRow(
      String runId, String key, double value, long timestamp, long step, long seq) {
    private static final java.util.Comparator<MetricRow> ORDER =
        java.util.Comparator.comparingLong(MetricRow::step)
            .thenComparingLong(MetricRow::timestamp)
            .thenComparingDouble(MetricRow::value)
            .thenComparingLong(MetricRow::seq);

    /** The later of two points: highest step, then time, then value, then log order. */
    static MetricRow later(MetricRow a, MetricRow b) {
      return ORDER.compare(a, b) >= 0 ? a : b;
    }
  }

  private static RunInfo info(ResultSet rs) throws SQLException {
    RunInfo.Builder b =
        RunInfo.newBuilder()
            .setRunId(rs.getString(1))
            .setRunUuid(rs.getString(1))
            .setExperimentId(Long.toString(rs.getLong(2)))
            .setRunName(nullToEmpty(rs.getString(3)))
            .setUserId(nullToEmpty(rs.getString(4)))
            .setStatus(RunStatus.valueOf(rs.getString(5)))
            .setStartTime(rs.getLong(6))
            .setArtifactUri(rs.getString(8))
            .setLifecycleStage(rs.getString(9));
    long end = rs.getLong(7);
    if (!rs.wasNull()) {
      b.setEndTime(end);
    }
    return b.build();
  }

  static RunInfo info(Sql sql, String runId) {
    requireText("run_id", runId, 32);
    return sql.first("SELECT " + INFO_COLUMNS + " FROM runs WHERE run_id = ?", RunRows::info, runId)
        .orElseThrow(() -> MlflowError.missing("Run '" + runId + "'"));
  }

  static Metric metric(ResultSet rs) throws SQLException {
    return Metric.newBuilder()
        .setKey(rs.getString(1))
        .setValue(rs.getDouble(2))
        .setTimestamp(rs.getLong(3))
        .setStep(rs.getLong(4))
        .build();
  }
}
