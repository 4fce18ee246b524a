package io.flywheel.webconsole;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.workflows.Pipelines;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flywheel's web console: one UI over the whole loop of a home — the services and what needs a
 * person (overview), tracking runs read through the MLflow REST API (so it works against a real
 * MLflow too), registered models and their rollouts, pipelines as a grid and a DAG, feature views
 * and one entity's live values, A/B experiments with their statistics and bandits, and the content
 * review queue.
 *
 * <p>Server-rendered pages (jte templates compiled at build time, escaped by default) with charts
 * drawn by uPlot from a WebJar: nothing is fetched from the internet. Reading needs nothing; every
 * action needs sign-in with the API token (an HttpOnly, SameSite=Strict session cookie) and the
 * session's CSRF token. It binds where it is told, 127.0.0.1 unless told otherwise.
 */
public final class WebConsole implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebConsole.class);

  private final Javalin app;
  private final String host;
  private final ContentPages content;

  private WebConsole(Javalin app, String host, ContentPages content) {
    this.app = app;
    this.host = host;
    this.content = content;
  }

  public static Builder builder(Path home) {
    return new Builder(home);
  }

  /** What the console reads and acts on. */
  public static final class Builder {
    private final Path home;
    private FlywheelConfig config = FlywheelConfig.local();
    private ModelRegistry registry;
    private Pipelines pipelines;
    private String token;

    private Builder(Path home) {
      this.home = home;
    }

    public Builder config(FlywheelConfig c) {
      this.config = c;
      return this;
    }

    /** The tracking server and model registry (required). */
    public Builder registry(ModelRegistry r) {
      this.registry = r;
      return this;
    }

    /** The pipelines service; without it pipelines are read from the run index, no actions. */
    public Builder pipelines(Pipelines p) {
      this.pipelines = p;
      return this;
    }

    /** The API token sign-in asks for; without one the console is read-only. */
    public Builder token(String t) {
      this.token = t == null || t.isBlank() ? null : t;
      return this;
    }

    public WebConsole start(String host, int port) {
      if (registry == null) {
        throw new IllegalStateException("registry: the console reads runs and models from it");
      }
      Sources sources = new Sources(home, config, registry, pipelines);
      ConsoleSessions sessions = new ConsoleSessions(token);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Timer pageTime =
          Timer.builder("flywheel.console.page")
              .description("Time to answer one console page")
              .publishPercentiles(0.5, 0.95, 0.99)
              .register(metrics);
      Views views = new Views(sessions);
      Javalin app =
          Javalin.create(
              c -> {
                c.showJavalinBanner = false;
                c.staticFiles.enableWebjars();
                c.staticFiles.add(
                    s -> {
                      s.hostedPath = "/static";
                      s.directory = "/webconsole";
                      s.location = Location.CLASSPATH;
                    });
              });
      app.before(
          ctx -> {
            ctx.attribute("started", System.nanoTime());
            // Pages only load what this server serves; nothing from elsewhere.
            ctx.header(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
                    + " frame-ancestors 'none'; form-action 'self'");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "same-origin");
          });
      app.after(
          ctx -> {
            Long started = ctx.attribute("started");
            if (started != null && !ctx.path().startsWith("/static")) {
              pageTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
          });
      app.get("/health", ctx -> ctx.json(Map.of("status", "up")));
      app.get(
          "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
      sessions.register(app, views);
      new OverviewPages(sources, views).register(app);
      new RunPages(sources, views).register(app);
      new ModelPages(sources, views, sessions).register(app);
      new PipelinePages(sources, views, sessions).register(app);
      new FeaturePages(sources, views).register(app);
      new AbTestPages(sources, views).register(app);
      ContentPages content = new ContentPages(sources, views, sessions);
      content.register(app);
      app.exception(
          ConsoleSessions.Refused.class,
          (e, ctx) -> views.problem(ctx, e.status(), "Not allowed", e.getMessage()));
      app.exception(
          IllegalArgumentException.class,
          (e, ctx) -> views.problem(ctx, HttpStatus.BAD_REQUEST, "Bad request", e.getMessage()));
      app.exception(
          Exception.class,
          (e, ctx) -> {
            LOG.warn("console page {} failed", ctx.path(), e);
            views.problem(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "Something failed", e.toString());
          });
      app.error(
          HttpStatus.NOT_FOUND,
          ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
              views.problem(ctx, HttpStatus.NOT_FOUND, "Not found", "No page at " + ctx.path());
            }
          });
      app.start(host, port);
      LOG.info("web console on http://{}:{}", host, app.port());
      return new WebConsole(app, host, content);
    }
  }

  public int port() {
    return app.port();
  }

  public String url() {
    return "http://" + host + ":" + app.port();
  }

  @Override
  public void close() {
    app.stop();
    content.close();
  }
}
