package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow's REST API as its clients use it, over raw HTTP: the embedded server by default; with
 * {@code MLFLOW_TRACKING_URI} set (e.g. {@code http://mlflow:5000}, and {@code
 * MLFLOW_TRACKING_TOKEN} for a bearer token), the same cases run unchanged against that MLflow
 * server, so the two can be compared. Every name carries a random suffix: a shared server gains a
 * few {@code conformance-*} experiments and models and loses nothing.
 */
class MlflowConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path dir;
  private static MlflowCompatibleServer embedded;
  private static String base;
  private static String token;
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void server() throws Exception {
    // The environment read once, through the same checked configuration the CLI uses.
    io.flywheel.core.FlywheelConfig config =
        io.flywheel.core.FlywheelConfig.load(dir, System.getenv());
    String target = config.mlflowTrackingUri();
    token = config.mlflowTrackingToken();
    if (target != null && !target.isBlank()) {
      base = target.replaceAll("/+$", "");
    } else {
      embedded = MlflowCompatibleServer.start(dir.resolve("mlflow"), "127.0.0.1", 0, null);
      base = embedded.trackingUri();
    }
  }

  @AfterAll
  static void stop() {
    if (embedded != null) {
      embedded.close();
    }
  }

  private record Reply(int status, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
    return token == null || token.isBlank()
        ? request
        : request.header("Authorization", "Bearer " + token);
  }

  private static Reply post(String path, Object body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            authorized(HttpRequest.newBuilder(URI.create(base + path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private static Reply send(String method, String path, Object body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            authorized(HttpRequest.newBuilder(URI.create(base + path)))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private static Reply get(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            authorized(HttpRequest.newBuilder(URI.create(base + pathAndQuery))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private static String experiment(String name) throws Exception {
    Reply r = post("/api/2.0/mlflow/experiments/create", java.util.Map.of("name", name + SUFFIX));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("experiment_id").asText();
  }

  private static String run(String experiment, long start, double auc) throws Exception {
    Reply created =
        post(
            "/api/2.0/mlflow/runs/create",
            java.util.Map.of("experiment_id", experiment, "start_time", start));
    String id = created.json().at("/run/info/run_id").asText();
    Reply logged =
        post(
            "/api/2.0/mlflow/runs/log-metric",
            java.util.Map.of(
                "run_id", id, "key", "auc", "value", auc, "timestamp", start, "step", 0));
    assertThat(logged.status()).as(logged.body()).isEqualTo(200);
    return id;
  }

  @Test
  void integersOf64BitsAreJsonNumbersAsMlflowSendsThem() throws Exception {
    String exp = experiment("conformance-int64-");
    String id = run(exp, 1_767_225_600_123L, 0.7);
    JsonNode run = get("/api/2.0/mlflow/runs/get?run_id=" + id).json().get("run");
    assertThat(run.at("/info/start_time").isNumber()).as(run.toString()).isTrue();
    assertThat(run.at("/info/start_time").asLong()).isEqualTo(1_767_225_600_123L);
    JsonNode metric = run.at("/data/metrics/0");
    assertThat(metric.get("timestamp").isNumber()).isTrue();
    assertThat(metric.get("step").isNumber()).isTrue();
    JsonNode experiment =
        get("/api/2.0/mlflow/experiments/get?experiment_id=" + exp).json().get("experiment");
    assertThat(experiment.get("creation_time").isNumber()).isTrue();
  }

  @Test
  void healthUnknownRoutesAndTheWebUisPrefixAnswerAsMlflowDoes() throws Exception {
    Reply health = get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("OK");
    Reply unknown = get("/api/2.0/mlflow/no-such-endpoint");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error_code").asText()).isEqualTo("ENDPOINT_NOT_FOUND");
    String name = "conformance-ajax-" + SUFFIX;
    post("/api/2.0/mlflow/experiments/create", java.util.Map.of("name", name));
    Reply ajax = get("/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=" + name);
    assertThat(ajax.status()).as(ajax.body()).isEqualTo(200);
    assertThat(ajax.json().at("/experiment/name").asText()).isEqualTo(name);
  }

  @Test
  void searchesFollowOrderByAndRefuseUnknownKeys() throws Exception {
    String exp = experiment("conformance-order-");
    String low = run(exp, 3_000, 0.61);
    String high = run(exp, 1_000, 0.83);
    String mid = run(exp, 2_000, 0.72);
    Reply byAuc =
        post(
            "/api/2.0/mlflow/runs/search",
            java.util.Map.of(
                "experiment_ids", List.of(exp), "order_by", List.of("metrics.auc DESC")));
    assertThat(ids(byAuc.json())).containsExactly(high, mid, low);
    Reply byStart =
        post(
            "/api/2.0/mlflow/runs/search",
            java.util.Map.of(
                "experiment_ids", List.of(exp), "order_by", List.of("attributes.start_time ASC")));
    assertThat(ids(byStart.json())).containsExactly(high, mid, low);
    Reply byDefault =
        post("/api/2.0/mlflow/runs/search", java.util.Map.of("experiment_ids", List.of(exp)));
    assertThat(ids(byDefault.json())).containsExactly(low, mid, high); // newest start first
    Reply bogus =
        post(
            "/api/2.0/mlflow/runs/search",
            java.util.Map.of("experiment_ids", List.of(exp), "order_by", List.of("bogus.auc")));
    assertThat(bogus.status()).isEqualTo(400);
    assertThat(bogus.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");

    String c = experiment("conformance-sort-c-");
    String a = experiment("conformance-sort-a-");
    String b = experiment("conformance-sort-b-");
    Reply byName =
        post(
            "/api/2.0/mlflow/experiments/search",
            java.util.Map.of(
                "filter",
                "name LIKE 'conformance-sort-%" + SUFFIX + "'",
                "order_by",
                List.of("name ASC")));
    List<String> names = new ArrayList<>();
    byName.json().get("experiments").forEach(e -> names.add(e.get("experiment_id").asText()));
    assertThat(names).containsExactly(a, b, c);
  }

  @Test
  void filtersTakeInListsAndRefuseComparisonsOfTheWrongType() throws Exception {
    String exp = experiment("conformance-filter-");
    String first = run(exp, 1_000, 0.6);
    String second = run(exp, 2_000, 0.7);
    run(exp, 3_000, 0.8);
    Reply in =
        post(
            "/api/2.0/mlflow/runs/search",
            java.util.Map.of(
                "experiment_ids",
                List.of(exp),
                "filter",
                "attributes.run_id IN ('" + first + "', '" + second + "')"));
    assertThat(in.status()).as(in.body()).isEqualTo(200);
    assertThat(ids(in.json())).containsExactlyInAnyOrder(first, second);
    for (String bad : List.of("params.x > '5'", "metrics.auc = 'abc'", "metrics.auc IN ('1')")) {
      Reply refused =
          post(
              "/api/2.0/mlflow/runs/search",
              java.util.Map.of("experiment_ids", List.of(exp), "filter", bad));
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    }
  }

  @Test
  void aBatchOfMoreThanAThousandEntitiesIsRefusedAndHistoryPages() throws Exception {
    String id = run(experiment("conformance-batch-"), 1_000, 0.5);
    List<java.util.Map<String, Object>> metrics = new ArrayList<>();
    for (int i = 0; i < 950; i++) {
      metrics.add(
          java.util.Map.of(
              "key", "loss", "value", 1.0 / (i + 1), "timestamp", 1_000 + i, "step", i));
    }
    List<java.util.Map<String, Object>> params = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      params.add(java.util.Map.of("key", "p" + i, "value", "v"));
    }
    Reply tooMany =
        post(
            "/api/2.0/mlflow/runs/log-batch",
            java.util.Map.of("run_id", id, "metrics", metrics, "params", params));
    assertThat(tooMany.status()).isEqualTo(400);
    Reply ok =
        post("/api/2.0/mlflow/runs/log-batch", java.util.Map.of("run_id", id, "metrics", metrics));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    JsonNode page =
        get("/api/2.0/mlflow/metrics/get-history?run_id=" + id + "&metric_key=loss&max_results=100")
            .json();
    assertThat(page.get("metrics")).hasSize(100);
    assertThat(page.get("next_page_token").asText()).isNotEmpty();
  }

  @Test
  void latestVersionsAreAskedForByStageAndStagesMove() throws Exception {
    String model = "conformance-stages-" + SUFFIX;
    post("/api/2.0/mlflow/registered-models/create", java.util.Map.of("name", model));
    for (int i = 0; i < 2; i++) {
      Reply v =
          post(
              "/api/2.0/mlflow/model-versions/create",
              java.util.Map.of("name", model, "source", "file:/tmp/model-" + i));
      assertThat(v.status()).as(v.body()).isEqualTo(200);
    }
    Reply moved =
        post(
            "/api/2.0/mlflow/model-versions/transition-stage",
            java.util.Map.of(
                "name",
                model,
                "version",
                "1",
                "stage",
                "production",
                "archive_existing_versions",
                false));
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    assertThat(moved.json().at("/model_version/current_stage").asText()).isEqualTo("Production");
    assertThat(latest(model, "Production")).containsExactly("1");
    assertThat(latest(model, "Staging")).isEmpty();
    assertThat(latest(model, "None")).containsExactly("2");

    post(
        "/api/2.0/mlflow/model-versions/transition-stage",
        java.util.Map.of(
            "name",
            model,
            "version",
            "2",
            "stage",
            "Production",
            "archive_existing_versions",
            true));
    assertThat(latest(model, "Production")).containsExactly("2");
    assertThat(latest(model, "Archived")).containsExactly("1");
    Reply bad =
        post(
            "/api/2.0/mlflow/model-versions/transition-stage",
            java.util.Map.of("name", model, "version", "1", "stage", "Live"));
    assertThat(bad.status()).isEqualTo(400);
  }

  @Test
  void modelsAndVersionsAreRenamedUpdatedAndDeletedWithTheirTags() throws Exception {
    String model = "conformance-crud-" + SUFFIX;
    post("/api/2.0/mlflow/registered-models/create", java.util.Map.of("name", model));
    for (int i = 0; i < 2; i++) {
      post(
          "/api/2.0/mlflow/model-versions/create",
          java.util.Map.of("name", model, "source", "file:/tmp/m" + i));
    }
    post(
        "/api/2.0/mlflow/model-versions/set-tag",
        java.util.Map.of("name", model, "version", "1", "key", "k", "value", "v"));
    Reply untag =
        send(
            "DELETE",
            "/api/2.0/mlflow/model-versions/delete-tag",
            java.util.Map.of("name", model, "version", "1", "key", "k"));
    assertThat(untag.status()).as(untag.body()).isEqualTo(200);
    assertThat(
            get("/api/2.0/mlflow/model-versions/get?name=" + model + "&version=1")
                .json()
                .at("/model_version/tags"))
        .isEmpty();
    Reply updated =
        send(
            "PATCH",
            "/api/2.0/mlflow/registered-models/update",
            java.util.Map.of("name", model, "description", "CTR ranker"));
    assertThat(updated.json().at("/registered_model/description").asText()).isEqualTo("CTR ranker");
    Reply deleted =
        send(
            "DELETE",
            "/api/2.0/mlflow/model-versions/delete",
            java.util.Map.of("name", model, "version", "2"));
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(get("/api/2.0/mlflow/model-versions/get?name=" + model + "&version=2").status())
        .isEqualTo(404);
    Reply third =
        post(
            "/api/2.0/mlflow/model-versions/create",
            java.util.Map.of("name", model, "source", "file:/tmp/m2"));
    assertThat(third.json().at("/model_version/version").asText())
        .as("a deleted version's number is not reused")
        .isEqualTo("3");
    String renamed = model + "-renamed";
    Reply rename =
        post(
            "/api/2.0/mlflow/registered-models/rename",
            java.util.Map.of("name", model, "new_name", renamed));
    assertThat(rename.json().at("/registered_model/name").asText()).isEqualTo(renamed);
    assertThat(get("/api/2.0/mlflow/model-versions/get?name=" + renamed + "&version=1").status())
        .isEqualTo(200);
    assertThat(get("/api/2.0/mlflow/registered-models/get?name=" + model).status()).isEqualTo(404);
    Reply gone =
        send(
            "DELETE",
            "/api/2.0/mlflow/registered-models/delete",
            java.util.Map.of("name", renamed));
    assertThat(gone.status()).isEqualTo(200);
    assertThat(get("/api/2.0/mlflow/registered-models/get?name=" + renamed).status())
        .isEqualTo(404);

    String exp = experiment("conformance-rename-");
    Reply renameExp =
        post(
            "/api/2.0/mlflow/experiments/update",
            java.util.Map.of("experiment_id", exp, "new_name", "conformance-renamed-" + SUFFIX));
    assertThat(renameExp.status()).as(renameExp.body()).isEqualTo(200);
    assertThat(
            get("/api/2.0/mlflow/experiments/get?experiment_id=" + exp)
                .json()
                .at("/experiment/name")
                .asText())
        .isEqualTo("conformance-renamed-" + SUFFIX);
  }

  @Test
  void theWebUisHelperRoutesListAndServeArtifactsAndSampleHistories() throws Exception {
    String exp = experiment("conformance-ui-");
    String first = run(exp, 1_000, 0.5);
    String second = run(exp, 2_000, 0.6);
    JsonNode info = get("/api/2.0/mlflow/runs/get?run_id=" + first).json().at("/run/info");
    String root = info.get("artifact_uri").asText().replaceFirst("^mlflow-artifacts:/*", "");
    HttpResponse<String> put =
        HTTP.send(
            authorized(
                    HttpRequest.newBuilder(
                        URI.create(
                            base
                                + "/api/2.0/mlflow-artifacts/artifacts/"
                                + root
                                + "/model/m.json")))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"trees\": 3}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    JsonNode listed = get("/api/2.0/mlflow/artifacts/list?run_id=" + first + "&path=model").json();
    assertThat(listed.at("/files/0/path").asText()).isEqualTo("model/m.json");
    assertThat(listed.at("/files/0/file_size").asLong()).isEqualTo(12);
    // Multipart upload: refused as MLflow refuses it for a local store, so clients fall back.
    Reply mpu =
        post(
            "/api/2.0/mlflow-artifacts/mpu/create/" + root + "/model/big.bin",
            java.util.Map.of("path", "big.bin", "num_parts", 2));
    assertThat(mpu.status()).isEqualTo(501);
    assertThat(mpu.json().get("message").asText())
        .startsWith("Multipart upload is not supported for the current artifact repository");
    Reply file = get("/get-artifact?run_uuid=" + first + "&path=model/m.json");
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.body()).isEqualTo("{\"trees\": 3}");

    for (String id : List.of(first, second)) {
      List<java.util.Map<String, Object>> points = new ArrayList<>();
      for (int step = 0; step < 10; step++) {
        points.add(
            java.util.Map.of(
                "key", "loss", "value", 1.0 / (step + 1), "timestamp", 5, "step", step));
      }
      post("/api/2.0/mlflow/runs/log-batch", java.util.Map.of("run_id", id, "metrics", points));
    }
    JsonNode bulk =
        get("/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids="
                + first
                + "&run_ids="
                + second
                + "&metric_key=loss&max_results=4")
            .json();
    List<String> firstSteps = new ArrayList<>();
    for (JsonNode m : bulk.get("metrics")) {
      assertThat(m.get("run_id").asText()).isIn(first, second);
      if (m.get("run_id").asText().equals(first)) {
        firstSteps.add(m.get("step").asText());
      }
    }
    assertThat(firstSteps).hasSizeBetween(4, 5).contains("0", "9");
  }

  @Test
  void aRunRecordsTheDatasetsItReadAndTheModelsItLogged() throws Exception {
    String id = run(experiment("conformance-inputs-"), 1_000, 0.5);
    java.util.Map<String, Object> dataset =
        java.util.Map.of(
            "tags",
            List.of(java.util.Map.of("key", "mlflow.data.context", "value", "training")),
            "dataset",
            java.util.Map.of(
                "name",
                "examples",
                "digest",
                "abc123",
                "source_type",
                "local",
                "source",
                "{\"uri\": \"file:/data\"}"));
    Reply logged =
        post(
            "/api/2.0/mlflow/runs/log-inputs",
            java.util.Map.of("run_id", id, "datasets", List.of(dataset)));
    assertThat(logged.status()).as(logged.body()).isEqualTo(200);
    post(
        "/api/2.0/mlflow/runs/log-inputs",
        java.util.Map.of("run_id", id, "datasets", List.of(dataset))); // the same again
    JsonNode inputs =
        get("/api/2.0/mlflow/runs/get?run_id=" + id).json().at("/run/inputs/dataset_inputs");
    assertThat(inputs).hasSize(1);
    assertThat(inputs.at("/0/dataset/digest").asText()).isEqualTo("abc123");
    assertThat(inputs.at("/0/tags/0/value").asText()).isEqualTo("training");

    for (String flavor : List.of("xgboost", "python_function")) {
      Reply model =
          post(
              "/api/2.0/mlflow/runs/log-model",
              java.util.Map.of(
                  "run_id",
                  id,
                  "model_json",
                  "{\"artifact_path\": \"model\", \"flavor\": \"" + flavor + "\"}"));
      assertThat(model.status()).as(model.body()).isEqualTo(200);
    }
    JsonNode tags = get("/api/2.0/mlflow/runs/get?run_id=" + id).json().at("/run/data/tags");
    String history = null;
    for (JsonNode t : tags) {
      if (t.get("key").asText().equals("mlflow.log-model.history")) {
        history = t.get("value").asText();
      }
    }
    assertThat(history).isNotNull();
    JsonNode models = JSON.readTree(history);
    assertThat(models).hasSize(2);
    assertThat(models.get(1).get("flavor").asText()).isEqualTo("python_function");
    Reply notJson =
        post(
            "/api/2.0/mlflow/runs/log-model",
            java.util.Map.of("run_id", id, "model_json", "not json"));
    assertThat(notJson.status()).isEqualTo(400);
  }

  @Test
  void tracesAreStartedEndedTaggedSearchedAndDeleted() throws Exception {
    String exp = experiment("conformance-traces-");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Reply started =
          post(
              "/api/2.0/mlflow/traces",
              java.util.Map.of(
                  "experiment_id",
                  exp,
                  "timestamp_ms",
                  1_000 + i,
                  "request_metadata",
                  List.of(java.util.Map.of("key", "prompt", "value", "p" + i)),
                  "tags",
                  List.of(java.util.Map.of("key", "copy", "value", i == 1 ? "banner" : "email"))));
      assertThat(started.status()).as(started.body()).isEqualTo(200);
      JsonNode info = started.json().get("trace_info");
      assertThat(info.get("request_id").asText()).matches("tr-[0-9a-f]{32}");
      assertThat(info.get("status").asText()).isEqualTo("IN_PROGRESS");
      assertThat(info.get("timestamp_ms").isNumber()).isTrue();
      ids.add(info.get("request_id").asText());
    }
    Reply ended =
        send(
            "PATCH",
            "/api/2.0/mlflow/traces/" + ids.get(0),
            java.util.Map.of("request_id", ids.get(0), "timestamp_ms", 1_250, "status", "OK"));
    assertThat(ended.status()).as(ended.body()).isEqualTo(200);
    assertThat(ended.json().at("/trace_info/execution_time_ms").asLong()).isEqualTo(250);
    assertThat(ended.json().at("/trace_info/status").asText()).isEqualTo("OK");
    send(
        "PATCH",
        "/api/2.0/mlflow/traces/" + ids.get(2) + "/tags",
        java.util.Map.of("key", "reviewed", "value", "yes"));
    JsonNode info = get("/api/2.0/mlflow/traces/" + ids.get(2) + "/info").json().get("trace_info");
    assertThat(info.toString()).contains("reviewed", "mlflow.artifactLocation");

    JsonNode newestFirst = get("/api/2.0/mlflow/traces?experiment_ids=" + exp).json();
    List<String> order = new ArrayList<>();
    newestFirst.get("traces").forEach(t -> order.add(t.get("request_id").asText()));
    assertThat(order).containsExactly(ids.get(2), ids.get(1), ids.get(0));
    JsonNode banners =
        get("/api/2.0/mlflow/traces?experiment_ids="
                + exp
                + "&filter="
                + java.net.URLEncoder.encode(
                    "tags.copy = 'banner'", java.nio.charset.StandardCharsets.UTF_8))
            .json();
    assertThat(banners.get("traces")).hasSize(1);

    Reply untag =
        send(
            "DELETE",
            "/api/2.0/mlflow/traces/" + ids.get(2) + "/tags",
            java.util.Map.of("key", "reviewed"));
    assertThat(untag.status()).as(untag.body()).isEqualTo(200);
    Reply deleted =
        post(
            "/api/2.0/mlflow/traces/delete-traces",
            java.util.Map.of("experiment_id", exp, "max_timestamp_millis", 1_001, "max_traces", 1));
    assertThat(deleted.json().get("traces_deleted").asInt()).isEqualTo(1);
    assertThat(get("/api/2.0/mlflow/traces/" + ids.get(0) + "/info").status()).isEqualTo(404);
    assertThat(get("/api/2.0/mlflow/traces/" + ids.get(1) + "/info").status()).isEqualTo(200);
  }

  private static List<String> latest(String model, String stage) throws Exception {
    Reply r =
        post(
            "/api/2.0/mlflow/registered-models/get-latest-versions",
            java.util.Map.of("name", model, "stages", List.of(stage)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> versions = new ArrayList<>();
    JsonNode list = r.json().get("model_versions");
    if (list != null) {
      list.forEach(v -> versions.add(v.get("version").asText()));
    }
    return versions;
  }

  private static List<String> ids(JsonNode search) {
    List<String> ids = new ArrayList<>();
    search.get("runs").forEach(r -> ids.add(r.at("/info/run_id").asText()));
    return ids;
  }

  private static JsonNode loggedModel(String experiment, String name, String params)
      throws Exception {
    Reply r =
        post(
            "/api/2.0/mlflow/logged-models",
            JSON.readTree(
                "{\"experiment_id\": \""
                    + experiment
                    + "\", \"name\": \""
                    + name
                    + "\", \"model_type\": \"ranker\", \"params\": "
                    + params
                    + ", \"tags\": [{\"key\": \"team\", \"value\": \"recs\"}]}"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("model");
  }

  @Test
  void loggedModelsAreCreatedUploadedFinalizedTaggedAndSoftDeletedAsInMlflow3() throws Exception {
    String exp = experiment("conformance-logged-");
    JsonNode model = loggedModel(exp, "ctr", "[{\"key\": \"depth\", \"value\": \"6\"}]");
    String id = model.at("/info/model_id").asText();
    assertThat(id).matches("m-[0-9a-f]{32}");
    assertThat(model.at("/info/status").asText()).isEqualTo("LOGGED_MODEL_PENDING");
    assertThat(model.at("/info/creation_timestamp_ms").isNumber()).isTrue();
    assertThat(model.at("/info/experiment_id").asText()).isEqualTo(exp);
    assertThat(model.at("/info/tags/0/key").asText()).isEqualTo("team");
    assertThat(model.at("/data/params/0/value").asText()).isEqualTo("6");
    String artifactUri = model.at("/info/artifact_uri").asText();
    assertThat(artifactUri).endsWith("/" + exp + "/models/" + id + "/artifacts");

    // The client uploads straight to the model's artifact location, then finalizes.
    String proxied = artifactUri.replaceFirst("^mlflow-artifacts:/+", "");
    Reply upload =
        send("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + proxied + "/model/MLmodel", "flavors");
    assertThat(upload.status()).as(upload.body()).isEqualTo(200);
    JsonNode top = get("/api/2.0/mlflow/logged-models/" + id + "/artifacts/directories").json();
    assertThat(top.get("root_uri").asText()).isEqualTo(artifactUri);
    assertThat(top.at("/files/0/path").asText()).isEqualTo("model");
    assertThat(top.at("/files/0/is_dir").asBoolean()).isTrue();
    JsonNode inner =
        get("/api/2.0/mlflow/logged-models/"
                + id
                + "/artifacts/directories?artifact_directory_path=model")
            .json();
    assertThat(inner.at("/files/0/path").asText()).isEqualTo("model/MLmodel");
    assertThat(inner.at("/files/0/file_size").asLong()).isEqualTo("\"flavors\"".length());
    Reply file =
        get(
            "/ajax-api/2.0/mlflow/logged-models/"
                + id
                + "/artifacts/files?artifact_file_path=model/MLmodel");
    assertThat(file.body()).isEqualTo("\"flavors\"");

    Reply ready =
        send(
            "PATCH",
            "/api/2.0/mlflow/logged-models/" + id,
            java.util.Map.of("model_id", id, "status", "LOGGED_MODEL_READY"));
    assertThat(ready.json().at("/model/info/status").asText()).isEqualTo("LOGGED_MODEL_READY");
    Reply badStatus =
        send(
            "PATCH",
            "/api/2.0/mlflow/logged-models/" + id,
            java.util.Map.of("model_id", id, "status", "FINISHED"));
    assertThat(badStatus.status()).isEqualTo(400);
    assertThat(badStatus.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");

    Reply tagged =
        send(
            "PATCH",
            "/api/2.0/mlflow/logged-models/" + id + "/tags",
            JSON.readTree("{\"tags\": [{\"key\": \"stage\", \"value\": \"canary\"}]}"));
    assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
    assertThat(send("DELETE", "/api/2.0/mlflow/logged-models/" + id + "/tags/team", "").status())
        .isEqualTo(200);
    Reply noTag = send("DELETE", "/api/2.0/mlflow/logged-models/" + id + "/tags/team", "");
    assertThat(noTag.status()).isEqualTo(404);
    Reply params =
        post(
            "/api/2.0/mlflow/logged-models/" + id + "/params",
            JSON.readTree(
                "{\"model_id\": \""
                    + id
                    + "\", \"params\": [{\"key\": \"eta\", \"value\": \"0.1\"}]}"));
    assertThat(params.status()).as(params.body()).isEqualTo(200);
    Reply again =
        post(
            "/api/2.0/mlflow/logged-models/" + id + "/params",
            JSON.readTree(
                "{\"model_id\": \""
                    + id
                    + "\", \"params\": [{\"key\": \"eta\", \"value\": \"0.2\"}]}"));
    assertThat(again.status()).isEqualTo(400);
    JsonNode now = get("/api/2.0/mlflow/logged-models/" + id).json().get("model");
    assertThat(now.at("/info/tags").toString()).contains("canary").doesNotContain("recs");
    assertThat(now.at("/data/params").toString()).contains("\"eta\"", "\"0.1\"");

    assertThat(send("DELETE", "/api/2.0/mlflow/logged-models/" + id, "").status()).isEqualTo(200);
    Reply gone = get("/api/2.0/mlflow/logged-models/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(get("/api/2.0/mlflow/logged-models/" + id + "?allow_deleted=true").status())
        .isEqualTo(200);
    JsonNode search =
        post(
                "/api/2.0/mlflow/logged-models/search",
                java.util.Map.of("experiment_ids", List.of(exp)))
            .json();
    assertThat(search.has("models")).as(search.toString()).isFalse();
    Reply unknownExperiment =
        post(
            "/api/2.0/mlflow/logged-models",
            java.util.Map.of("experiment_id", "987654321", "name", "x"));
    assertThat(unknownExperiment.status()).isEqualTo(404);
  }

  @Test
  void loggedModelsAreMeasuredThroughRunsAndSearchedByMetricParamAndDataset() throws Exception {
    String exp = experiment("conformance-logged-search-");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          loggedModel(exp, "m" + i, "[{\"key\": \"depth\", \"value\": \"" + (4 + i) + "\"}]")
              .at("/info/model_id")
              .asText());
    }
    String run = run(exp, 1_767_225_600_000L, 0.5);
    // m0: auc 0.71 on eval; m1: auc 0.65 then 0.80 on eval; m2: auc 0.90 on train only.
    Reply one =
        post(
            "/api/2.0/mlflow/runs/log-metric",
            JSON.readTree(
                "{\"run_id\": \""
                    + run
                    + "\", \"key\": \"auc\", \"value\": 0.71, \"timestamp\": 1,"
                    + " \"step\": 0, \"model_id\": \""
                    + ids.get(0)
                    + "\", \"dataset_name\": \"eval\","
                    + " \"dataset_digest\": \"d1\"}"));
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    Reply batch =
        post(
            "/api/2.0/mlflow/runs/log-batch",
            JSON.readTree(
                "{\"run_id\": \""
                    + run
                    + "\", \"metrics\": ["
                    + "{\"key\": \"auc\", \"value\": 0.65, \"timestamp\": 1, \"step\": 0, \"model_id\": \""
                    + ids.get(1)
                    + "\", \"dataset_name\": \"eval\", \"dataset_digest\": \"d1\"},"
                    + "{\"key\": \"auc\", \"value\": 0.80, \"timestamp\": 2, \"step\": 1, \"model_id\": \""
                    + ids.get(1)
                    + "\", \"dataset_name\": \"eval\", \"dataset_digest\": \"d1\"},"
                    + "{\"key\": \"auc\", \"value\": 0.90, \"timestamp\": 1, \"step\": 0, \"model_id\": \""
                    + ids.get(2)
                    + "\", \"dataset_name\": \"train\", \"dataset_digest\": \"d2\"}]}"));
    assertThat(batch.status()).as(batch.body()).isEqualTo(200);
    JsonNode m1 = get("/api/2.0/mlflow/logged-models/" + ids.get(1)).json().get("model");
    assertThat(m1.at("/data/metrics")).hasSize(2);
    assertThat(m1.at("/data/metrics/1/run_id").asText()).isEqualTo(run);
    assertThat(m1.at("/data/metrics/1/dataset_name").asText()).isEqualTo("eval");

    // Best on eval first; the model never measured on eval sorts last.
    List<String> byAuc =
        names(
            post(
                    "/api/2.0/mlflow/logged-models/search",
                    JSON.readTree(
                        "{\"experiment_ids\": [\""
                            + exp
                            + "\"], \"order_by\": [{\"field_name\":"
                            + " \"metrics.auc\", \"ascending\": false, \"dataset_name\": \"eval\","
                            + " \"dataset_digest\": \"d1\"}]}"))
                .json());
    assertThat(byAuc).containsExactly("m1", "m0", "m2");
    // Any value of the metric may satisfy a clause (m1 had 0.65, then 0.80).
    List<String> above =
        names(
            post(
                    "/api/2.0/mlflow/logged-models/search",
                    java.util.Map.of("experiment_ids", List.of(exp), "filter", "metrics.auc > 0.7"))
                .json());
    assertThat(above).containsExactlyInAnyOrder("m0", "m1", "m2");
    List<String> onEval =
        names(
            post(
                    "/api/2.0/mlflow/logged-models/search",
                    JSON.readTree(
                        "{\"experiment_ids\": [\""
                            + exp
                            + "\"], \"filter\": \"metrics.auc < 0.7\","
                            + " \"datasets\": [{\"dataset_name\": \"eval\", \"dataset_digest\": \"d1\"}]}"))
                .json());
    assertThat(onEval).containsExactly("m1");
    List<String> deep =
        names(
            post(
                    "/api/2.0/mlflow/logged-models/search",
                    java.util.Map.of(
                        "experiment_ids",
                        List.of(exp),
                        "filter",
                        "params.depth = '6' AND model_type = 'ranker'"))
                .json());
    assertThat(deep).containsExactly("m2");

    // Paging: one model a page, newest first by default, every model once.
    List<String> paged = new ArrayList<>();
    String token = "";
    do {
      JsonNode page =
          post(
                  "/api/2.0/mlflow/logged-models/search",
                  java.util.Map.of(
                      "experiment_ids", List.of(exp), "max_results", 1, "page_token", token))
              .json();
      paged.addAll(names(page));
      token = page.path("next_page_token").asText("");
    } while (!token.isEmpty());
    assertThat(paged).containsExactlyInAnyOrder("m0", "m1", "m2").hasSize(3);

    Reply unknownModel =
        post(
            "/api/2.0/mlflow/runs/log-metric",
            JSON.readTree(
                "{\"run_id\": \""
                    + run
                    + "\", \"key\": \"auc\", \"value\": 0.5, \"timestamp\": 3,"
                    + " \"model_id\": \"m-00000000000000000000000000000000\"}"));
    assertThat(unknownModel.status()).isEqualTo(404);
    Reply badOrder =
        post(
            "/api/2.0/mlflow/logged-models/search",
            JSON.readTree(
                "{\"experiment_ids\": [\""
                    + exp
                    + "\"], \"order_by\": [{\"field_name\": \"params.depth\"}]}"));
    assertThat(badOrder.status()).isEqualTo(400);
    Reply badFilter =
        post(
            "/api/2.0/mlflow/logged-models/search",
            java.util.Map.of("experiment_ids", List.of(exp), "filter", "metrics.auc >> 1"));
    assertThat(badFilter.status()).isEqualTo(400);
  }

  private static List<String> names(JsonNode search) {
    List<String> out = new ArrayList<>();
    search.path("models").forEach(m -> out.add(m.at("/info/name").asText()));
    return out;
  }
}
