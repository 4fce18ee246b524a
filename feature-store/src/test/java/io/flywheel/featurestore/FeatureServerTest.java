package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature server over a real HTTP port. */
class FeatureServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path home;

  private FeatureStore store;
  private FeatureServer server;

  @BeforeEach
  void start() throws Exception {
    FeatureRegistry registry = FeatureRegistry.builtIn();
    store =
        new FeatureStore(
            registry,
            OnlineStore.open(home, null, Clock.systemUTC()),
            new OfflineStore(home.resolve("offline"), registry));
    store
        .online()
        .upsert(
            registry.view("user_activity"),
            new FeatureVector(
                "user_activity", "u1", 1_000, Map.of("clicks_7d", 3.0, "ctr_7d", 0.07)));
    store
        .online()
        .upsert(
            registry.view("product_covisit"),
            new FeatureVector(
                "product_covisit",
                "p1",
                2_000,
                Map.of("neighbours", List.of(new ScoredItem("p2", 4.0)))));
    server = FeatureServer.start(store, "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesOneEntitysFeatures() throws Exception {
    HttpResponse<String> response = get("/v1/features/user_activity/u1");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("asOf").asLong()).isEqualTo(1_000);
    assertThat(body.at("/values/clicks_7d").asDouble()).isEqualTo(3.0);

    JsonNode covisit = JSON.readTree(get("/v1/features/product_covisit/p1").body());
    assertThat(covisit.at("/values/neighbours/0/id").asText()).isEqualTo("p2");
  }

  @Test
  void batchLookupListsFoundAndMissingKeys() throws Exception {
    HttpResponse<String> response = get("/v1/features/user_activity?keys=u1,u2,u1");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.at("/found/u1/values/ctr_7d").asDouble()).isEqualTo(0.07);
    assertThat(body.get("missing")).hasSize(1);
    assertThat(body.get("missing").get(0).asText()).isEqualTo("u2");
  }

  @Test
  void errorsAreJsonWithTheFieldAndReason() throws Exception {
    HttpResponse<String> unknownView = get("/v1/features/orders/u1");
    assertThat(unknownView.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknownView.body()).get("error").asText())
        .contains("unknown feature view 'orders'");
    HttpResponse<String> unknownKey = get("/v1/features/user_activity/nobody");
    assertThat(unknownKey.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknownKey.body()).get("field").asText()).isEqualTo("key");
    HttpResponse<String> noKeys = get("/v1/features/user_activity");
    assertThat(noKeys.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noKeys.body()).get("field").asText()).isEqualTo("keys");
  }

  @Test
  void exposesHealthViewsAndPrometheusMetrics() throws Exception {
    JsonNode health = JSON.readTree(get("/health").body());
    assertThat(health.get("status").asText()).isEqualTo("up");
    assertThat(health.get("onlineStore").asText()).startsWith("rocksdb:");
    JsonNode views = JSON.readTree(get("/v1/views").body());
    assertThat(views.get("views")).hasSize(6);
    get("/v1/features/user_activity/u1");
    get("/v1/features/user_activity/nobody");
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("flywheel_feature_lookup_seconds_count{view=\"user_activity\"} 2")
        .contains("flywheel_feature_lookup_misses_total{view=\"user_activity\"} 1.0")
        .contains("jvm_memory_used_bytes");
  }
}
