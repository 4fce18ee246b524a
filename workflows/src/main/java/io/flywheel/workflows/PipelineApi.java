package io.flywheel.workflows;

import io.flywheel.core.BearerToken;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines over HTTP/JSON: {@code GET /v1/pipelines}, {@code POST /v1/pipelines/{name}/runs}
 * (returns the run id), {@code GET /v1/runs/{id}}, {@code POST /v1/runs/{id}/approve/{task}},
 * {@code POST /v1/runs/{id}/pause|resume|cancel}, {@code GET /v1/triggers}, plus {@code /health}
 * and Prometheus {@code /metrics}. Every POST needs {@code Authorization: Bearer
 * $FLYWHEEL_API_TOKEN}; without a configured token they are refused.
 */
public final class PipelineApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineApi.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private final Orchestration orchestration;
  private final Path home;
  private final BearerToken token;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Javalin app;

  /** A run request is a few parameters; anything near this size is a mistake or an attack. */
  static final long MAX_BODY_BYTES = 256L << 10;

  private PipelineApi(Orchestration orchestration, Path home, String token) {
    this.orchestration = orchestration;
    this.home = home;
    this.token = token == null || token.isBlank() ? null : BearerToken.of(token);
    this.app =
        Javalin.create(
                config -> {
                  config.showJavalinBanner = false;
                  config.http.maxRequestSize = MAX_BODY_BYTES;
                })
            .get(
                "/health",
                ctx -> ctx.json(Map.of("status", "up", "temporal", orchestration.where())))
            .get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()))
            .get("/v1/pipelines", this::pipelines)
            .post("/v1/pipelines/{name}/runs", this::submit)
            .get("/v1/runs/{id}", this::run)
            .post("/v1/runs/{id}/approve/{task}", ctx -> signal(ctx, "approve"))
            .post("/v1/runs/{id}/pause", ctx -> signal(ctx, "pause"))
            .post("/v1/runs/{id}/resume", ctx -> signal(ctx, "resume"))
            .post("/v1/runs/{id}/cancel", ctx -> signal(ctx, "cancel"))
            .get(
                "/v1/triggers",
                ctx -> ctx.json(io.flywheel.workflows.Pipelines.triggerHistories(home)));
    app.before(
        ctx -> {
          if ("POST".equals(ctx.method().name())) {
            authorize(ctx);
          }
        });
    app.exception(
        ApiError.class, (e, ctx) -> error(ctx, e.status, e.field, e.getMessage(), e.problems));
  }

  public static PipelineApi start(
      Orchestration orchestration, Path home, String token, String host, int port) {
    PipelineApi api = new PipelineApi(orchestration, home, token);
    api.app.start(host, port);
    LOG.info(
        "pipeline API on {}:{} ({})",
        host,
        api.app.port(),
        token == null ? "read-only: no token configured" : "writes need the bearer token");
    return api;
  }

  public int port() {
    return app.port();
  }

  private void pipelines(Context ctx) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    PipelineFiles.Catalog catalog = Orchestration.pipelineCatalog(home);
    for (PipelineSpec s : catalog.pipelines().values()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", s.name());
      p.put("description", s.description());
      p.put("schedule", s.schedule());
      p.put("params", s.params());
      p.put("tasks", s.tasks().stream().map(t -> t.id()).toList());
      out.add(p);
    }
    List<Map<String, String>> broken = new ArrayList<>();
    catalog
        .broken()
        .forEach((file, why) -> broken.add(Map.of("file", file.toString(), "error", why)));
    ctx.json(Map.of("pipelines", out, "broken", broken));
  }

  private void submit(Context ctx) throws Exception {
    String name = ctx.pathParam("name");
    PipelineSpec spec = Orchestration.pipelineSpecs(home).get(name);
    if (spec == null) {
      throw new ApiError(HttpStatus.NOT_FOUND, "name", "no pipeline named '" + name + "'");
    }
    if (ctx.contentLength() > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    Map<String, Object> body;
    String text;
    try {
      text = ctx.body();
    } catch (io.javalin.http.HttpResponseException e) {
      throw tooLarge(); // a body without a declared length that grew past the limit
    }
    try {
      body = text.isBlank() ? Map.of() : JSON.readValue(text, Map.class);
    } catch (Exception e) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "body", "not a JSON object");
    }
    Map<String, String> params = new LinkedHashMap<>();
    Object p = body.get("params");
    if (p instanceof Map<?, ?> m) {
      m.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
    } else if (p != null) {
      throw new ApiError(
          HttpStatus.BAD_REQUEST, "params", "must be an object of names to " + "values");
    }
    LocalDate date;
    try {
      date =
          body.get("date") == null
              ? LocalDate.now(java.time.ZoneOffset.UTC)
              : LocalDate.parse(String.valueOf(body.get("date")));
    } catch (DateTimeParseException e) {
      throw new ApiError(
          HttpStatus.BAD_REQUEST, "date", "expected YYYY-MM-DD, got '" + body.get("date") + "'");
    }
    try {
      String runId = orchestration.pipelines().submit(spec, params, date);
      Counter.builder("flywheel.pipeline.runs.submitted")
          .tag("pipeline", name)
          .register(metrics)
          .increment();
      ctx.status(HttpStatus.CREATED).json(Map.of("runId", runId));
    } catch (PipelineException e) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "pipeline", e.getMessage(), e.problems());
    }
  }

  private void run(Context ctx) throws Exception {
    Optional<RunState> state;
    try {
      state = orchestration.pipelines().status(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "id", e.getMessage());
    }
    if (state.isEmpty()) {
      throw new ApiError(HttpStatus.NOT_FOUND, "id", "no run '" + ctx.pathParam("id") + "'");
    }
    ctx.json(state.get());
  }

  private void signal(Context ctx, String what) {
    String id = ctx.pathParam("id");
    try {
      switch (what) {
        case "approve" -> orchestration.pipelines().approve(id, ctx.pathParam("task"));
        case "pause" -> orchestration.pipelines().pause(id);
        case "resume" -> orchestration.pipelines().resume(id);
        default -> orchestration.pipelines().cancel(id);
      }
    } catch (UnknownRunException e) {
      throw new ApiError(HttpStatus.NOT_FOUND, "id", e.getMessage());
    } catch (EndedRunException e) {
      throw new ApiError(HttpStatus.CONFLICT, "id", e.getMessage());
    }
    ctx.status(HttpStatus.ACCEPTED).json(Map.of("runId", id, "signal", what));
  }

  private void authorize(Context ctx) {
    if (token == null) {
      throw new ApiError(
          HttpStatus.FORBIDDEN,
          "Authorization",
          "set FLYWHEEL_API_TOKEN to " + "allow changes over HTTP");
    }
    if (!token.acceptsHeader(ctx.header("Authorization"))) {
      throw new ApiError(
          HttpStatus.UNAUTHORIZED, "Authorization", "a valid bearer token is " + "required");
    }
  }

  private static void error(
      Context ctx, HttpStatus status, String field, String message, List<String> problems) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("field", field);
    if (!problems.isEmpty()) {
      body.put("problems", problems);
    }
    ctx.status(status).json(body);
  }

  private static ApiError tooLarge() {
    return new ApiError(
        HttpStatus.CONTENT_TOO_LARGE,
        "body",
        "larger than the " + (MAX_BODY_BYTES >> 10) + " KiB a request may carry");
  }

  /** A refusal with its status and the field at fault. */
  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final HttpStatus status;
    final String field;
    final List<String> problems;

    ApiError(HttpStatus status, String field, String message) {
      this(status, field, message, List.of());
    }

    ApiError(HttpStatus status, String field, String message, List<String> problems) {
      super(message);
      this.status = status;
      this.field = field;
      this.problems = problems;
    }
  }

  @Override
  public void close() {
    app.stop();
  }
}
