package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server serves MLflow's web UI build laid out as MLflow's server lays it out (a
 * stand-in build here: MLflow's own is a Python package, not on Maven Central).
 */
class MlflowUiTest {
  @TempDir Path dir;

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theUiBuildIsServedAtRootAndStaticFilesAndNothingOutsideIt() throws Exception {
    Path build = Files.createDirectories(dir.resolve("build"));
    Files.writeString(build.resolve("index.html"), "<html>mlflow ui</html>");
    Files.createDirectories(build.resolve("static").resolve("js"));
    Files.writeString(build.resolve("static").resolve("js").resolve("main.js"), "render()");
    try (MlflowCompatibleServer server =
        MlflowCompatibleServer.start(dir.resolve("mlflow"), "127.0.0.1", 0, null, build)) {
      String base = server.trackingUri();
      HttpResponse<String> page = get(base + "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("mlflow ui");
      assertThat(page.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      assertThat(get(base + "/static-files/static/js/main.js").body()).isEqualTo("render()");
      assertThat(get(base + "/static-files/../mlflow/tracking.mv.db").statusCode())
          .isNotEqualTo(200);
      // The page's calls land on the API under the UI's prefix.
      assertThat(get(base + "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0").body())
          .contains("\"name\":\"Default\"");
    }
  }

  @Test
  void aFolderWithoutTheUiIsRefusedNamingTheSetting() {
    assertThatThrownBy(
            () -> MlflowCompatibleServer.start(dir.resolve("mlflow"), "127.0.0.1", 0, null, dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("FLYWHEEL_MLFLOW_UI")
        .hasMessageContaining("index.html");
  }

  private static HttpResponse<String> send(String method, String url, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theUisSearchesNeedNoTokenItsWritesDoAndItsHelperRoutesAnswer() throws Exception {
    String token = "ui-test-token-0123456789";
    try (MlflowCompatibleServer server =
        MlflowCompatibleServer.start(dir.resolve("mlflow"), "127.0.0.1", 0, token)) {
      String ajax = server.trackingUri() + "/ajax-api/2.0/mlflow/";
      String api = server.trackingUri() + "/api/2.0/mlflow/";
      // Searches are POSTs in MLflow's API but change nothing: the browser UI sends no token.
      HttpResponse<String> runs =
          send(
              "POST",
              ajax + "runs/search",
              "{\"experiment_ids\":[\"0\"],\"max_results\":100,"
                  + "\"order_by\":[\"attributes.start_time DESC\"]}",
              null);
      assertThat(runs.statusCode()).isEqualTo(200);
      assertThat(
              send("POST", ajax + "experiments/search", "{\"max_results\":10}", null).statusCode())
          .isEqualTo(200);
      HttpResponse<String> write =
          send("POST", ajax + "experiments/create", "{\"name\":\"x\"}", null);
      assertThat(write.statusCode()).isEqualTo(401);
      assertThat(write.body()).contains("UNAUTHENTICATED");

      // A run that read a dataset, and a registered version of a model it logged.
      String created = send("POST", api + "runs/create", "{\"experiment_id\":\"0\"}", token).body();
      String runId = created.replaceAll("(?s).*\"run_id\":\"([0-9a-f]+)\".*", "$1");
      assertThat(
              send(
                      "POST",
                      api + "runs/log-inputs",
                      "{\"run_id\":\""
                          + runId
                          + "\",\"datasets\":[{"
                          + "\"tags\":[{\"key\":\"mlflow.data.context\",\"value\":\"training\"}],"
                          + "\"dataset\":{\"name\":\"examples\",\"digest\":\"abc123\","
                          + "\"source_type\":\"local\",\"source\":\"{}\"}}]}",
                      token)
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> datasets =
          send("POST", ajax + "experiments/search-datasets", "{\"experiment_ids\":[\"0\"]}", null);
      assertThat(datasets.statusCode()).isEqualTo(200);
      assertThat(datasets.body())
          .contains("\"name\":\"examples\"", "\"digest\":\"abc123\"", "\"context\":\"training\"");
      String artifactUri = created.replaceAll("(?s).*\"artifact_uri\":\"([^\"]+)\".*", "$1");
      String proxy = artifactUri.substring("mlflow-artifacts:".length()).replaceAll("^/+", "");
      assertThat(
              send(
                      "PUT",
                      server.trackingUri()
                          + "/api/2.0/mlflow-artifacts/artifacts/"
                          + proxy
                          + "/model/MLmodel",
                      "flavors: {}",
                      token)
                  .statusCode())
          .isEqualTo(200);
      send("POST", api + "registered-models/create", "{\"name\":\"ctr\"}", token);
      assertThat(
              send(
                      "POST",
                      api + "model-versions/create",
                      "{\"name\":\"ctr\",\"source\":\""
                          + artifactUri
                          + "/model\",\"run_id\":\""
                          + runId
                          + "\"}",
                      token)
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> mlmodel =
          get(
              server.trackingUri()
                  + "/model-versions/get-artifact?path=MLmodel&name=ctr&version=1");
      assertThat(mlmodel.statusCode()).isEqualTo(200);
      assertThat(mlmodel.body()).isEqualTo("flavors: {}");

      HttpResponse<String> gateway =
          get(ajax + "gateway-proxy?gateway_path=api%2F2.0%2Fendpoints%2F");
      assertThat(gateway.statusCode()).isEqualTo(200);
      assertThat(gateway.body()).isEqualTo("{\"endpoints\":[]}");
    }
  }
}
