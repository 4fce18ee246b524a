package io.flywheel.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.mlflow.api.proto.Service.Experiment;

/**
 * MLflow 3's logged models: created PENDING under an experiment (ids {@code m-<32 hex>}, artifacts
 * under the experiment's {@code models/<id>/artifacts}), finalized READY or UPLOAD_FAILED once the
 * client has uploaded the files, tagged, given params, measured through the runs' metric calls
 * (with a {@code model_id}), searched with MLflow's filter and order rules, and soft-deleted.
 */
final class LoggedModelStore extends AggregateStore {
  /** LoggedModelStatus, in proto order: the number is the enum's value on the wire. */
  static final List<String> STATUSES =
      List.of(
          "LOGGED_MODEL_STATUS_UNSPECIFIED",
          "LOGGED_MODEL_PENDING",
          "LOGGED_MODEL_READY",
          "LOGGED_MODEL_UPLOAD_FAILED");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME_FORBIDDEN = "/:.%\"'";
  private static final List<String> ADJECTIVES =
      List.of("brave", "calm", "eager", "gentle", "keen", "lucky", "quiet", "swift", "wise");
  private static final List<String> NOUNS =
      List.of("owl", "fox", "lynx", "heron", "otter", "wren", "bison", "crane", "hare");

  /** One metric value of a model, as a run logged it. */
  record ModelMetric(
      String key,
      double value,
      long timestamp,
      long step,
      String runId,
      String datasetName,
      String datasetDigest) {}

  /** A logged model with everything the wire shows of it. */
  record LoggedModel(
      String modelId,
      String experimentId,
      String name,
      String artifactUri,
      long created,
      long updated,
      int status,
      String modelType,
      String sourceRunId,
      Map<String, String> tags,
      Map<String, String> params,
      List<ModelMetric> metrics) {

    /** MLflow's JSON: info (status by name, times in ms as numbers) and data (params, metrics). */
    ObjectNode toJson() {
      ObjectNode model = JSON.createObjectNode();
      ObjectNode info = model.putObject("info");
      info.put("model_id", modelId)
          .put("experiment_id", experimentId)
          .put("name", name)
          .put("creation_timestamp_ms", created)
          .put("last_updated_timestamp_ms", updated)
          .put("artifact_uri", artifactUri)
          .put("status", STATUSES.get(status))
          .put("model_type", modelType)
          .put("source_run_id", sourceRunId);
      if (!tags.isEmpty()) {
        info.set("tags", pairs(tags));
      }
      ObjectNode data = model.putObject("data");
      if (!params.isEmpty()) {
        data.set("params", pairs(params));
      }
      if (!metrics.isEmpty()) {
        ArrayNode list = data.putArray("metrics");
        for (ModelMetric m : metrics) {
          ObjectNode row =
              list.addObject()
                  .put("key", m.key())
                  .put("value", m.value())
                  .put("timestamp", m.timestamp())
                  .put("step", m.step());
          putIfText(row, "dataset_name", m.datasetName());
          putIfText(row, "dataset_digest", m.datasetDigest());
          row.put("model_id", modelId);
          putIfText(row, "run_id", m.runId());
        }
      }
      return model;
    }

    /** The newest value of a metric (by timestamp, then step) on the datasets asked, or null. */
    Double latest(String key, List<DatasetRef> datasets) {
      return metrics.stream()
          .filter(m -> m.key().equals(key) && DatasetRef.any(datasets, m))
          .max(
              Comparator.comparingLong(ModelMetric::timestamp).thenComparingLong(ModelMetric::step))
          .map(ModelMetric::value)
          .orElse(null);
    }
  }

  /** A {@code datasets} entry of a search: metrics of this dataset (and digest, when given). */
  record DatasetRef(String name, String digest) {
    boolean covers(ModelMetric m) {
      return name.equals(m.datasetName()) && (digest == null || digest.equals(m.datasetDigest()));
    }

    static boolean any(List<DatasetRef> datasets, ModelMetric m) {
      return datasets.isEmpty() || datasets.stream().anyMatch(d -> d.covers(m));
    }
  }

  /** An {@code order_by} entry of a search. */
  record Order(String field, boolean ascending, List<DatasetRef> datasets) {}

  private final ExperimentStore experiments;
  private final RunStore runs;

  LoggedModelStore(TrackingDatabase db, ExperimentStore experiments, RunStore runs) {
    super(db);
    this.experiments = experiments;
    this.runs = runs;
  }

  LoggedModel create(
      String experimentId,
      String name,
      String modelType,
      String sourceRunId,
      Map<String, String> params,
      Map<String, String> tags) {
    long exp = ExperimentStore.key(experimentId);
    Experiment experiment = experiments.get(experimentId);
    if (!"active".equals(experiment.getLifecycleStage())) {
      throw MlflowError.invalid(
          "experiment_id",
          "the experiment " + experimentId + " must be in the 'active' state, it is deleted");
    }
    String modelName = name == null || name.isEmpty() ? randomName() : checkName(name);
    Validation.validateTags(tags);
    params.keySet().forEach(k -> Validation.requireText("params.key", k, 250));
    String modelId = "m-" + UUID.randomUUID().toString().replace("-", "");
    String location =
        experiment.getArtifactLocation().replaceAll("/+$", "")
            + "/models/"
            + modelId
            + "/artifacts";
    long now = System.currentTimeMillis();
    return write(
        sql -> {
          sql.update(
              "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, "
                  + "creation_timestamp_ms, last_updated_timestamp_ms, status, model_type, "
                  + "source_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              modelId,
              exp,
              modelName,
              location,
              now,
              now,
              1,
              modelType == null ? "" : modelType,
              sourceRunId == null ? "" : sourceRunId);
          tags.forEach(
              (k, v) ->
                  sql.update(
                      "INSERT INTO logged_model_tags (model_id, tag_key, tag_value) "
                          + "VALUES (?, ?, ?)",
                      modelId,
                      k,
                      v == null ? "" : v));
          params.forEach(
              (k, v) ->
                  sql.update(
                      "INSERT INTO logged_model_params (model_id, param_key, param_value) "
                          + "VALUES (?, ?, ?)",
                      modelId,
                      k,
                      v == null ? "" : v));
          return find(sql, modelId, false);
        });
  }

  LoggedModel get(String modelId, boolean allowDeleted) {
    return read(sql -> find(sql, modelId, allowDeleted));
  }

  LoggedModel finalize(String modelId, int status) {
    if (status < 0 || status >= STATUSES.size()) {
      throw MlflowError.invalid("status", "unknown LoggedModelStatus " + status);
    }
    return write(
        sql -> {
          find(sql, modelId, true);
          sql.update(
              "UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? "
                  + "WHERE model_id = ?",
              status,
              System.currentTimeMillis(),
              modelId);
          return find(sql, modelId, true);
        });
  }

  void delete(String modelId) {
    change(
        sql -> {
          find(sql, modelId, true);
          sql.update(
              "UPDATE logged_models SET deleted = TRUE, last_updated_timestamp_ms = ? "
                  + "WHERE model_id = ?",
              System.currentTimeMillis(),
              modelId);
        });
  }

  void setTags(String modelId, Map<String, String> tags) {
    Validation.validateTags(tags);
    change(
        sql -> {
          find(sql, modelId, false);
          tags.forEach(
              (k, v) ->
                  sql.update(
                      "MERGE INTO logged_model_tags (model_id, tag_key, tag_value) KEY "
                          + "(model_id, tag_key) VALUES (?, ?, ?)",
                      modelId,
                      k,
                      v == null ? "" : v));
        });
  }

  void deleteTag(String modelId, String key) {
    change(
        sql -> {
          find(sql, modelId, false);
          int gone =
              sql.update(
                  "DELETE FROM logged_model_tags WHERE model_id = ? AND tag_key = ?", modelId, key);
          if (gone == 0) {
            throw MlflowError.missing("Tag '" + key + "' of logged model '" + modelId + "'");
          }
        });
  }

  /** Params are written once, as MLflow's: a key already logged is refused, whatever its value. */
  void logParams(String modelId, Map<String, String> params) {
    params.keySet().forEach(k -> Validation.requireText("params.key", k, 250));
    change(
        sql -> {
          find(sql, modelId, false);
          for (Map.Entry<String, String> p : params.entrySet()) {
            if (sql.exists(
                "SELECT 1 FROM logged_model_params WHERE model_id = ? AND param_key = ?",
                modelId,
                p.getKey())) {
              throw MlflowError.invalid(
                  "params", "param '" + p.getKey() + "' of " + modelId + " is already logged");
            }
            sql.update(
                "INSERT INTO logged_model_params (model_id, param_key, param_value) "
                    + "VALUES (?, ?, ?)",
                modelId,
                p.getKey(),
                p.getValue() == null ? "" : p.getValue());
          }
        });
  }

  /** Refuses a metric naming a model that does not exist, before anything is logged. */
  void requireExisting(Set<String> modelIds) {
    read(
        sql -> {
          for (String id : modelIds) {
            find(sql, id, false);
          }
          return null;
        });
  }

  /** Metrics a run logged with a {@code model_id}: they join that model's data. */
  void logMetrics(String modelId, List<ModelMetric> metrics) {
    change(
        sql -> {
          find(sql, modelId, false);
          for (ModelMetric m : metrics) {
            sql.update(
                "MERGE INTO logged_model_metrics (model_id, metric_name, timestamp_ms, step, "
                    + "run_id, metric_value, dataset_name, dataset_digest) KEY (model_id, "
                    + "metric_name, timestamp_ms, step, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                modelId,
                m.key(),
                m.timestamp(),
                m.step(),
                m.runId(),
                m.value(),
                m.datasetName(),
                m.datasetDigest());
          }
        });
  }

  /** {@code runs/outputs}: the run produced these models (at a step). */
  void logOutputs(String runId, Map<String, Long> modelSteps) {
    runs.get(runId); // refuses an unknown run
    change(
        sql -> {
          for (Map.Entry<String, Long> m : modelSteps.entrySet()) {
            find(sql, m.getKey(), false);
            sql.update(
                "MERGE INTO logged_model_outputs (run_id, model_id, step) KEY (run_id, model_id) "
                    + "VALUES (?, ?, ?)",
                runId,
                m.getKey(),
                m.getValue());
          }
        });
  }

  /**
   * The models of the experiments that pass the filter, in the order asked (then newest first). A
   * metric clause holds when any value of the metric (on the datasets asked) satisfies it; with
   * datasets and no metric clause, only models measured on those datasets are kept.
   */
  List<LoggedModel> search(
      List<String> experimentIds,
      SearchFilter filter,
      List<DatasetRef> datasets,
      List<Order> orderBy) {
    List<Long> keys = experimentIds.stream().map(ExperimentStore::key).toList();
    List<LoggedModel> all =
        read(
            sql -> {
              List<LoggedModel> found = new ArrayList<>();
              for (long exp : keys) {
                for (String id :
                    sql.list(
                        "SELECT model_id FROM logged_models WHERE experiment_id = ? "
                            + "AND deleted = FALSE",
                        rs -> rs.getString(1),
                        exp)) {
                  found.add(find(sql, id, false));
                }
              }
              return found;
            });
    boolean metricClause = filter.clauses().stream().anyMatch(c -> c.entity().equals("metrics"));
    List<LoggedModel> matching = new ArrayList<>();
    for (LoggedModel m : all) {
      boolean ok = true;
      for (SearchFilter.Clause c : filter.clauses()) {
        ok &= holds(m, c, datasets);
      }
      if (ok
          && !metricClause
          && !datasets.isEmpty()
          && m.metrics().stream().noneMatch(x -> DatasetRef.any(datasets, x))) {
        ok = false;
      }
      if (ok) {
        matching.add(m);
      }
    }
    Comparator<LoggedModel> order = null;
    boolean byCreation = false;
    for (Order o : orderBy) {
      String field = attribute(o.field());
      byCreation |= "creation_timestamp_ms".equals(field);
      Comparator<LoggedModel> c = nullsLast(o, field);
      order = order == null ? c : order.thenComparing(c);
    }
    Comparator<LoggedModel> newestFirst =
        Comparator.comparingLong(LoggedModel::created)
            .reversed()
            .thenComparing(LoggedModel::modelId);
    Comparator<LoggedModel> byId = Comparator.comparing(LoggedModel::modelId);
    Comparator<LoggedModel> whole =
        order == null ? newestFirst : order.thenComparing(byCreation ? byId : newestFirst);
    matching.sort(whole);
    return matching;
  }

  private static Comparator<LoggedModel> nullsLast(Order o, String field) {
    java.util.function.Function<LoggedModel, Comparable<?>> key;
    if (o.field().startsWith("metrics.")) {
      String metric = o.field().substring("metrics.".length());
      key = m -> m.latest(metric, o.datasets());
    } else if (field == null || o.field().contains(".") && !o.field().startsWith("attributes.")) {
      throw MlflowError.invalid(
          "order_by",
          "'" + o.field() + "': logged models are ordered by an attribute or by metrics.<key>");
    } else {
      key = m -> sortValue(m, field);
    }
    return (a, b) -> {
      @SuppressWarnings("unchecked")
      Comparable<Object> x = (Comparable<Object>) key.apply(a);
      @SuppressWarnings("unchecked")
      Comparable<Object> y = (Comparable<Object>) key.apply(b);
      if (x == null || y == null) {
        return x == null ? (y == null ? 0 : 1) : -1; // no value sorts last either way
      }
      return o.ascending() ? x.compareTo(y) : y.compareTo(x);
    };
  }

  private static boolean holds(LoggedModel m, SearchFilter.Clause c, List<DatasetRef> datasets) {
    return switch (c.entity()) {
      case "metrics" ->
          m.metrics().stream()
              .filter(x -> x.key().equals(c.key()) && DatasetRef.any(datasets, x))
              .anyMatch(x -> c.matches(Double.toString(x.value())));
      case "params" -> c.matches(m.params().get(c.key()));
      case "tags" -> c.matches(m.tags().get(c.key()));
      default -> {
        String field = attribute(c.key());
        if (field == null) {
          throw MlflowError.invalid(
              "filter",
              "logged models have no attribute '" + c.key() + "'; " + ATTRIBUTES.keySet());
        }
        Object v = sortValue(m, field);
        yield c.matches(v == null ? null : v.toString());
      }
    };
  }

  /** The attributes a search may compare or order by, and MLflow's aliases for them. */
  private static final Map<String, String> ATTRIBUTES = attributes();

  private static Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>();
    for (String name :
        List.of(
            "name",
            "model_id",
            "model_type",
            "status",
            "source_run_id",
            "experiment_id",
            "artifact_location",
            "creation_timestamp_ms",
            "last_updated_timestamp_ms")) {
      a.put(name, name);
    }
    a.put("creation_time", "creation_timestamp_ms");
    a.put("creation_timestamp", "creation_timestamp_ms");
    a.put("last_updated_timestamp", "last_updated_timestamp_ms");
    a.put("last_updated_time", "last_updated_timestamp_ms");
    a.put("artifact_uri", "artifact_location");
    return Map.copyOf(a);
  }

  private static String attribute(String field) {
    String bare = field.startsWith("attributes.") ? field.substring(11) : field;
    return ATTRIBUTES.get(bare.toLowerCase(Locale.ROOT));
  }

  private static Comparable<?> sortValue(LoggedModel m, String field) {
    return switch (field) {
      case "name" -> m.name();
      case "model_id" -> m.modelId();
      case "model_type" -> m.modelType();
      case "status" -> STATUSES.get(m.status());
      case "source_run_id" -> m.sourceRunId();
      case "experiment_id" -> m.experimentId();
      case "artifact_location" -> m.artifactUri();
      case "creation_timestamp_ms" -> m.created();
      case "last_updated_timestamp_ms" -> m.updated();
      default -> throw new IllegalArgumentException(field);
    };
  }

  private static LoggedModel find(Sql sql, String modelId, boolean allowDeleted) {
    Validation.requireText("model_id", modelId, 40);
    record Row(
        String experimentId,
        String name,
        String location,
        long created,
        long updated,
        int status,
        String type,
        String run,
        boolean deleted) {}
    Row row =
        sql.first(
                "SELECT experiment_id, name, artifact_location, creation_timestamp_ms, "
                    + "last_updated_timestamp_ms, status, model_type, source_run_id, deleted "
                    + "FROM logged_models WHERE model_id = ?",
                rs ->
                    new Row(
                        Long.toString(rs.getLong(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getInt(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getBoolean(9)),
                modelId)
            .filter(r -> allowDeleted || !r.deleted())
            .orElseThrow(
                () ->
                    new MlflowError(
                        MlflowError.Code.RESOURCE_DOES_NOT_EXIST,
                        "Logged model with ID '" + modelId + "' not found."));
    Map<String, String> tags = new LinkedHashMap<>();
    sql.list(
            "SELECT tag_key, tag_value FROM logged_model_tags WHERE model_id = ? ORDER BY tag_key",
            rs -> Map.entry(rs.getString(1), rs.getString(2)),
            modelId)
        .forEach(e -> tags.put(e.getKey(), e.getValue()));
    Map<String, String> params = new LinkedHashMap<>();
    sql.list(
            "SELECT param_key, param_value FROM logged_model_params WHERE model_id = ? "
                + "ORDER BY param_key",
            rs -> Map.entry(rs.getString(1), rs.getString(2)),
            modelId)
        .forEach(e -> params.put(e.getKey(), e.getValue()));
    List<ModelMetric> metrics =
        sql.list(
            "SELECT metric_name, metric_value, timestamp_ms, step, run_id, dataset_name, "
                + "dataset_digest FROM logged_model_metrics WHERE model_id = ? "
                + "ORDER BY metric_name, timestamp_ms, step",
            rs ->
                new ModelMetric(
                    rs.getString(1),
                    rs.getDouble(2),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7)),
            modelId);
    return new LoggedModel(
        modelId,
        row.experimentId(),
        row.name(),
        row.location(),
        row.created(),
        row.updated(),
        row.status(),
        row.type() == null ? "" : row.type(),
        row.run() == null ? "" : row.run(),
        tags,
        params,
        metrics);
  }

  private static String checkName(String name) {
    for (char c : name.toCharArray()) {
      if (NAME_FORBIDDEN.indexOf(c) >= 0) {
        throw MlflowError.invalid(
            "name",
            "'"
                + name
                + "': a model name must be a non-empty string without any of "
                + "/ : . % \" '");
      }
    }
    return Validation.requireText("name", name, 500);
  }

  private static String randomName() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return ADJECTIVES.get(r.nextInt(ADJECTIVES.size()))
        + "-"
        + NOUNS.get(r.nextInt(NOUNS.size()))
        + "-"
        + r.nextInt(1000);
  }

  private static ArrayNode pairs(Map<String, String> values) {
    ArrayNode list = JSON.createArrayNode();
    values.forEach((k, v) -> list.addObject().put("key", k).put("value", v));
    return list;
  }

  private static void putIfText(ObjectNode node, String field, String value) {
    if (value != null && !value.isEmpty()) {
      node.put(field, value);
    }
  }
}
