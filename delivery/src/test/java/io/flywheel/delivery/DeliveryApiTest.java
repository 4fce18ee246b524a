package io.flywheel.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.Product;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery API on a real port, with a real online store, ranker and inference server. */
class DeliveryApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "s3cret-token";

  @TempDir static Path dir;
  static DeliveryWorld world;
  static DeliveryService service;
  static DeliveryServer server;
  static Path log;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    world = new DeliveryWorld(dir);
    log = dir.resolve("events").resolve("delivery.jsonl");
    // No exploration here, so the ranker's order is what is checked (DiversityRerankTest covers
    // it).
    service =
        world
            .service(ImpressionLog.file(log))
            .settings(DeliveryService.Settings.defaults().withExploration(0))
            .build();
    server = DeliveryServer.start(service, TOKEN, "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    service.close();
    world.close();
  }

  static HttpResponse<String> get(String query) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + query)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void answersWithDistinctScoredItemsFromTheRanker() throws Exception {
    JsonNode body = ok(get("/v1/recommendations?userId=u1&slot=home&k=8"));
    assertThat(body.path("requestId").asText()).startsWith("r-");
    assertThat(body.path("model").asText()).isEqualTo("flywheel-ctr/1");
    assertThat(body.path("fallbacks")).isEmpty();
    JsonNode items = body.path("items");
    assertThat(items).hasSize(8);
    Set<String> products = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      assertThat(item.path("position").asInt()).isEqualTo(i);
      assertThat(item.path("contentId").asText()).isNotBlank();
      assertThat(item.path("title").asText()).isNotBlank();
      assertThat(item.path("propensity").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);
      assertThat(item.path("arm").asText()).isEqualTo("control");
      assertThat(item.has("score")).isTrue();
      products.add(item.path("productId").asText());
    }
    assertThat(products).hasSize(8);
    assertThat(body.path("candidates").asInt()).isGreaterThan(8);
  }

  @Test
  void theRankerPutsTheShoppersFavouriteCategoryFirst() throws Exception {
    JsonNode fan = ok(get("/v1/recommendations?userId=" + DeliveryWorld.FAN + "&k=6"));
    JsonNode stranger = ok(get("/v1/recommendations?userId=u-stranger&k=6"));
    assertThat(category(fan.path("items").get(0))).isEqualTo(world.favourite);
    long inCategory =
        world.products.stream().filter(p -> p.leafCategory().equals(world.favourite)).count();
    // Diversity caps a category at three places out of six.
    assertThat(countIn(fan, world.favourite)).isEqualTo(Math.min(3, inCategory));
    assertThat(countIn(stranger, world.favourite)).isLessThan(countIn(fan, world.favourite));
  }

  private static String category(JsonNode item) {
    return world.catalog.product(item.path("productId").asText()).orElseThrow().leafCategory();
  }

  private static long countIn(JsonNode body, String category) {
    long n = 0;
    for (JsonNode item : body.path("items")) {
      if (category(item).equals(category)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void anUnknownShopperGetsAColdStartAnswer() throws Exception {
    JsonNode body = ok(get("/v1/recommendations?userId=never-seen-before&slot=email&k=5"));
    assertThat(body.path("items")).hasSize(5);
  }

  @Test
  void theProductSlotOffersCoVisitedProductsAndNotTheProductItself() throws Exception {
    Product page = world.products.get(world.products.size() - 1);
    JsonNode body =
        ok(get("/v1/recommendations?userId=u2&slot=product&k=10&productId=" + page.id()));
    List<String> ids = new ArrayList<>();
    List<String> covisited = new ArrayList<>();
    for (JsonNode item : body.path("items")) {
      ids.add(item.path("productId").asText());
      if (item.path("sources").toString().contains("covisit")) {
        covisited.add(item.path("productId").asText());
      }
    }
    assertThat(ids).doesNotContain(page.id());
    assertThat(covisited)
        .containsExactlyInAnyOrder(
            world.products.get(world.products.size() - 2).id(),
            world.products.get(world.products.size() - 3).id());
  }

  @Test
  void everyItemServedIsLoggedAsAnImpression() throws Exception {
    List<JsonNode> served = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      served.add(ok(get("/v1/recommendations?userId=u-log-" + i + "&k=4&sessionId=s-" + i)));
    }
    List<Event> logged = new ArrayList<>();
    JsonLinesReader.forEach(log, Codecs.EVENTS, logged::add);
    for (JsonNode response : served) {
      String requestId = response.path("requestId").asText();
      List<Event> mine = logged.stream().filter(e -> requestId.equals(e.requestId())).toList();
      assertThat(mine).hasSize(response.path("items").size());
      for (Event e : mine) {
        JsonNode item = response.path("items").get(e.position());
        assertThat(e.type()).isEqualTo(EventType.IMPRESSION);
        assertThat(e.productId()).isEqualTo(item.path("productId").asText());
        assertThat(e.contentId()).isEqualTo(item.path("contentId").asText());
        assertThat(e.variantId()).isEqualTo(item.path("variantId").asText());
        assertThat(e.propensity()).isEqualTo(item.path("propensity").asDouble());
        assertThat(e.arm()).isEqualTo("control");
        assertThat(e.timestamp()).isEqualTo(DeliveryWorld.NOW);
        assertThat(e.sessionId()).startsWith("s-");
      }
    }
  }

  @Test
  void badInputIsA400NamingTheField() throws Exception {
    String[][] cases = {
      {"/v1/recommendations?slot=home", "userId"},
      {"/v1/recommendations?userId=u1&slot=basket", "slot"},
      {"/v1/recommendations?userId=u1&k=0", "k"},
      {"/v1/recommendations?userId=u1&k=51", "k"},
      {"/v1/recommendations?userId=u1&k=ten", "k"},
      {"/v1/recommendations?userId=" + enc("u 1; DROP"), "userId"},
      {"/v1/recommendations?userId=u1&locale=fr-FR", "locale"},
      {"/v1/recommendations?userId=u1&at=yesterday", "at"},
      {"/v1/recommendations?userId=u1&slot=search", "q"},
      {"/v1/recommendations?userId=u1&slot=product", "productId"},
      {"/v1/recommendations?userId=u1&slot=search&q=" + "x".repeat(201), "q"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = get(c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.path("field").asText()).as(c[0]).isEqualTo(c[1]);
      assertThat(body.path("error").asText()).as(c[0]).isNotBlank();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void theCollectorNeedsTheTokenAndRefusesABadBatchWhole() throws Exception {
    String good =
        "{\"eventId\":\"ev-1\",\"type\":\"click\",\"userId\":\"u-buyer\",\"productId\":\""
            + world.products.get(0).id()
            + "\",\"timestamp\":"
            + DeliveryWorld.NOW
            + "}";
    String bad =
        "{\"eventId\":\"ev-2\",\"type\":\"purchase\",\"userId\":\"u-buyer\",\"timestamp\":1}";
    assertThat(post("/v1/events", "[" + good + "]", null).statusCode()).isEqualTo(401);
    assertThat(post("/v1/events", "[" + good + "]", "wrong").statusCode()).isEqualTo(401);
    long before = Files.readAllLines(log).size();
    HttpResponse<String> refused = post("/v1/events", "[" + good + "," + bad + "]", TOKEN);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).path("field").asText()).startsWith("events[1].");
    assertThat(Files.readAllLines(log)).hasSize((int) before);
    assertThat(post("/v1/events", "{not json", TOKEN).statusCode()).isEqualTo(400);
    assertThat(post("/v1/events", "[]", TOKEN).statusCode()).isEqualTo(400);

    HttpResponse<String> accepted = post("/v1/events", "[" + good + "]", TOKEN);
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(Files.readAllLines(log)).hasSize((int) before + 1);
  }

  @Test
  void aPurchasedProductIsNotOfferedAgain() throws Exception {
    JsonNode first = ok(get("/v1/recommendations?userId=u-repeat&k=5"));
    String bought = first.path("items").get(0).path("productId").asText();
    String purchase =
        "[{\"eventId\":\"ev-p\",\"type\":\"purchase\",\"userId\":\"u-repeat\",\"productId\":\""
            + bought
            + "\",\"price\":9.5,\"quantity\":1,\"timestamp\":"
            + DeliveryWorld.NOW
            + "}]";
    assertThat(post("/v1/events", purchase, TOKEN).statusCode()).isEqualTo(202);
    JsonNode again = ok(get("/v1/recommendations?userId=u-repeat&k=5"));
    for (JsonNode item : again.path("items")) {
      assertThat(item.path("productId").asText()).isNotEqualTo(bought);
    }
  }

  @Test
  void batchAnswersEachRequestAndNamesTheBadOne() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/recommendations:batch",
            "{\"requests\":[{\"userId\":\"u1\",\"k\":3},{\"userId\":\"u2\",\"slot\":\"email\",\"k\":2}]}",
            TOKEN);
    JsonNode body = ok(r);
    assertThat(body.path("responses")).hasSize(2);
    assertThat(body.path("responses").get(1).path("items")).hasSize(2);
    HttpResponse<String> bad =
        post(
            "/v1/recommendations:batch",
            "{\"requests\":[{\"userId\":\"u1\"},{\"userId\":\"u2\",\"k\":99}]}",
            TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).path("field").asText()).isEqualTo("requests[1].k");
  }

  @Test
  void healthAndMetrics() throws Exception {
    ok(get("/v1/recommendations?userId=u-metrics&k=2"));
    JsonNode health = ok(get("/health"));
    assertThat(health.path("status").asText()).isEqualTo("up");
    assertThat(health.path("log").asText()).startsWith("file:");
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("flywheel_delivery_request_seconds_count");
    assertThat(metrics.body()).contains("flywheel_delivery_fallbacks{dependency=\"ranker\"}");
  }
}
