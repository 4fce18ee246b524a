package io.flywheel.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.MlflowArtifacts.FileInfo;

/**
 * MLflow 3's logged-model endpoints, under both {@code /api/2.0/mlflow/} and {@code
 * /ajax-api/2.0/mlflow/}, with MLflow's request and response shapes (the 2.17 client jar has no
 * protos for them, so the JSON is read and written here). Artifacts are uploaded by clients
 * straight to the model's {@code artifact_uri} through the artifact proxy, as with MLflow's server.
 */
final class LoggedModelRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "logged-models";
  private static final int DEFAULT_RESULTS = 50;

  @FunctionalInterface
  interface Reply {
    JsonNode handle(Context ctx) throws Exception;
  }

  /** How the server wraps a handler (timing, metrics) before registering it. */
  @FunctionalInterface
  interface Registrar {
    void register(HandlerType method, String endpoint, Reply reply);
  }

  private final LoggedModelStore models;
  private final ArtifactStore artifacts;

  LoggedModelRoutes(LoggedModelStore models, ArtifactStore artifacts) {
    this.models = models;
    this.artifacts = artifacts;
  }

  void register(Registrar on, Javalin app) {
    on.register(HandlerType.POST, PATH, this::create);
    on.register(HandlerType.POST, PATH + "/search", this::search);
    on.register(
        HandlerType.GET,
        PATH + "/{model_id}",
        ctx ->
            wrap(
                models
                    .get(
                        ctx.pathParam("model_id"),
                        "true".equalsIgnoreCase(ctx.queryParam("allow_deleted")))
                    .toJson()));
    on.register(HandlerType.PATCH, PATH + "/{model_id}", this::finalizeModel);
    on.register(
        HandlerType.DELETE,
        PATH + "/{model_id}",
        ctx -> {
          models.delete(ctx.pathParam("model_id"));
          return JSON.createObjectNode();
        });
    on.register(
        HandlerType.PATCH,
        PATH + "/{model_id}/tags",
        ctx -> {
          models.setTags(ctx.pathParam("model_id"), pairs(body(ctx), "tags"));
          return JSON.createObjectNode();
        });
    on.register(
        HandlerType.DELETE,
        PATH + "/{model_id}/tags/{tag_key}",
        ctx -> {
          models.deleteTag(ctx.pathParam("model_id"), ctx.pathParam("tag_key"));
          return JSON.createObjectNode();
        });
    on.register(
        HandlerType.POST,
        PATH + "/{model_id}/params",
        ctx -> {
          models.logParams(ctx.pathParam("model_id"), pairs(body(ctx), "params"));
          return JSON.createObjectNode();
        });
    on.register(HandlerType.GET, PATH + "/{model_id}/artifacts/directories", this::listArtifacts);
    on.register(
        HandlerType.POST,
        "runs/outputs",
        ctx -> {
          JsonNode body = body(ctx);
          Map<String, Long> steps = new LinkedHashMap<>();
          for (JsonNode m : body.path("models")) {
            steps.put(text(m, "model_id", true), m.path("step").asLong(0));
          }
          if (steps.isEmpty()) {
            throw MlflowError.invalid("models", "at least one {model_id, step} is required");
          }
          models.logOutputs(text(body, "run_id", true), steps);
          return JSON.createObjectNode();
        });
    // The UI downloads one file of a model's artifacts here (ajax only, as in MLflow).
    app.get(
        MlflowCompatibleServer.AJAX_API + PATH + "/{model_id}/artifacts/files",
        ctx -> {
          String file = ctx.queryParam("artifact_file_path");
          if (file == null || file.isBlank()) {
            throw MlflowError.invalid("artifact_file_path", "query parameter is required");
          }
          var model = models.get(ctx.pathParam("model_id"), false);
          Path path = artifacts.file(ArtifactClient.proxyPath(model.artifactUri(), file));
          ctx.contentType("application/octet-stream").result(Files.readAllBytes(path));
        });
  }

  /**
   * Metrics a run call logged with MLflow 3's {@code model_id} (and dataset) fields, which the 2.17
   * protos drop: read from the raw body, grouped by model.
   */
  static Map<String, List<LoggedModelStore.ModelMetric>> modelMetrics(
      String body, String runId, boolean batch) throws IOException {
    JsonNode root = JSON.readTree(body);
    List<JsonNode> entries = new ArrayList<>();
    if (batch) {
      root.path("metrics").forEach(entries::add);
    } else {
      entries.add(root);
    }
    Map<String, List<LoggedModelStore.ModelMetric>> byModel = new LinkedHashMap<>();
    for (JsonNode m : entries) {
      String modelId = m.path("model_id").asText("");
      if (modelId.isEmpty()) {
        continue;
      }
      byModel
          .computeIfAbsent(modelId, k -> new ArrayList<>())
          .add(
              new LoggedModelStore.ModelMetric(
                  m.path("key").asText(),
                  m.path("value").asDouble(Double.NaN),
                  m.path("timestamp").asLong(System.currentTimeMillis()),
                  m.path("step").asLong(0),
                  runId,
                  emptyToNull(m.path("dataset_name").asText("")),
                  emptyToNull(m.path("dataset_digest").asText(""))));
    }
    return byModel;
  }

  private JsonNode create(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    return wrap(
        models
            .create(
                text(body, "experiment_id", true),
                text(body, "name", false),
                text(body, "model_type", false),
                text(body, "source_run_id", false),
                pairs(body, "params"),
                pairs(body, "tags"))
            .toJson());
  }

  private JsonNode finalizeModel(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    JsonNode status = body.get("status");
    if (status == null || status.isNull()) {
      throw MlflowError.invalid("status", "is required");
    }
    int value;
    if (status.isInt()) {
      value = status.asInt();
    } else {
      value = LoggedModelStore.STATUSES.indexOf(status.asText());
      if (value < 0) {
        throw MlflowError.invalid(
            "status", "'" + status.asText() + "' is not one of " + LoggedModelStore.STATUSES);
      }
    }
    // MLflow's client sends the id in the body as well; the path names the model.
    return wrap(models.finalize(ctx.pathParam("model_id"), value).toJson());
  }

  private JsonNode search(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    if (!body.has("experiment_ids")) {
      throw MlflowError.invalid("experiment_ids", "is required");
    }
    List<String> experiments = new ArrayList<>();
    body.path("experiment_ids").forEach(e -> experiments.add(e.asText()));
    List<LoggedModelStore.DatasetRef> datasets = datasets(body.path("datasets"));
    List<LoggedModelStore.Order> orders = new ArrayList<>();
    for (JsonNode o : body.path("order_by")) {
      String field = text(o, "field_name", true);
      orders.add(
          new LoggedModelStore.Order(
              field,
              !o.has("ascending") || o.path("ascending").asBoolean(true),
              o.hasNonNull("dataset_name")
                  ? List.of(
                      new LoggedModelStore.DatasetRef(
                          o.path("dataset_name").asText(),
                          emptyToNull(o.path("dataset_digest").asText(""))))
                  : List.of()));
    }
    List<LoggedModelStore.LoggedModel> found =
        experiments.isEmpty()
            ? List.of()
            : models.search(
                experiments,
                SearchFilter.parse(body.path("filter").asText(null)),
                datasets,
                orders);
    int size =
        body.path("max_results").asInt(0) <= 0 ? DEFAULT_RESULTS : body.get("max_results").asInt();
    MlflowCompatibleServer.Page<LoggedModelStore.LoggedModel> page =
        MlflowCompatibleServer.Page.of(found, size, body.path("page_token").asText(""));
    ObjectNode out = JSON.createObjectNode();
    if (!page.items().isEmpty()) {
      ArrayNode list = out.putArray("models");
      page.items().forEach(m -> list.add(m.toJson()));
    }
    page.next().ifPresent(token -> out.put("next_page_token", token));
    return out;
  }

  private JsonNode listArtifacts(Context ctx) throws IOException {
    var model = models.get(ctx.pathParam("model_id"), false);
    String dir = ctx.queryParam("artifact_directory_path");
    String sub = dir == null ? "" : dir.replaceAll("^/+", "").replaceAll("/+$", "");
    ObjectNode out = JSON.createObjectNode().put("root_uri", model.artifactUri());
    ArrayNode files = JSON.createArrayNode();
    for (FileInfo f : artifacts.list(ArtifactClient.proxyPath(model.artifactUri(), sub))) {
      ObjectNode file =
          files
              .addObject()
              .put("path", sub.isEmpty() ? f.getPath() : sub + "/" + f.getPath())
              .put("is_dir", f.getIsDir());
      if (!f.getIsDir()) {
        file.put("file_size", f.getFileSize());
      }
    }
    if (!files.isEmpty()) {
      out.set("files", files);
    }
    return out;
  }

  private static List<LoggedModelStore.DatasetRef> datasets(JsonNode list) {
    List<LoggedModelStore.DatasetRef> out = new ArrayList<>();
    for (JsonNode d : list) {
      out.add(
          new LoggedModelStore.DatasetRef(
              text(d, "dataset_name", true), emptyToNull(d.path("dataset_digest").asText(""))));
    }
    return out;
  }

  private static JsonNode body(Context ctx) {
    String raw = ctx.body();
    if (raw.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(raw);
      if (!node.isObject()) {
        throw MlflowError.invalid("body", "a JSON object is required");
      }
      return node;
    } catch (IOException e) {
      throw MlflowError.invalid("body", "not JSON: " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.asText().isEmpty()) {
      if (required) {
        throw MlflowError.invalid(field, "is required");
      }
      return null;
    }
    if (!value.isValueNode()) {
      throw MlflowError.invalid(field, "a string is required, got " + value);
    }
    return value.asText();
  }

  private static Map<String, String> pairs(JsonNode body, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode pair : body.path(field)) {
      String key = text(pair, "key", true);
      if (out.put(key, pair.path("value").asText("")) != null) {
        throw MlflowError.invalid(field, "key '" + key + "' is given twice");
      }
    }
    return out;
  }

  private static ObjectNode wrap(JsonNode model) {
    ObjectNode out = JSON.createObjectNode();
    out.set("model", model);
    return out;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
