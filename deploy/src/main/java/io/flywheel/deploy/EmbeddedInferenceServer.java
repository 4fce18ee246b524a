package io.flywheel.deploy;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.javalin.Javalin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CPU inference server in the JVM that speaks Triton's gRPC protocol (KServe v2) over a real port
 * and serves the same model repository a GPU Triton would (config.pbtxt + XGBoost JSON, predicted
 * with xgboost4j): explicit model control, dynamic batching, per-model statistics, plus HTTP {@code
 * /health} and Prometheus {@code /metrics} on a second port.
 */
public final class EmbeddedInferenceServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInferenceServer.class);
  private static final int MAX_MESSAGE_BYTES = 64 << 20;

  private final ModelStore store;

  /** Expected models not loaded yet, or whose load failed: name → loading | failed: why. */
  private final Map<String, String> pending = new java.util.concurrent.ConcurrentHashMap<>();

  private final Server grpc;
  private final Javalin http;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private EmbeddedInferenceServer(ModelStore store, Server grpc, Javalin http) {
    this.store = store;
    this.grpc = grpc;
    this.http = http;
  }

  /**
   * Starts on {@code host} ({@code grpcPort}/{@code httpPort} 0 pick free ports) with the
   * repository at {@code repository}; models load when asked (explicit model control).
   */
  public static EmbeddedInferenceServer start(
      Path repository, String host, int grpcPort, int httpPort) throws IOException {
    ModelStore store = new ModelStore(new ModelRepository(repository));
    Server grpc =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, grpcPort))
            .addService(new InferenceService(store))
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .build()
            .start();
    Javalin http = Javalin.create(config -> config.showJavalinBanner = false);
    EmbeddedInferenceServer server = new EmbeddedInferenceServer(store, grpc, http);
    http.get(
        "/health",
        ctx -> {
          Map<String, Object> health = server.health();
          ctx.status("up".equals(health.get("status")) ? 200 : 503).json(health);
        });
    http.get(
        "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(server.scrape()));
    http.start(host, httpPort);
    LOG.info(
        "inference server on {}:{} (gRPC), health and metrics on port {}, repository {}",
        host,
        grpc.getPort(),
        http.port(),
        repository);
    return server;
  }

  public int grpcPort() {
    return grpc.getPort();
  }

  public int httpPort() {
    return http.port();
  }

  /** {@code host:port} for {@link InferenceClient#connect}. */
  public String address() {
    return "127.0.0.1:" + grpcPort();
  }

  /**
   * Models this server is about to load: {@code /health} reports each as loading until it is
   * loaded, and the server as loading (HTTP 503) until all are, so no balancer sends it requests
   * for models it cannot answer yet.
   */
  public void expect(java.util.Collection<String> models) {
    models.forEach(m -> pending.putIfAbsent(m, "loading"));
  }

  /** An expected model that could not be loaded: {@code /health} says so and why. */
  public void loadFailed(String model, String reason) {
    pending.put(model, "failed: " + reason);
  }

  private Map<String, Object> health() {
    Map<String, ? extends Map<Integer, ?>> loaded = store.all();
    Map<String, Object> models = new java.util.TreeMap<>();
    boolean loading = false;
    boolean failed = false;
    for (String name : pending.keySet()) {
      String state = pending.get(name);
      if (!loaded.containsKey(name)) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (state.startsWith("failed: ")) {
          failed = true;
          m.put("state", "failed");
          m.put("error", state.substring("failed: ".length()));
        } else {
          loading = true;
          m.put("state", "loading");
        }
        models.put(name, m);
      }
    }
    loaded.forEach(
        (name, versions) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("state", "ready");
          m.put("versions", versions.keySet());
          models.put(name, m);
        });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", failed ? "degraded" : loading ? "loading" : "up");
    body.put("models", models);
    return body;
  }

  private synchronized String scrape() {
    store
        .all()
        .forEach(
            (name, versions) ->
                versions
                    .values()
                    .forEach(
                        m -> {
                          String v = Integer.toString(m.version);
                          FunctionCounter.builder(
                                  "flywheel.inference.requests",
                                  m.statistics,
                                  InferenceStatistics::successes)
                              .tag("model", name)
                              .tag("version", v)
                              .description("Successful inference requests")
                              .register(metrics);
                          FunctionCounter.builder(
                                  "flywheel.inference.failures",
                                  m.statistics,
                                  InferenceStatistics::failures)
                              .tag("model", name)
                              .tag("version", v)
                              .description("Failed inference requests")
                              .register(metrics);
                          FunctionCounter.builder(
                                  "flywheel.inference.request.seconds",
                                  m.statistics,
                                  InferenceStatistics::successSeconds)
                              .tag("model", name)
                              .tag("version", v)
                              .description("Time spent answering successful requests")
                              .register(metrics);
                          Gauge.builder("flywheel.inference.loaded", () -> 1)
                              .tag("model", name)
                              .tag("version", v)
                              .description("Loaded model versions")
                              .register(metrics);
                        }));
    return metrics.scrape();
  }

  @Override
  public void close() {
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
    }
    http.stop();
    store.close();
  }
}
