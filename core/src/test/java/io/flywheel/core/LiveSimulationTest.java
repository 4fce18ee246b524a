package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live simulated shoppers served by a policy, valued against the oracle and popularity. */
class LiveSimulationTest {
  private static final long DAY = 86_400_000L;
  private static final SimulationConfig SMALL =
      new SimulationConfig(300, 60, 2, 17, 0, WorldConfig.defaults());

  static {
    // The JDK's server writes headers and body apart: without this, Nagle's algorithm and the
    // client's delayed ACK hold every answer back some 40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @TempDir Path dir;

  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  private LiveSummary live(String builtIn, String name) throws IOException {
    return MarketplaceSimulator.runLive(
        SMALL, new LiveOptions(builtIn, null, 0, 0), dir.resolve(name), SimulationProgress.NONE);
  }

  @Test
  void oracleIsWorthMoreThanPopularityAndRandomOnTheSameRequests() throws IOException {
    LiveSummary oracle = live("oracle", "oracle");
    LiveSummary random = live("random", "random");
    LiveSummary popularity = live("popularity", "popularity");

    // The value a run reports for its policy is its column, over the same requests.
    assertThat(oracle.purchasesPer1000().policy())
        .isCloseTo(oracle.purchasesPer1000().oracle(), within(1e-9));
    assertThat(oracle.clicksPer1000().policy())
        .isCloseTo(oracle.clicksPer1000().oracle(), within(1e-9));
    assertThat(oracle.policyToOracle()).isCloseTo(1.0, within(1e-9));
    assertThat(popularity.purchasesPer1000().policy())
        .isCloseTo(popularity.purchasesPer1000().popularity(), within(1e-9));

    for (LiveSummary run : List.of(oracle, random, popularity)) {
      assertThat(run.requests()).as(run.policy()).isGreaterThan(200);
      assertThat(run.answeredRequests()).isEqualTo(run.requests());
      assertThat(run.failedRequests()).isZero();
      assertThat(run.impressions()).isEqualTo(run.requests() * SMALL.world().slotSize());
      assertThat(run.purchasesPer1000().oracle())
          .as(run.policy())
          .isGreaterThan(run.purchasesPer1000().popularity())
          .isGreaterThanOrEqualTo(run.purchasesPer1000().policy() - 1e-9);
    }
    assertThat(oracle.purchasesPer1000().policy())
        .isGreaterThan(2 * random.purchasesPer1000().policy())
        .isGreaterThan(2 * popularity.purchasesPer1000().policy());
    assertThat(random.policyToOracle()).isLessThan(1.0);
    // What the oracle showed was bought, not just expected to be.
    assertThat(oracle.purchases()).isGreaterThan(2 * random.purchases());

    LiveSummary written =
        Codecs.MAPPER.readValue(
            dir.resolve("oracle").resolve(MarketplaceSimulator.LIVE_FILE).toFile(),
            LiveSummary.class);
    assertThat(written).isEqualTo(oracle);
  }

  @Test
  void sameSeedAndPolicyGiveIdenticalFilesAndPopularityFromDayZeroIsTheBatchRun()
      throws IOException {
    live("random", "a");
    live("random", "b");
    for (String file :
        List.of(
            MarketplaceSimulator.EVENTS_FILE,
            MarketplaceSimulator.TRUTH_FILE,
            MarketplaceSimulator.LIVE_FILE)) {
      assertThat(Files.mismatch(dir.resolve("a").resolve(file), dir.resolve("b").resolve(file)))
          .as(file)
          .isEqualTo(-1L);
    }
    SimulationConfig dirty = new SimulationConfig(300, 60, 2, 17, 0.02, WorldConfig.defaults());
    MarketplaceSimulator.run(dirty, dir.resolve("batch"), SimulationProgress.NONE);
    MarketplaceSimulator.runLive(
        dirty,
        new LiveOptions("popularity", null, 0, 0),
        dir.resolve("live"),
        SimulationProgress.NONE);
    for (String file :
        List.of(
            MarketplaceSimulator.PRODUCTS_FILE,
            MarketplaceSimulator.CONTENT_FILE,
            MarketplaceSimulator.EVENTS_FILE,
            MarketplaceSimulator.TRUTH_FILE)) {
      assertThat(
              Files.mismatch(dir.resolve("batch").resolve(file), dir.resolve("live").resolve(file)))
          .as(file)
          .isEqualTo(-1L);
    }
  }

  @Test
  void aLaterStartDayServesOnlyItsDaysUnderIdsOfItsOwn() throws IOException {
    SimulationConfig week = new SimulationConfig(300, 60, 4, 17, 0, WorldConfig.defaults());
    LiveSummary summary =
        MarketplaceSimulator.runLive(
            week, new LiveOptions("random", null, 2, 0, 1), dir, SimulationProgress.NONE);
    assertThat(summary.startDay()).isEqualTo(2);
    assertThat(summary.days()).isEqualTo(1);
    long start = WorldConfig.defaults().startInstant().toEpochMilli();
    List<Event> events = events(dir);
    assertThat(events).isNotEmpty();
    for (Event event : events) {
      assertThat(event.eventId()).startsWith("d2-e");
      assertThat(event.sessionId()).startsWith("d2-s");
      if (event.type() == EventType.IMPRESSION) {
        assertThat(event.requestId()).startsWith("d2-r");
        assertThat(event.timestamp()).isBetween(start + 2 * DAY, start + 3 * DAY);
      }
    }
    assertThatThrownBy(
            () ->
                MarketplaceSimulator.runLive(
                    week,
                    new LiveOptions("random", null, 4, 0),
                    dir.resolve("late"),
                    SimulationProgress.NONE))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("startDay");
  }

  @Test
  void optionsNameWhatIsWrong() {
    assertThatThrownBy(() -> new LiveOptions(null, null, 0, 0)).hasMessageContaining("policy");
    assertThatThrownBy(() -> new LiveOptions("greedy", null, 0, 0))
        .hasMessageContaining("builtInPolicy")
        .hasMessageContaining("greedy");
    assertThatThrownBy(() -> new LiveOptions("random", null, -1, 0))
        .hasMessageContaining("startDay");
    assertThatThrownBy(() -> new LiveOptions("random", null, 0, -2)).hasMessageContaining("speed");
  }

  @Test
  void pacedRunTakesTheWallTimeItsSpeedSays() throws IOException {
    SimulationConfig oneDay = new SimulationConfig(100, 20, 1, 3, 0, WorldConfig.defaults());
    long began = System.nanoTime();
    // A day in about a quarter of a second.
    MarketplaceSimulator.runLive(
        oneDay, new LiveOptions("random", null, 0, 4 * 86_400.0), dir, SimulationProgress.NONE);
    assertThat((System.nanoTime() - began) / 1e6).isGreaterThan(200);
  }

  @Test
  void theOracleOrdersThePolicysOwnPoolAndTheCeilingEverything() throws IOException {
    // The policy shows the first four of a twelve-item pool, in pool order.
    String pool =
        java.util.stream.IntStream.range(0, 12)
            .mapToObj(i -> "{\"productId\":\"p" + i + "\",\"contentId\":\"c" + (3 * i) + "\"}")
            .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    serve(
        exchange ->
            json(
                200,
                "{\"requestId\":\"r\",\"items\":["
                    + item(0, "p0", "c0", "v1", 1.0)
                    + ","
                    + item(1, "p1", "c3", "v1", 1.0)
                    + ","
                    + item(2, "p2", "c6", "v1", 1.0)
                    + ","
                    + item(3, "p3", "c9", "v1", 1.0)
                    + "],\"pool\":"
                    + pool
                    + "}"));
    LiveSummary summary;
    try (LivePolicy policy = LivePolicy.http(baseUrl(), null, Duration.ofSeconds(5))) {
      summary =
          MarketplaceSimulator.runLive(
              SMALL, new LiveOptions(null, policy, 0, 0), dir, SimulationProgress.NONE);
    }
    PolicyValue purchases = summary.purchasesPer1000();
    // Ordering the same pool by the truth can only do better; everything on sale, better still.
    assertThat(purchases.oracle()).isGreaterThan(purchases.policy());
    assertThat(purchases.ceiling()).isGreaterThan(purchases.oracle());
    assertThat(summary.policyToOracle()).isLessThan(1.0);
  }

  @Test
  void anHttpPolicyServesTheShoppersAndItsAnswersAreLogged() throws IOException {
    List<Map<String, String>> queries = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    AtomicInteger answers = new AtomicInteger();
    serve(
        exchange -> {
          queries.add(query(exchange));
          tokens.add(exchange.getRequestHeaders().getFirst("Authorization"));
          int n = answers.getAndIncrement();
          String fallbacks = n % 2 == 0 ? "[\"ranker\"]" : "[]";
          // Out of order on the wire: position says where each goes.
          return json(
              200,
              "{\"requestId\":\"srv-"
                  + n
                  + "\",\"userId\":\"u1\",\"slot\":\"home\",\"fallbacks\":"
                  + fallbacks
                  + ",\"items\":["
                  + item(1, "p1", "c4", "v2", 0.25)
                  + ","
                  + item(0, "p0", "c0", "v1", 0.5)
                  + ","
                  + item(2, "p2", "c8", "v3", 0.125)
                  + "],\"served\":\"unknown fields are ignored\"}");
        });
    LiveSummary summary;
    try (LivePolicy policy = LivePolicy.http(baseUrl(), "tok", Duration.ofSeconds(5))) {
      summary =
          MarketplaceSimulator.runLive(
              SMALL, new LiveOptions(null, policy, 0, 0), dir, SimulationProgress.NONE);
    }
    assertThat(summary.policy()).isEqualTo(baseUrl().toString());
    assertThat(summary.requests()).isEqualTo(answers.get()).isGreaterThan(200);
    assertThat(summary.answeredRequests()).isEqualTo(summary.requests());
    assertThat(summary.fallbackRequests()).isEqualTo((summary.requests() + 1) / 2);
    assertThat(summary.fallbacks()).containsOnly(Map.entry("ranker", summary.fallbackRequests()));
    assertThat(summary.impressions()).isEqualTo(3 * summary.requests());
    assertThat(summary.unknownItems()).isZero();

    Map<String, String> first = queries.get(0);
    assertThat(first)
        .containsKeys("userId", "sessionId", "locale", "at")
        .containsEntry("slot", "home")
        .containsEntry("k", "4");
    assertThat(first.get("locale")).isIn("en-US", "zh-CN");
    assertThat(Instant.parse(first.get("at")))
        .isAfterOrEqualTo(WorldConfig.defaults().startInstant());
    assertThat(tokens).containsOnly("Bearer tok");

    List<Event> impressions =
        events(dir).stream().filter(e -> e.type() == EventType.IMPRESSION).toList();
    assertThat(impressions).hasSize((int) summary.impressions());
    Map<String, Double> propensity = Map.of("c0", 0.5, "c4", 0.25, "c8", 0.125);
    for (Event impression : impressions) {
      assertThat(impression.requestId()).startsWith("srv-");
      assertThat(impression.propensity()).isEqualTo(propensity.get(impression.contentId()));
      assertThat(impression.position())
          .isEqualTo(List.of("c0", "c4", "c8").indexOf(impression.contentId()));
      assertThat(impression.arm()).isEqualTo("treatment");
      assertThat(impression.campaignId()).isEqualTo("k1");
    }
    // Follow-ups carry the server's request id, as a tracking link would.
    assertThat(events(dir).stream().filter(e -> e.type() == EventType.CLICK))
        .isNotEmpty()
        .allSatisfy(click -> assertThat(click.requestId()).startsWith("srv-"));
  }

  @Test
  void shoppersEventsArePostedToTheCollectorBeforeTheNextRequest() throws Exception {
    List<String> requestTimes = java.util.Collections.synchronizedList(new ArrayList<>());
    // What the server saw, in order: "request <at>" and "event <timestamp>".
    List<String> trail = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
    serve(
        exchange -> {
          String at = query(exchange).get("at");
          requestTimes.add(at);
          trail.add("request " + Instant.parse(at).toEpochMilli());
          return json(
              200,
              "{\"requestId\":\"srv-"
                  + requestTimes.size()
                  + "\",\"items\":["
                  + item(0, "p0", "c0", "v1", 0.5)
                  + ","
                  + item(1, "p1", "c4", "v2", 0.25)
                  + "]}");
        });
    List<Event> posted = java.util.Collections.synchronizedList(new ArrayList<>());
    server.createContext(
        "/v1/events",
        exchange -> {
          tokens.add(exchange.getRequestHeaders().getFirst("Authorization"));
          var batch = Codecs.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
          for (var node : batch) {
            Event e = Codecs.EVENTS.decode((com.fasterxml.jackson.databind.node.ObjectNode) node);
            posted.add(e);
            trail.add("event " + e.timestamp());
          }
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
        });
    LiveSummary summary;
    try (LivePolicy policy =
        LivePolicy.httpReportingEvents(baseUrl(), "tok", Duration.ofSeconds(5))) {
      summary =
          MarketplaceSimulator.runLive(
              SMALL, new LiveOptions(null, policy, 0, 0), dir, SimulationProgress.NONE);
    }
    List<Event> followUps =
        events(dir).stream().filter(e -> e.type() != EventType.IMPRESSION).toList();
    assertThat(followUps).extracting(Event::type).contains(EventType.CLICK, EventType.PURCHASE);
    // Everything the shoppers did reached the collector, in the order the tracking delivered it.
    assertThat(posted)
        .extracting(Event::eventId)
        .containsExactlyElementsOf(followUps.stream().map(Event::eventId).toList());
    assertThat(summary.reportedEvents()).isEqualTo(followUps.size());
    assertThat(summary.unreportedEvents()).isZero();
    assertThat(tokens).containsOnly("Bearer tok");
    // Feedback is fresh and never from the future: before each request the collector has had
    // every event from before the shopper's visit began (a visit is simulated whole, so within it
    // feedback waits for the next one; visits last well under an hour) and nothing later than it.
    int checked = 0;
    long postedBefore = 0;
    long newestPosted = 0;
    for (String step : trail) {
      long t = Long.parseLong(step.substring(step.indexOf(' ') + 1));
      if (step.startsWith("event")) {
        postedBefore++;
        newestPosted = Math.max(newestPosted, t);
        continue;
      }
      assertThat(newestPosted).as("newest event posted before the request at %d", t).isLessThan(t);
      long dueAnHourBefore = followUps.stream().filter(e -> e.timestamp() < t - 3_600_000L).count();
      assertThat(postedBefore).isGreaterThanOrEqualTo(dueAnHourBefore);
      checked++;
    }
    assertThat(checked).isGreaterThan(100);
  }

  @Test
  void aCollectorThatRefusesIsCountedAndTheRunCompletes() throws Exception {
    serve(exchange -> json(200, "{\"items\":[" + item(0, "p0", "c0", "v1", 0.5) + "]}"));
    server.createContext(
        "/v1/events",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    LiveSummary summary;
    try (LivePolicy policy =
        LivePolicy.httpReportingEvents(baseUrl(), "wrong", Duration.ofSeconds(5))) {
      summary =
          MarketplaceSimulator.runLive(
              SMALL, new LiveOptions(null, policy, 0, 0), dir, SimulationProgress.NONE);
      assertThat(((HttpLivePolicy) policy).firstReportError()).contains("HTTP 401");
    }
    assertThat(summary.answeredRequests()).isEqualTo(summary.requests());
    assertThat(summary.reportedEvents()).isZero();
    assertThat(summary.unreportedEvents())
        .isEqualTo(events(dir).stream().filter(e -> e.type() != EventType.IMPRESSION).count());
    assertThatThrownBy(() -> LivePolicy.httpReportingEvents(baseUrl(), null, Duration.ofSeconds(1)))
        .hasMessageContaining("token");
  }

  @Test
  void aFailingPolicyIsCountedAndTheRunCompletes() throws IOException {
    serve(exchange -> json(500, "{\"error\":\"ranker down\"}"));
    LiveSummary summary;
    try (LivePolicy policy = LivePolicy.http(baseUrl(), null, Duration.ofSeconds(5))) {
      summary =
          MarketplaceSimulator.runLive(
              SMALL, new LiveOptions(null, policy, 0, 0), dir, SimulationProgress.NONE);
    }
    assertThat(summary.requests()).isPositive();
    assertThat(summary.failedRequests()).isEqualTo(summary.requests());
    assertThat(summary.answeredRequests()).isZero();
    assertThat(summary.impressions()).isZero();
    assertThat(summary.purchasesPer1000().policy()).isZero();
    assertThat(summary.purchasesPer1000().oracle()).isPositive();
    assertThat(summary.purchasesPer1000().popularity()).isPositive();
    assertThat(summary.policyToOracle()).isZero();
    assertThat(summary.firstError()).contains("500", "ranker down");
    assertThat(dir.resolve(MarketplaceSimulator.LIVE_FILE)).isNotEmptyFile();
    // Sessions still happened: some shoppers bought without being shown anything.
    assertThat(events(dir)).isNotEmpty();
  }

  @Test
  void copyThePolicyWritesIsReadAndWhatTheWorldCannotFindIsCounted() throws IOException {
    AtomicInteger answers = new AtomicInteger();
    String planted =
        "{\"productId\":\"p0\",\"contentId\":\"gen-0\",\"variantId\":\"v1\","
            + "\"title\":\"限时特价！仅剩今天\",\"body\":\"今日直降，手慢无。原价更高，好评如潮，都在买。\","
            + "\"propensity\":1.0}";
    serve(
        exchange -> {
          int n = answers.getAndIncrement();
          String first = n % 2 == 0 ? item(0, "p0", "c0", "v1", 1.0) : planted;
          return json(
              200,
              "{\"requestId\":\"srv-"
                  + n
                  + "\",\"fallbacks\":[],\"items\":["
                  + first
                  // The same product again: only its first item is shown.
                  + ","
                  + item(1, "p0", "c1", "v2", 1.0)
                  // A product the world does not have.
                  + ",{\"productId\":\"p999999\",\"contentId\":\"x1\",\"variantId\":\"v1\"}"
                  // A known product under a variant it does not have.
                  + ",{\"productId\":\"p1\",\"contentId\":\"x2\",\"variantId\":\"v9\"}]}");
        });
    LiveSummary summary;
    try (LivePolicy policy = LivePolicy.http(baseUrl(), null, Duration.ofSeconds(5))) {
      summary =
          MarketplaceSimulator.runLive(
              SMALL, new LiveOptions(null, policy, 0, 0), dir, SimulationProgress.NONE);
    }
    assertThat(summary.unknownItems()).isEqualTo(2 * summary.requests());
    assertThat(summary.droppedItems()).isEqualTo(summary.requests());
    assertThat(summary.impressions()).isEqualTo(summary.requests());

    List<Event> events = events(dir);
    Map<String, GroundTruth.ImpressionTruth> truth = impressionTruth(dir);
    // Per shopper, how the stock v1 of p0 and the planted copy in its place read.
    Map<String, Double> stock = new HashMap<>();
    Map<String, Double> read = new HashMap<>();
    for (Event event : events) {
      if (event.type() != EventType.IMPRESSION) {
        continue;
      }
      assertThat(event.productId()).isEqualTo("p0");
      assertThat(event.variantId()).isEqualTo("v1");
      assertThat(event.contentId()).isIn("c0", "gen-0");
      Double appeal = truth.get(event.eventId()).appeal();
      (event.contentId().equals("c0") ? stock : read).put(event.userId(), appeal);
    }
    List<String> both = stock.keySet().stream().filter(read::containsKey).toList();
    assertThat(both).isNotEmpty();
    for (String user : both) {
      assertThat(read.get(user)).as(user).isNotEqualTo(stock.get(user));
    }
  }

  @Test
  void anHttpPolicyThatIsSlowOrDownIsAnIoExceptionSayingSo() throws IOException {
    serve(
        exchange -> {
          try {
            Thread.sleep(800);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return json(200, "{\"items\":[]}");
        });
    LiveRequest request = new LiveRequest("u 1&x=2", "s1", "home", 4, 1_767_571_200_000L, "zh-CN");
    try (LivePolicy slow = LivePolicy.http(baseUrl(), null, Duration.ofMillis(200))) {
      assertThatThrownBy(() -> slow.answer(request))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no answer within");
    }
    URI uri =
        ((HttpLivePolicy) LivePolicy.http(baseUrl(), null, Duration.ofSeconds(1))).uri(request);
    assertThat(uri.getRawQuery())
        .isEqualTo(
            "userId=u+1%26x%3D2&slot=home&k=4&pool=true&sessionId=s1&locale=zh-CN"
                + "&at=2026-01-05T00%3A00%3A00Z");
    server.stop(0);
    server = null;
    try (LivePolicy down = LivePolicy.http(baseUrl(port), null, Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> down.answer(request)).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> HttpLivePolicy.parse("{\"items\":{}}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("items");
    LiveAnswer sparse = HttpLivePolicy.parse("{\"items\":[{\"productId\":\"p1\"}]}");
    assertThat(sparse.requestId()).isNull();
    assertThat(sparse.fallbacks()).isEmpty();
    assertThat(sparse.items())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.productId()).isEqualTo("p1");
              assertThat(item.contentId()).isNull();
              assertThat(item.title()).isNull();
              assertThat(item.propensity()).isNaN();
            });
  }

  private int port;

  private void serve(Function<HttpExchange, Reply> handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    port = server.getAddress().getPort();
    server.createContext(
        "/v1/recommendations",
        exchange -> {
          Reply reply = handler.apply(exchange);
          byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(reply.status(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  private record Reply(int status, String body) {}

  private static Reply json(int status, String body) {
    return new Reply(status, body);
  }

  private URI baseUrl() {
    return baseUrl(port);
  }

  private static URI baseUrl(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  private static String item(
      int position, String product, String content, String variant, double propensity) {
    return "{\"position\":"
        + position
        + ",\"productId\":\""
        + product
        + "\",\"contentId\":\""
        + content
        + "\",\"variantId\":\""
        + variant
        + "\",\"campaignId\":\"k1\",\"title\":\"t\",\"body\":\"b\",\"locale\":\"en-US\","
        + "\"score\":0.12,\"propensity\":"
        + propensity
        + ",\"arm\":\"treatment\"}";
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  private static List<Event> events(Path dir) throws IOException {
    List<Event> events = new ArrayList<>();
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.EVENTS_FILE), Codecs.EVENTS, events::add);
    return events;
  }

  private static Map<String, GroundTruth.ImpressionTruth> impressionTruth(Path dir)
      throws IOException {
    List<GroundTruth> truth = new ArrayList<>();
    JsonLinesReader.forEach(dir.resolve(MarketplaceSimulator.TRUTH_FILE), Codecs.TRUTH, truth::add);
    return truth.stream()
        .filter(GroundTruth.ImpressionTruth.class::isInstance)
        .map(GroundTruth.ImpressionTruth.class::cast)
        .collect(Collectors.toMap(GroundTruth.ImpressionTruth::eventId, Function.identity()));
  }
}
