package io.flywheel.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flywheel.core.BearerToken;
import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.InvalidRecordException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery API over HTTP/JSON:
 *
 * <ul>
 *   <li>{@code GET
 *       /v1/recommendations?userId=&slot=&k=&q=&locale=&productId=&sessionId=&at=&segment=}
 *   <li>{@code POST /v1/recommendations:batch} with {@code {"requests": [{...same fields}]}}
 *   <li>{@code POST /v1/events}: clicks, carts, purchases, complaints from the shop's pages (a JSON
 *       array of events, the ingest contract; {@code receivedAt} is stamped when absent)
 *   <li>{@code GET /v1/bandits}: what the copy bandits of running experiments have learnt
 *   <li>{@code /health}, Prometheus {@code /metrics}
 * </ul>
 *
 * Bad input is a 400 with {@code {"error", "field"}}; POSTs need the bearer token. A dependency
 * failure is never a 5xx: the answer says which stand-in served it.
 */
public final class DeliveryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryServer.class);
  static final long MAX_BODY_BYTES = 1L << 20;
  static final int MAX_BATCH = 100;
  static final int MAX_EVENTS = 1_000;

  /**
   * Jetty's threads (acceptor and selectors included): four per core. Answering is CPU work, so
   * more threads only share the cores more ways (on 2 cores, 8 gave p99 10.5 ms at 200 requests/s
   * where 16 gave 32.9 ms); Jetty's own threads grow with the core count, and so does this.
   */
  static final int WORKER_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DeliveryService service;
  private final BearerToken token;
  private final Clock clock;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer latency;
  private final Counter collected;
  private final Javalin app;

  private DeliveryServer(DeliveryService service, String token, Clock clock) {
    this.service = service;
    this.token = token == null || token.isBlank() ? null : BearerToken.of(token);
    this.clock = clock;
    new JvmMemoryMetrics().bindTo(metrics);
    this.latency =
        Timer.builder("flywheel.delivery.request")
            .description("Time to answer one recommendation request")
            .publishPercentileHistogram()
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(metrics);
    this.collected =
        Counter.builder("flywheel.delivery.events.collected")
            .description("Events the shop's pages posted")
            .register(metrics);
    for (String name :
        List.of(
            DeliveryService.RANKER,
            DeliveryService.INDEX,
            DeliveryService.FEATURES,
            DeliveryService.LOG_FALLBACK,
            DeliveryService.ARM_MODEL)) {
      metrics.gauge(
          "flywheel.delivery.fallbacks",
          io.micrometer.core.instrument.Tags.of("dependency", name),
          service,
          s -> s.counts().fallbacks().getOrDefault(name, 0L));
    }
    metrics.gauge(
        "flywheel.delivery.impressions.logged", service, s -> s.counts().impressionsLogged());
    this.app =
        Javalin.create(
                config -> {
                  config.showJavalinBanner = false;
                  config.http.maxRequestSize = MAX_BODY_BYTES;
                  config.jetty.threadPool = new QueuedThreadPool(WORKER_THREADS, 4, 60_000);
                })
            .get("/health", this::health)
            .get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()))
            .get("/v1/recommendations", this::recommend)
            .get("/v1/bandits", this::bandits)
            .post("/v1/recommendations:batch", this::batch)
            .post("/v1/events", this::events);
    app.before(
        ctx -> {
          if ("POST".equals(ctx.method().name())) {
            authorize(ctx);
          }
        });
    app.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.field, e.getMessage()));
    app.exception(
        InvalidRecordException.class,
        (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.field(), e.getMessage()));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("delivery request failed", e);
          error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, null, "internal error: " + e);
        });
  }

  /** Starts on {@code host:port} (0: a free port); {@code token} guards the POST endpoints. */
  public static DeliveryServer start(DeliveryService service, String token, String host, int port) {
    DeliveryServer server = new DeliveryServer(service, token, service.clock());
    server.app.start(host, port);
    LOG.info("delivery API on {}:{}", host, server.app.port());
    return server;
  }

  public int port() {
    return app.port();
  }

  private void health(Context ctx) {
    DeliveryService.Counts c = service.counts();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "up");
    body.put("log", service.logDescription());
    body.put("requests", c.requests());
    body.put("impressionsLogged", c.impressionsLogged());
    body.put("fallbacks", c.fallbacks());
    ctx.json(body);
  }

  /**
   * What each copy bandit has learnt: per arm ({@code experiment/arm}), context ({@code
   * slot/segment}) and angle, the posterior mean click rate and the trials it rests on.
   */
  private void bandits(Context ctx) {
    List<Map<String, Object>> rows = new ArrayList<>();
    service
        .banditPosteriors()
        .forEach(
            (arm, posteriors) ->
                posteriors.forEach(
                    p -> {
                      Map<String, Object> row = new LinkedHashMap<>();
                      row.put("arm", arm);
                      row.put("context", p.context());
                      row.put("angle", p.variant());
                      row.put("trials", p.trials());
                      row.put("clicks", Math.round(p.alpha() - 1));
                      row.put("meanClickRate", p.mean());
                      rows.add(row);
                    }));
    ctx.json(Map.of("bandits", rows));
  }

  private void recommend(Context ctx) {
    Map<String, String> params = new LinkedHashMap<>();
    ctx.queryParamMap()
        .forEach((name, values) -> params.put(name, values.isEmpty() ? null : values.get(0)));
    ctx.json(timed(RecommendationRequest.fromParameters(params, clock)));
  }

  private void batch(Context ctx) {
    JsonNode body = body(ctx);
    JsonNode list = body.path("requests");
    if (!list.isArray() || list.isEmpty()) {
      throw new ApiError(
          HttpStatus.BAD_REQUEST, "requests", "a non-empty array of requests is required");
    }
    if (list.size() > MAX_BATCH) {
      throw new ApiError(
          HttpStatus.BAD_REQUEST,
          "requests",
          "at most " + MAX_BATCH + " requests per batch, got " + list.size());
    }
    List<RecommendationRequest> requests = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonNode r = list.get(i);
      if (!r.isObject()) {
        throw new ApiError(HttpStatus.BAD_REQUEST, "requests[" + i + "]", "must be an object");
      }
      Map<String, String> params = new LinkedHashMap<>();
      r.fields()
          .forEachRemaining(
              f -> params.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
      try {
        requests.add(RecommendationRequest.fromParameters(params, clock));
      } catch (InvalidRecordException e) {
        throw new ApiError(
            HttpStatus.BAD_REQUEST, "requests[" + i + "]." + e.field(), e.getMessage());
      }
    }
    List<Recommendation> out = new ArrayList<>(requests.size());
    for (RecommendationRequest r : requests) {
      out.add(timed(r));
    }
    ctx.json(Map.of("responses", out));
  }

  private Recommendation timed(RecommendationRequest request) {
    long started = System.nanoTime();
    try {
      return service.recommend(request);
    } finally {
      latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  private void events(Context ctx) throws Exception {
    JsonNode body = body(ctx);
    JsonNode list = body.isArray() ? body : body.path("events");
    if (!list.isArray() || list.isEmpty()) {
      throw new ApiError(
          HttpStatus.BAD_REQUEST, "events", "a non-empty JSON array of events is required");
    }
    if (list.size() > MAX_EVENTS) {
      throw new ApiError(
          HttpStatus.BAD_REQUEST,
          "events",
          "at most " + MAX_EVENTS + " events per call, got " + list.size());
    }
    // Every event is checked before any is kept: a bad one refuses the whole call.
    List<Event> events = new ArrayList<>(list.size());
    long now = clock.millis();
    for (int i = 0; i < list.size(); i++) {
      JsonNode node = list.get(i);
      if (!node.isObject()) {
        throw new ApiError(HttpStatus.BAD_REQUEST, "events[" + i + "]", "must be a JSON object");
      }
      ObjectNode copy = ((ObjectNode) node).deepCopy();
      if (!copy.has("receivedAt")) {
        copy.put("receivedAt", now);
      }
      Event event;
      try {
        event = Codecs.EVENTS.decode(copy);
      } catch (InvalidRecordException e) {
        throw new ApiError(
            HttpStatus.BAD_REQUEST, "events[" + i + "]." + e.field(), e.getMessage());
      }
      if (event.type() == EventType.IMPRESSION) {
        throw new ApiError(
            HttpStatus.BAD_REQUEST,
            "events[" + i + "].type",
            "impressions are logged by delivery itself, not collected");
      }
      events.add(event);
    }
    service.collect(events);
    collected.increment(events.size());
    ctx.status(HttpStatus.ACCEPTED).json(Map.of("accepted", events.size()));
  }

  private static JsonNode body(Context ctx) {
    if (ctx.contentLength() > MAX_BODY_BYTES) {
      throw new ApiError(
          HttpStatus.CONTENT_TOO_LARGE,
          "body",
          "larger than the " + (MAX_BODY_BYTES >> 10) + " KiB a request may carry");
    }
    try {
      return JSON.readTree(ctx.bodyAsBytes());
    } catch (java.io.IOException e) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "body", "malformed JSON: " + e.getMessage());
    }
  }

  private void authorize(Context ctx) {
    if (token == null) {
      throw new ApiError(
          HttpStatus.FORBIDDEN, "Authorization", "set FLYWHEEL_API_TOKEN to allow POSTs");
    }
    if (!token.acceptsHeader(ctx.header("Authorization"))) {
      throw new ApiError(
          HttpStatus.UNAUTHORIZED, "Authorization", "a valid bearer token is required");
    }
  }

  private static void error(Context ctx, HttpStatus status, String field, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("field", field);
    ctx.status(status).json(body);
  }

  @Override
  public void close() {
    app.stop();
  }

  /** A refusal with its status and the field at fault. */
  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final HttpStatus status;
    final String field;

    ApiError(HttpStatus status, String field, String message) {
      super(message);
      this.status = status;
      this.field = field;
    }
  }
}
