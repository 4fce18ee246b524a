package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry layer over the real {@code mlflow-client}, talking HTTP to the embedded
 * MLflow-compatible server on a real port.
 */
class ModelRegistryTest {
  @TempDir Path home;

  @Test
  void runsKeepParamsMetricsHistoryAndTags() {
    try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
      assertThat(registry.isEmbedded()).isTrue();
      TrackedRun run = registry.startRun("ctr", "first", Map.of("flywheel.workflow", "wf-1"));
      run.logParams(Map.of("max_depth", 4, "eta", 0.03));
      double[] loss = new double[10_000];
      for (int i = 0; i < loss.length; i++) {
        loss[i] = 1.0 / (i + 1);
      }
      run.logMetricSeries("validation_logloss", loss);
      run.logMetrics(Map.of("auc", 0.81, "oracle_auc", 0.83), 0);
      run.setTags(Map.of("flywheel.data_hash", "abc123"));

      assertThat(run.params()).containsEntry("max_depth", "4").containsEntry("eta", "0.03");
      assertThat(run.metrics())
          .containsEntry("auc", 0.81)
          .containsEntry("validation_logloss", 1.0 / 10_000);
      List<Double> history = run.metricHistory("validation_logloss");
      assertThat(history).hasSize(10_000);
      assertThat(history.get(0)).isEqualTo(1.0);
      assertThat(run.tags())
          .containsEntry("flywheel.data_hash", "abc123")
          .containsEntry("mlflow.runName", "first");
      assertThat(run.status()).isEqualTo("RUNNING");

      // A param cannot change: MLflow refuses, and the first value stays.
      assertThatThrownBy(() -> run.logParams(Map.of("max_depth", 6)))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("max_depth");
      assertThat(run.params()).containsEntry("max_depth", "4");

      assertThat(registry.findFinishedRun("ctr", Map.of("flywheel.workflow", "wf-1"))).isEmpty();
      run.finish();
      assertThat(registry.findFinishedRun("ctr", Map.of("flywheel.workflow", "wf-1")))
          .hasValueSatisfying(found -> assertThat(found.runId()).isEqualTo(run.runId()));
      assertThat(registry.findFinishedRun("ctr", Map.of("flywheel.workflow", "wf-'2"))).isEmpty();
    }
  }

  @Test
  void registersVersionsWithAliasesAndArtifactsThatSurviveARestart() throws Exception {
    Path model = Files.createDirectories(home.resolve("model-files"));
    Files.writeString(model.resolve("model.json"), "{\"learner\":{}}");
    Files.writeString(model.resolve("features.txt"), "position\nuser_ctr\n");
    String runId;
    try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
      TrackedRun run = registry.startRun("ctr", "train", Map.of());
      run.logArtifact(model, "model");
      assertThat(run.listArtifacts("model")).containsExactly("features.txt", "model.json");
      // Only a finished run's model can be registered; nothing is created before that.
      assertThatThrownBy(() -> registry.register("flywheel-ctr", run, "model", Map.of()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("RUNNING");
      assertThat(registry.findModel("flywheel-ctr")).isEmpty();
      run.finish();

      ModelVersionInfo v1 =
          registry.register(
              "flywheel-ctr",
              run,
              "model",
              Map.of("flywheel.training_window", "2026-01-01/2026-01-07"));
      ModelVersionInfo v2 = registry.register("flywheel-ctr", run, "model", Map.of());
      assertThat(v1.version()).isEqualTo(1);
      assertThat(v2.version()).isEqualTo(2);
      assertThat(v1.runId()).isEqualTo(run.runId());
      registry.setAlias("flywheel-ctr", ModelRegistry.CHAMPION, 1);
      registry.setAlias("flywheel-ctr", ModelRegistry.CHALLENGER, 2);
      assertThat(registry.aliased("flywheel-ctr", "champion"))
          .hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(1));
      assertThat(registry.aliased("flywheel-ctr", "nobody")).isEmpty();
      assertThatThrownBy(() -> registry.setAlias("flywheel-ctr", "champion", 9))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("9");
      assertThat(registry.aliased("flywheel-ctr", "champion"))
          .hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(1));
      runId = run.runId();
    }

    try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
      RegisteredModelInfo info = registry.findModel("flywheel-ctr").orElseThrow();
      assertThat(info.latestVersion()).isEqualTo(2);
      assertThat(info.aliases()).containsEntry("champion", 1).containsEntry("challenger", 2);
      List<ModelVersionInfo> versions = registry.versions("flywheel-ctr");
      assertThat(versions).extracting(ModelVersionInfo::version).containsExactly(2, 1);
      ModelVersionInfo v1 = registry.version("flywheel-ctr", 1);
      assertThat(v1.tags()).containsEntry("flywheel.training_window", "2026-01-01/2026-01-07");
      assertThat(v1.aliases()).containsExactly("champion");
      Path copy = registry.download(v1, home.resolve("downloaded"));
      assertThat(Files.readString(copy.resolve("model.json"))).isEqualTo("{\"learner\":{}}");
      assertThat(Files.readString(copy.resolve("features.txt"))).isEqualTo("position\nuser_ctr\n");
      assertThat(registry.run(runId).status()).isEqualTo("FINISHED");
      assertThat(registry.models())
          .extracting(RegisteredModelInfo::name)
          .containsExactly("flywheel-ctr");
    }
  }

  @Test
  void aFailedRunIsMarkedAndCannotBeRegistered() throws Exception {
    try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
      TrackedRun run = registry.startRun("ctr", "broken", Map.of());
      Path file = Files.writeString(home.resolve("m.json"), "{}");
      run.logArtifact(file, "model/m.json");
      run.fail("training data has a single class");
      assertThat(run.status()).isEqualTo("FAILED");
      assertThat(run.tags())
          .containsEntry(TrackedRun.FAILURE_TAG, "training data has a single class");
      assertThatThrownBy(() -> registry.register("flywheel-ctr", run, "model", Map.of()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("FAILED");
      assertThat(registry.findModel("flywheel-ctr")).isEmpty();
    }
  }

  @Test
  void anUnreachableTrackingServerIsAClearError() {
    assertThatThrownBy(() -> ModelRegistry.connect("http://127.0.0.1:9", null))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("127.0.0.1:9")
        .hasMessageContaining("unreachable");
    assertThatThrownBy(() -> ModelRegistry.connect("file:///tmp/mlruns", null))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("MLFLOW_TRACKING_URI");
  }

  @Test
  void theServerRefusesUnauthenticatedWritesBadJsonAndEscapingPaths() throws Exception {
    try (MlflowCompatibleServer server =
        MlflowCompatibleServer.start(home.resolve("srv"), "127.0.0.1", 0, "s3cret")) {
      HttpClient http = HttpClient.newHttpClient();
      String api = server.trackingUri() + MlflowCompatibleServer.API;
      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "experiments/create"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body()).contains("\"error_code\":\"UNAUTHENTICATED\"");

      HttpResponse<String> badJson =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "experiments/create"))
                  .header("Authorization", "Bearer s3cret")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\": [1,"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(badJson.statusCode()).isEqualTo(400);
      assertThat(badJson.body()).contains("INVALID_PARAMETER_VALUE");

      HttpResponse<String> missingRun =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "runs/get?run_id=nope")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(missingRun.statusCode()).isEqualTo(404);
      assertThat(missingRun.body()).contains("RESOURCE_DOES_NOT_EXIST");

      HttpResponse<String> escape =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          server.trackingUri()
                              + MlflowCompatibleServer.ARTIFACTS
                              + "?path=../../etc"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(escape.statusCode()).isEqualTo(400);

      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create(server.trackingUri() + "/health")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).isEqualTo("OK");
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create(server.trackingUri() + "/metrics")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body())
          .contains(
              "flywheel_mlflow_errors_total", "flywheel_mlflow_stored{kind=\"experiments\"} 1.0");
    }
  }
}
