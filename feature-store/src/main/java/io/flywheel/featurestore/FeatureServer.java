package io.flywheel.featurestore;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Online feature lookups over HTTP/JSON, read-only: {@code GET /v1/features/{view}/{key}}, {@code
 * GET /v1/features/{view}?keys=a,b}, {@code GET /v1/views}, plus {@code /health} and Prometheus
 * {@code /metrics}.
 */
public final class FeatureServer implements AutoCloseable {
  static final int MAX_KEYS = 1_000;

  private final FeatureStore store;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Javalin app;

  private FeatureServer(FeatureStore store) {
    this.store = store;
    new JvmMemoryMetrics().bindTo(metrics);
    this.app =
        Javalin.create(config -> config.showJavalinBanner = false)
            .get("/health", this::health)
            .get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()))
            .get("/v1/views", this::views)
            .get("/v1/features/{view}", this::batch)
            .get("/v1/features/{view}/{key}", this::single)
            .exception(
                IllegalArgumentException.class,
                (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, "view", e.getMessage()));
  }

  /** Starts on {@code host:port} ({@code port} 0 picks a free one). */
  public static FeatureServer start(FeatureStore store, String host, int port) {
    FeatureServer server = new FeatureServer(store);
    server.app.start(host, port);
    return server;
  }

  public int port() {
    return app.port();
  }

  private void health(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "up");
    body.put("onlineStore", store.online().describe());
    body.put("views", store.registry().views().size());
    ctx.json(body);
  }

  private void views(Context ctx) {
    List<Map<String, Object>> views = new ArrayList<>();
    for (FeatureView view : store.registry().views()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("name", view.name());
      v.put("version", view.version());
      v.put("entity", view.entity());
      v.put("ttlSeconds", view.ttl().toSeconds());
      v.put("features", view.featureNames());
      views.add(v);
    }
    ctx.json(Map.of("views", views));
  }

  private void single(Context ctx) {
    String view = ctx.pathParam("view");
    String key = ctx.pathParam("key");
    var found = timed(view, () -> store.lookup(view, key));
    if (found.isEmpty()) {
      miss(view);
      error(
          ctx,
          HttpStatus.NOT_FOUND,
          "key",
          "no live features for key '" + key + "' in view '" + view + "'");
      return;
    }
    ctx.json(body(found.get()));
  }

  private void batch(Context ctx) {
    String view = ctx.pathParam("view");
    String keysParam = ctx.queryParam("keys");
    if (keysParam == null || keysParam.isBlank()) {
      error(
          ctx,
          HttpStatus.BAD_REQUEST,
          "keys",
          "query parameter 'keys' is required " + "(comma-separated entity keys)");
      return;
    }
    List<String> keys =
        Arrays.stream(keysParam.split(","))
            .map(String::trim)
            .filter(k -> !k.isEmpty())
            .distinct()
            .toList();
    if (keys.size() > MAX_KEYS) {
      error(
          ctx,
          HttpStatus.BAD_REQUEST,
          "keys",
          "at most " + MAX_KEYS + " keys per request, got " + keys.size());
      return;
    }
    Map<String, FeatureVector> found = timed(view, () -> store.lookup(view, keys));
    Map<String, Object> vectors = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      FeatureVector vector = found.get(key);
      if (vector == null) {
        missing.add(key);
        miss(view);
      } else {
        vectors.put(key, body(vector));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("view", view);
    body.put("found", vectors);
    body.put("missing", missing);
    ctx.json(body);
  }

  private <T> T timed(String view, java.util.function.Supplier<T> lookup) {
    store.registry().view(view); // unknown views are a 404 before anything is timed
    return Timer.builder("flywheel.feature.lookup")
        .tag("view", view)
        .description("Online feature lookups served over HTTP")
        .publishPercentileHistogram()
        .register(metrics)
        .record(lookup);
  }

  private void miss(String view) {
    Counter.builder("flywheel.feature.lookup.misses")
        .tag("view", view)
        .register(metrics)
        .increment();
  }

  private static Map<String, Object> body(FeatureVector vector) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("view", vector.view());
    body.put("key", vector.key());
    body.put("asOf", vector.asOf());
    body.put("values", vector.values());
    return body;
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
}
