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
}
