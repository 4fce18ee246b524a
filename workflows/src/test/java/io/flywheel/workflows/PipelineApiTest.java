package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.FlywheelConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipelines HTTP API on a real port, running on the embedded Temporal service. */
class PipelineApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  @Test
  void startsRunsWithABearerTokenAndReportsTheirState() throws Exception {
    try (Orchestration orchestration = Orchestration.open(home, FlywheelConfig.local());
        PipelineApi api = PipelineApi.start(orchestration, home, "s3cret", "127.0.0.1", 0)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + api.port();
      String body = "{\"params\": {\"pause\": \"100ms\"}, \"date\": \"2026-04-01\"}";

      HttpResponse<String> anonymous =
          post(http, base + "/v1/pipelines/smoke-test/runs", body, null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body()).contains("\"field\":\"Authorization\"");

      HttpResponse<String> created =
          post(http, base + "/v1/pipelines/smoke-test/runs", body, "s3cret");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String runId = JSON.readTree(created.body()).get("runId").asText();
      assertThat(runId).startsWith("smoke-test-2026-04-01-");
      orchestration.pipelines().await(runId, Duration.ofSeconds(60));
      JsonNode state = JSON.readTree(get(http, base + "/v1/runs/" + runId).body());
      assertThat(state.get("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(state.at("/tasks/start/outputs/day").asText()).isEqualTo("2026-04-01");

      HttpResponse<String> badParam =
          post(
              http,
              base + "/v1/pipelines/smoke-test/runs",
              "{\"params\": {\"speed\": \"1\"}}",
              "s3cret");
      assertThat(badParam.statusCode()).isEqualTo(400);
      assertThat(badParam.body()).contains("param 'speed' is not declared");
      HttpResponse<String> huge =
          post(
              http,
              base + "/v1/pipelines/smoke-test/runs",
              "{\"params\": {\"pause\": \"" + "x".repeat(20 << 20) + "\"}}",
              "s3cret");
      assertThat(huge.statusCode()).isEqualTo(413);
      assertThat(JSON.readTree(huge.body()).get("field").asText()).isEqualTo("body");
      assertThat(huge.body()).contains("256 KiB");
      HttpResponse<String> badDate =
          post(http, base + "/v1/pipelines/smoke-test/runs", "{\"date\": \"soon\"}", "s3cret");
      assertThat(badDate.statusCode()).isEqualTo(400);
      assertThat(badDate.body()).contains("\"field\":\"date\"");
      assertThat(post(http, base + "/v1/pipelines/nightly/runs", "{}", "s3cret").statusCode())
          .isEqualTo(404);
      assertThat(get(http, base + "/v1/runs/nope-1").statusCode()).isEqualTo(404);
      // Signals: an ended run is a conflict, an unknown one is not found, both in plain words.
      HttpResponse<String> cancelEnded =
          post(http, base + "/v1/runs/" + runId + "/cancel", "", "s3cret");
      assertThat(cancelEnded.statusCode()).isEqualTo(409);
      assertThat(cancelEnded.body()).contains("is SUCCEEDED: there is nothing to cancel");
      HttpResponse<String> cancelUnknown =
          post(http, base + "/v1/runs/nope-1/cancel", "", "s3cret");
      assertThat(cancelUnknown.statusCode()).isEqualTo(404);
      assertThat(cancelUnknown.body()).contains("no run 'nope-1' is known");
      assertThat(get(http, base + "/v1/pipelines").body()).contains("train-evaluate-deploy");
      assertThat(get(http, base + "/health").body()).contains("\"status\":\"up\"");
      assertThat(get(http, base + "/metrics").body())
          .contains("flywheel_pipeline_runs_submitted_total{pipeline=\"smoke-test\"} 1.0");
    }
  }

  @Test
  void aRunPausedOverHttpStartsNoTaskUntilResumed() throws Exception {
    try (Orchestration orchestration = Orchestration.open(home, FlywheelConfig.local());
        PipelineApi api = PipelineApi.start(orchestration, home, "s3cret", "127.0.0.1", 0)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + api.port();
      String runId =
          JSON.readTree(
                  post(
                          http,
                          base + "/v1/pipelines/smoke-test/runs",
                          "{\"params\": {\"pause\": \"1s\"}}",
                          "s3cret")
                      .body())
              .get("runId")
              .asText();
      assertThat(post(http, base + "/v1/runs/" + runId + "/pause", "", null).statusCode())
          .isEqualTo(401);
      HttpResponse<String> paused = post(http, base + "/v1/runs/" + runId + "/pause", "", "s3cret");
      assertThat(paused.statusCode()).as(paused.body()).isEqualTo(202);
      Thread.sleep(3_000); // longer than the whole run takes unpaused
      JsonNode held = JSON.readTree(get(http, base + "/v1/runs/" + runId).body());
      assertThat(held.get("status").asText()).isEqualTo("PAUSED");
      assertThat(held.at("/tasks/cleanup/state").asText()).isEqualTo("QUEUED");
      // The scheme is case-insensitive (RFC 6750), so a lower-case "bearer" works too.
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/v1/runs/" + runId + "/resume"))
                          .header("Authorization", "bearer s3cret")
                          .POST(HttpRequest.BodyPublishers.ofString(""))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(202);
      assertThat(orchestration.pipelines().await(runId, Duration.ofSeconds(60)).status())
          .isEqualTo("SUCCEEDED");
      assertThat(get(http, base + "/v1/triggers").body()).isEqualTo("[]");
    }
  }

  @Test
  void withoutAConfiguredTokenNothingCanBeChanged() throws Exception {
    try (Orchestration orchestration = Orchestration.open(home, FlywheelConfig.local());
        PipelineApi api = PipelineApi.start(orchestration, home, null, "127.0.0.1", 0)) {
      HttpResponse<String> refused =
          post(
              HttpClient.newHttpClient(),
              "http://127.0.0.1:" + api.port() + "/v1/pipelines/smoke-test/runs",
              "{}",
              "anything");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("FLYWHEEL_API_TOKEN");
    }
  }

  private static HttpResponse<String> post(HttpClient http, String url, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
