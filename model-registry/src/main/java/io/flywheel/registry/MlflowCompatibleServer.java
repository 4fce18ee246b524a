package io.flywheel.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.BearerToken;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlflow.api.proto.MlflowArtifacts;
import org.mlflow.api.proto.ModelRegistry.CreateModelVersion;
import org.mlflow.api.proto.ModelRegistry.CreateRegisteredModel;
import org.mlflow.api.proto.ModelRegistry.DeleteModelVersion;
import org.mlflow.api.proto.ModelRegistry.DeleteModelVersionTag;
import org.mlflow.api.proto.ModelRegistry.DeleteRegisteredModel;
import org.mlflow.api.proto.ModelRegistry.DeleteRegisteredModelAlias;
import org.mlflow.api.proto.ModelRegistry.DeleteRegisteredModelTag;
import org.mlflow.api.proto.ModelRegistry.GetLatestVersions;
import org.mlflow.api.proto.ModelRegistry.GetModelVersion;
import org.mlflow.api.proto.ModelRegistry.GetModelVersionByAlias;
import org.mlflow.api.proto.ModelRegistry.GetModelVersionDownloadUri;
import org.mlflow.api.proto.ModelRegistry.GetRegisteredModel;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionTag;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.ModelRegistry.RenameRegisteredModel;
import org.mlflow.api.proto.ModelRegistry.SearchModelVersions;
import org.mlflow.api.proto.ModelRegistry.SearchRegisteredModels;
import org.mlflow.api.proto.ModelRegistry.SetModelVersionTag;
import org.mlflow.api.proto.ModelRegistry.SetRegisteredModelAlias;
import org.mlflow.api.proto.ModelRegistry.SetRegisteredModelTag;
import org.mlflow.api.proto.ModelRegistry.TransitionModelVersionStage;
import org.mlflow.api.proto.ModelRegistry.UpdateModelVersion;
import org.mlflow.api.proto.ModelRegistry.UpdateRegisteredModel;
import org.mlflow.api.proto.Service.CreateExperiment;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.DeleteExperiment;
import org.mlflow.api.proto.Service.DeleteRun;
import org.mlflow.api.proto.Service.DeleteTag;
import org.mlflow.api.proto.Service.DeleteTraceTag;
import org.mlflow.api.proto.Service.DeleteTraces;
import org.mlflow.api.proto.Service.EndTrace;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.GetExperiment;
import org.mlflow.api.proto.Service.GetExperimentByName;
import org.mlflow.api.proto.Service.GetMetricHistory;
import org.mlflow.api.proto.Service.GetMetricHistoryBulkInterval;
import org.mlflow.api.proto.Service.GetRun;
import org.mlflow.api.proto.Service.GetTraceInfo;
import org.mlflow.api.proto.Service.ListArtifacts;
import org.mlflow.api.proto.Service.LogBatch;
import org.mlflow.api.proto.Service.LogInputs;
import org.mlflow.api.proto.Service.LogMetric;
import org.mlflow.api.proto.Service.LogModel;
import org.mlflow.api.proto.Service.LogParam;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.MetricWithRunId;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RestoreExperiment;
import org.mlflow.api.proto.Service.RestoreRun;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.SearchDatasets;
import org.mlflow.api.proto.Service.SearchExperiments;
import org.mlflow.api.proto.Service.SearchRuns;
import org.mlflow.api.proto.Service.SearchTraces;
import org.mlflow.api.proto.Service.SetExperimentTag;
import org.mlflow.api.proto.Service.SetTag;
import org.mlflow.api.proto.Service.SetTraceTag;
import org.mlflow.api.proto.Service.StartTrace;
import org.mlflow.api.proto.Service.UpdateExperiment;
import org.mlflow.api.proto.Service.UpdateRun;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow_project.google.protobuf.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MLflow tracking server in the JVM: the REST endpoints Flywheel uses (experiments, runs,
 * params, metrics, tags, registered models, versions, aliases) and MLflow's artifact proxy, with
 * MLflow's own request and response messages (the generated classes inside {@code mlflow-client})
 * as JSON. Runs live in an H2 database and artifacts in a folder, both under one directory, so they
 * survive restarts. Any MLflow client (Python or Java) can point its tracking URI at it.
 *
 * <p>When a token is given, every mutating request (POST, PUT, PATCH, DELETE) must carry {@code
 * Authorization: Bearer <token>}; reads stay open. Bind it to loopback unless a token is set.
 */
public final class MlflowCompatibleServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowCompatibleServer.class);
  static final String API = "/api/2.0/mlflow/";

  /** The same routes under the prefix MLflow's web UI calls. */
  static final String AJAX_API = "/ajax-api/2.0/mlflow/";

  /** The MLflow release whose REST API this server speaks (the client jar's). */
  static final String MLFLOW_VERSION = "2.17.2";

  static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
  private static final int MAX_BATCH_METRICS = 1000;
  private static final int MAX_BATCH_PARAMS = 100;
  private static final int MAX_BATCH_TAGS = 100;
  private static final int DEFAULT_PAGE = 1000;
  private static final int MAX_PAGE = 50_000;
  private static final Set<HandlerType> MUTATING =
      Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

  /** Searches MLflow sends as POST: they change nothing, so they are as open as any read. */
  private static final Set<String> READ_ONLY_POSTS =
      Set.of(
          "runs/search",
          "experiments/search",
          "experiments/search-datasets",
          "logged-models/search");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrackingStore store;
  private final ArtifactStore artifacts;
  private final BearerToken token;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Javalin app;
  private volatile Map<String, Long> stored;

  private MlflowCompatibleServer(Path folder, String token, Path uiDir) throws IOException {
    Files.createDirectories(folder);
    this.store = new TrackingStore(folder);
    this.artifacts = new ArtifactStore(folder.resolve("artifacts"));
    this.token = token == null || token.isBlank() ? null : BearerToken.of(token);
    new JvmMemoryMetrics().bindTo(metrics);
    // One count query per scrape (refreshed by /metrics), not one per gauge.
    stored = store.counts();
    for (String what : stored.keySet()) {
      io.micrometer.core.instrument.Gauge.builder(
              "flywheel.mlflow.stored", () -> stored.get(what).doubleValue())
          .tag("kind", what)
          .description("What the tracking store holds")
          .register(metrics);
    }
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.http.maxRequestSize = 64L << 20;
              if (uiDir != null) {
                config.staticFiles.add(
                    files -> {
                      files.hostedPath = "/static-files";
                      files.directory = uiDir.toAbsolutePath().toString();
                      files.location = io.javalin.http.staticfiles.Location.EXTERNAL;
                    });
              }
            });
    if (uiDir != null) {
      app.get(
          "/",
          ctx ->
              ctx.contentType("text/html")
                  .result(Files.newInputStream(uiDir.resolve("index.html"))));
    }
    app.before(this::authorize);
    // As MLflow's server answers: plain OK (the store's counts are on /metrics).
    app.get("/health", ctx -> ctx.contentType("text/plain").result("OK"));
    app.get("/version", ctx -> ctx.contentType("text/plain").result(MLFLOW_VERSION));
    app.get(
        "/metrics",
        ctx -> {
          stored = store.counts();
          ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape());
        });
    routes();
    app.exception(MlflowError.class, (e, ctx) -> error(ctx, e));
    // An unknown route gets MLflow's JSON error, as MLflow's server sends, not Javalin's text.
    app.error(
        404,
        ctx -> {
          if (!"application/json".equals(ctx.res().getContentType())) {
            error(
                ctx,
                new MlflowError(
                    MlflowError.Code.ENDPOINT_NOT_FOUND,
                    "No API route for " + ctx.method() + " " + ctx.path()));
          }
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          error(
              ctx,
              new MlflowError(MlflowError.Code.INTERNAL_ERROR, String.valueOf(e.getMessage())));
        });
  }

  /**
   * Starts on {@code host:port} (port 0 picks a free one) with its database and artifacts under
   * {@code folder}; {@code token} may be null (no authentication: loopback use only).
   */
  public static MlflowCompatibleServer start(Path folder, String host, int port, String token)
      throws IOException {
    return start(folder, host, port, token, null);
  }

  /**
   * As above, also serving MLflow's web UI from {@code uiDir} (the {@code mlflow/server/js/build}
   * folder of an installed mlflow): {@code /} is its page and {@code /static-files/} its assets, as
   * MLflow's server lays them out; the page calls the {@code /ajax-api} routes.
   */
  public static MlflowCompatibleServer start(
      Path folder, String host, int port, String token, Path uiDir) throws IOException {
    if (uiDir != null && !Files.isRegularFile(uiDir.resolve("index.html"))) {
      throw new IOException(
          "FLYWHEEL_MLFLOW_UI "
              + uiDir
              + ": no index.html there (point it at mlflow/server/js/build of an installed mlflow)");
    }
    MlflowCompatibleServer server = new MlflowCompatibleServer(folder, token, uiDir);
    try {
      server.app.start(host, port);
    } catch (RuntimeException e) {
      server.store.close();
      throw e;
    }
    return server;
  }

  public int port() {
    return app.port();
  }

  /** The tracking URI clients use, on loopback. */
  public String trackingUri() {
    return "http://127.0.0.1:" + port();
  }

  private void routes() {
    // experiments
    post(
        "experiments/create",
        CreateExperiment.getDefaultInstance(),
        (r, ctx) -> {
          Map<String, String> tags = new LinkedHashMap<>();
          r.getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
          String id = store.experiments.create(r.getName(), r.getArtifactLocation(), tags);
          return CreateExperiment.Response.newBuilder().setExperimentId(id).build();
        });
    get(
        "experiments/get",
        ctx ->
            GetExperiment.Response.newBuilder()
                .setExperiment(store.experiments.get(required(ctx, "experiment_id")))
                .build());
    get(
        "experiments/get-by-name",
        ctx ->
            GetExperimentByName.Response.newBuilder()
                .setExperiment(store.experiments.byName(required(ctx, "experiment_name")))
                .build());
    Route<SearchExperiments> searchExperiments =
        (r, ctx) -> {
          boolean all = r.getViewType() == ViewType.ALL || r.getViewType() == ViewType.DELETED_ONLY;
          List<Experiment> found = store.experiments.search(SearchFilter.parse(r.getFilter()), all);
          if (r.getViewType() == ViewType.DELETED_ONLY) {
            found = found.stream().filter(e -> "deleted".equals(e.getLifecycleStage())).toList();
          }
          found = SearchOrder.experiments(found, r.getOrderByList());
          Page<Experiment> page = Page.of(found, (int) r.getMaxResults(), r.getPageToken());
          SearchExperiments.Response.Builder b =
              SearchExperiments.Response.newBuilder().addAllExperiments(page.items);
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        };
    post("experiments/search", SearchExperiments.getDefaultInstance(), searchExperiments);
    get(
        "experiments/search",
        ctx -> searchExperiments.handle(query(ctx, SearchExperiments.newBuilder()).build(), ctx));
    post(
        "experiments/set-experiment-tag",
        SetExperimentTag.getDefaultInstance(),
        (r, ctx) -> {
          store.experiments.setTag(r.getExperimentId(), r.getKey(), r.getValue());
          return SetExperimentTag.Response.getDefaultInstance();
        });
    post(
        "experiments/delete",
        DeleteExperiment.getDefaultInstance(),
        (r, ctx) -> {
          store.experiments.setLifecycle(r.getExperimentId(), "deleted");
          return DeleteExperiment.Response.getDefaultInstance();
        });
    post(
        "experiments/restore",
        RestoreExperiment.getDefaultInstance(),
        (r, ctx) -> {
          store.experiments.setLifecycle(r.getExperimentId(), "active");
          return RestoreExperiment.Response.getDefaultInstance();
        });

    // runs
    post(
        "runs/create",
        CreateRun.getDefaultInstance(),
        (r, ctx) -> {
          Map<String, String> tags = new LinkedHashMap<>();
          r.getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
          Run run =
              store.runs.create(
                  r.getExperimentId(),
                  r.getRunName(),
                  r.getUserId(),
                  r.hasStartTime() ? r.getStartTime() : System.currentTimeMillis(),
                  tags);
          return CreateRun.Response.newBuilder().setRun(run).build();
        });
    post(
        "runs/update",
        UpdateRun.getDefaultInstance(),
        (r, ctx) ->
            UpdateRun.Response.newBuilder()
                .setRunInfo(
                    store.runs.update(
                        runId(r.getRunId(), r.getRunUuid()),
                        r.hasStatus() ? r.getStatus() : null,
                        r.hasEndTime() ? r.getEndTime() : null,
                        r.getRunName()))
                .build());
    get(
        "runs/get",
        ctx ->
            GetRun.Response.newBuilder()
                .setRun(store.runs.get(runId(ctx.queryParam("run_id"), ctx.queryParam("run_uuid"))))
                .build());
    post(
        "runs/log-metric",
        LogMetric.getDefaultInstance(),
        (r, ctx) -> {
          Metric.Builder m =
              Metric.newBuilder()
                  .setKey(r.getKey())
                  .setStep(r.getStep())
                  .setTimestamp(r.hasTimestamp() ? r.getTimestamp() : System.currentTimeMillis());
          if (r.hasValue()) {
            m.setValue(r.getValue());
          }
          String runId = runId(r.getRunId(), r.getRunUuid());
          var forModels = LoggedModelRoutes.modelMetrics(ctx.body(), runId, false);
          store.loggedModels.requireExisting(forModels.keySet());
          store.runs.logBatch(runId, List.of(m.build()), List.of(), List.of());
          forModels.forEach(store.loggedModels::logMetrics);
          return LogMetric.Response.getDefaultInstance();
        });
    post(
        "runs/log-parameter",
        LogParam.getDefaultInstance(),
        (r, ctx) -> {
          store.runs.logBatch(
              runId(r.getRunId(), r.getRunUuid()),
              List.of(),
              List.of(Param.newBuilder().setKey(r.getKey()).setValue(r.getValue()).build()),
              List.of());
          return LogParam.Response.getDefaultInstance();
        });
    post(
        "runs/set-tag",
        SetTag.getDefaultInstance(),
        (r, ctx) -> {
          store.runs.logBatch(
              runId(r.getRunId(), r.getRunUuid()),
              List.of(),
              List.of(),
              List.of(RunTag.newBuilder().setKey(r.getKey()).setValue(r.getValue()).build()));
          return SetTag.Response.getDefaultInstance();
        });
    post(
        "runs/delete-tag",
        DeleteTag.getDefaultInstance(),
        (r, ctx) -> {
          store.runs.deleteTag(r.getRunId(), r.getKey());
          return DeleteTag.Response.getDefaultInstance();
        });
    post(
        "runs/log-batch",
        LogBatch.getDefaultInstance(),
        (r, ctx) -> {
          int total = r.getMetricsCount() + r.getParamsCount() + r.getTagsCount();
          if (r.getMetricsCount() > MAX_BATCH_METRICS
              || r.getParamsCount() > MAX_BATCH_PARAMS
              || r.getTagsCount() > MAX_BATCH_TAGS
              || total > MAX_BATCH_METRICS) {
            throw MlflowError.invalid(
                "log-batch",
                "at most "
                    + MAX_BATCH_METRICS
                    + " metrics, "
                    + MAX_BATCH_PARAMS
                    + " params and "
                    + MAX_BATCH_TAGS
                    + " tags per batch, "
                    + MAX_BATCH_METRICS
                    + " entities in all; got "
                    + total);
          }
          var forModels = LoggedModelRoutes.modelMetrics(ctx.body(), r.getRunId(), true);
          store.loggedModels.requireExisting(forModels.keySet());
          store.runs.logBatch(r.getRunId(), r.getMetricsList(), r.getParamsList(), r.getTagsList());
          forModels.forEach(store.loggedModels::logMetrics);
          return LogBatch.Response.getDefaultInstance();
        });
    post(
        "runs/log-inputs",
        LogInputs.getDefaultInstance(),
        (r, ctx) -> {
          store.runs.logInputs(r.getRunId(), r.getDatasetsList());
          return LogInputs.Response.getDefaultInstance();
        });
    post(
        "runs/log-model",
        LogModel.getDefaultInstance(),
        (r, ctx) -> {
          store.runs.logModel(r.getRunId(), r.getModelJson());
          return LogModel.Response.getDefaultInstance();
        });
    post(
        "runs/search",
        SearchRuns.getDefaultInstance(),
        (r, ctx) -> {
          String lifecycle =
              switch (r.getRunViewType()) {
                case ALL -> null;
                case DELETED_ONLY -> "deleted";
                default -> "active";
              };
          List<Run> runs =
              SearchOrder.runs(
                  store.runs.search(
                      r.getExperimentIdsList(), SearchFilter.parse(r.getFilter()), lifecycle),
                  r.getOrderByList());
          Page<Run> page = Page.of(runs, r.getMaxResults(), r.getPageToken());
          SearchRuns.Response.Builder b = SearchRuns.Response.newBuilder().addAllRuns(page.items);
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });
    post(
        "runs/delete",
        DeleteRun.getDefaultInstance(),
        (r, ctx) -> {
          store.runs.setLifecycle(r.getRunId(), "deleted");
          return DeleteRun.Response.getDefaultInstance();
        });
    post(
        "runs/restore",
        RestoreRun.getDefaultInstance(),
        (r, ctx) -> {
          store.runs.setLifecycle(r.getRunId(), "active");
          return RestoreRun.Response.getDefaultInstance();
        });
    // The Java client asks without max_results and fails on a second page: without it, the
    // whole history comes in one answer; with it, pages of that size, as MLflow pages them.
    get(
        "metrics/get-history",
        ctx -> {
          List<Metric> history =
              store.runs.metricHistory(
                  runId(ctx.queryParam("run_id"), ctx.queryParam("run_uuid")),
                  required(ctx, "metric_key"));
          Integer max = intParam(ctx, "max_results");
          if (max == null) {
            return GetMetricHistory.Response.newBuilder().addAllMetrics(history).build();
          }
          Page<Metric> page = Page.of(history, max, ctx.queryParam("page_token"));
          GetMetricHistory.Response.Builder b =
              GetMetricHistory.Response.newBuilder().addAllMetrics(page.items);
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });

    // registered models
    post(
        "registered-models/create",
        CreateRegisteredModel.getDefaultInstance(),
        (r, ctx) -> {
          Map<String, String> tags = new LinkedHashMap<>();
          r.getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
          return CreateRegisteredModel.Response.newBuilder()
              .setRegisteredModel(
                  store.models.createRegisteredModel(r.getName(), r.getDescription(), tags))
              .build();
        });
    get(
        "registered-models/get",
        ctx ->
            GetRegisteredModel.Response.newBuilder()
                .setRegisteredModel(store.models.registeredModel(required(ctx, "name")))
                .build());
    get(
        "registered-models/search",
        ctx -> {
          List<RegisteredModel> found =
              store.models.searchRegisteredModels(SearchFilter.parse(ctx.queryParam("filter")));
          Page<RegisteredModel> page =
              Page.of(found, intParam(ctx, "max_results"), ctx.queryParam("page_token"));
          SearchRegisteredModels.Response.Builder b =
              SearchRegisteredModels.Response.newBuilder().addAllRegisteredModels(page.items);
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });
    post(
        "registered-models/set-tag",
        SetRegisteredModelTag.getDefaultInstance(),
        (r, ctx) -> {
          store.models.setRegisteredModelTag(r.getName(), r.getKey(), r.getValue());
          return SetRegisteredModelTag.Response.getDefaultInstance();
        });
    Route<GetLatestVersions> latest =
        (r, ctx) ->
            GetLatestVersions.Response.newBuilder()
                .addAllModelVersions(store.models.latestVersions(r.getName(), r.getStagesList()))
                .build();
    get(
        "registered-models/get-latest-versions",
        ctx ->
            latest.handle(
                GetLatestVersions.newBuilder()
                    .setName(required(ctx, "name"))
                    .addAllStages(ctx.queryParams("stages"))
                    .build(),
                ctx));
    post(
        "model-versions/transition-stage",
        TransitionModelVersionStage.getDefaultInstance(),
        (r, ctx) ->
            TransitionModelVersionStage.Response.newBuilder()
                .setModelVersion(
                    store.models.transitionStage(
                        r.getName(), r.getVersion(), r.getStage(), r.getArchiveExistingVersions()))
                .build());
    post("registered-models/get-latest-versions", GetLatestVersions.getDefaultInstance(), latest);
    post(
        "registered-models/alias",
        SetRegisteredModelAlias.getDefaultInstance(),
        (r, ctx) -> {
          store.models.setAlias(r.getName(), r.getAlias(), r.getVersion());
          return SetRegisteredModelAlias.Response.getDefaultInstance();
        });
    handle(
        HandlerType.DELETE,
        "registered-models/alias",
        ctx -> {
          DeleteRegisteredModelAlias.Builder r = DeleteRegisteredModelAlias.newBuilder();
          if (ctx.queryParam("name") != null) {
            r.setName(ctx.queryParam("name")).setAlias(required(ctx, "alias"));
          } else {
            ProtoJson.parse(ctx.body(), r);
          }
          store.models.deleteAlias(r.getName(), r.getAlias());
          return DeleteRegisteredModelAlias.Response.getDefaultInstance();
        });
    get(
        "registered-models/alias",
        ctx ->
            GetModelVersionByAlias.Response.newBuilder()
                .setModelVersion(
                    store.models.versionByAlias(required(ctx, "name"), required(ctx, "alias")))
                .build());

    // model versions
    post(
        "model-versions/create",
        CreateModelVersion.getDefaultInstance(),
        (r, ctx) -> {
          Map<String, String> tags = new LinkedHashMap<>();
          for (ModelVersionTag t : r.getTagsList()) {
            tags.put(t.getKey(), t.getValue());
          }
          return CreateModelVersion.Response.newBuilder()
              .setModelVersion(
                  store.models.createModelVersion(
                      r.getName(), r.getSource(), r.getRunId(), r.getDescription(), tags))
              .build();
        });
    get(
        "model-versions/get",
        ctx ->
            GetModelVersion.Response.newBuilder()
                .setModelVersion(
                    store.models.modelVersion(required(ctx, "name"), required(ctx, "version")))
                .build());
    get(
        "model-versions/search",
        ctx -> {
          List<ModelVersion> found =
              store.models.searchModelVersions(SearchFilter.parse(ctx.queryParam("filter")));
          Page<ModelVersion> page =
              Page.of(found, intParam(ctx, "max_results"), ctx.queryParam("page_token"));
          SearchModelVersions.Response.Builder b =
              SearchModelVersions.Response.newBuilder().addAllModelVersions(page.items);
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });
    handle(
        HandlerType.PATCH,
        "model-versions/update",
        ctx -> {
          UpdateModelVersion r =
              ProtoJson.parse(ctx.body(), UpdateModelVersion.newBuilder()).build();
          return UpdateModelVersion.Response.newBuilder()
              .setModelVersion(
                  store.models.updateModelVersion(r.getName(), r.getVersion(), r.getDescription()))
              .build();
        });
    handle(
        HandlerType.DELETE,
        "model-versions/delete",
        ctx -> {
          DeleteModelVersion r = bodyOrQuery(ctx, DeleteModelVersion.newBuilder()).build();
          store.models.deleteModelVersion(r.getName(), r.getVersion());
          return DeleteModelVersion.Response.getDefaultInstance();
        });
    handle(
        HandlerType.DELETE,
        "model-versions/delete-tag",
        ctx -> {
          DeleteModelVersionTag r = bodyOrQuery(ctx, DeleteModelVersionTag.newBuilder()).build();
          store.models.deleteModelVersionTag(r.getName(), r.getVersion(), r.getKey());
          return DeleteModelVersionTag.Response.getDefaultInstance();
        });
    post(
        "registered-models/rename",
        RenameRegisteredModel.getDefaultInstance(),
        (r, ctx) ->
            RenameRegisteredModel.Response.newBuilder()
                .setRegisteredModel(store.models.renameRegisteredModel(r.getName(), r.getNewName()))
                .build());
    handle(
        HandlerType.PATCH,
        "registered-models/update",
        ctx -> {
          UpdateRegisteredModel r =
              ProtoJson.parse(ctx.body(), UpdateRegisteredModel.newBuilder()).build();
          return UpdateRegisteredModel.Response.newBuilder()
              .setRegisteredModel(
                  store.models.updateRegisteredModel(r.getName(), r.getDescription()))
              .build();
        });
    handle(
        HandlerType.DELETE,
        "registered-models/delete",
        ctx -> {
          DeleteRegisteredModel r = bodyOrQuery(ctx, DeleteRegisteredModel.newBuilder()).build();
          store.models.deleteRegisteredModel(r.getName());
          return DeleteRegisteredModel.Response.getDefaultInstance();
        });
    handle(
        HandlerType.DELETE,
        "registered-models/delete-tag",
        ctx -> {
          DeleteRegisteredModelTag r =
              bodyOrQuery(ctx, DeleteRegisteredModelTag.newBuilder()).build();
          store.models.deleteRegisteredModelTag(r.getName(), r.getKey());
          return DeleteRegisteredModelTag.Response.getDefaultInstance();
        });
    post(
        "experiments/update",
        UpdateExperiment.getDefaultInstance(),
        (r, ctx) -> {
          store.experiments.rename(r.getExperimentId(), r.getNewName());
          return UpdateExperiment.Response.getDefaultInstance();
        });
    // What MLflow's web UI calls besides the API: a run's artifacts listed and read, and metric
    // history of several runs at once.
    get(
        "artifacts/list",
        ctx -> {
          Run run = store.runs.get(runId(ctx.queryParam("run_id"), ctx.queryParam("run_uuid")));
          String relative = ctx.queryParam("path") == null ? "" : ctx.queryParam("path");
          String prefix = relative.replaceAll("^/+", "").replaceAll("/+$", "");
          ListArtifacts.Response.Builder b =
              ListArtifacts.Response.newBuilder().setRootUri(run.getInfo().getArtifactUri());
          for (var file :
              artifacts.list(ArtifactClient.proxyPath(run.getInfo().getArtifactUri(), prefix))) {
            org.mlflow.api.proto.Service.FileInfo.Builder info =
                org.mlflow.api.proto.Service.FileInfo.newBuilder()
                    .setPath(prefix.isEmpty() ? file.getPath() : prefix + "/" + file.getPath())
                    .setIsDir(file.getIsDir());
            if (file.hasFileSize()) {
              info.setFileSize(file.getFileSize());
            }
            b.addFiles(info);
          }
          return b.build();
        });
    get(
        "metrics/get-history-bulk-interval",
        ctx -> {
          List<String> runIds = ctx.queryParams("run_ids");
          if (runIds.isEmpty()) {
            throw MlflowError.invalid("run_ids", "at least one run id is required");
          }
          if (runIds.size() > 100) {
            throw MlflowError.invalid("run_ids", "at most 100, got " + runIds.size());
          }
          String key = required(ctx, "metric_key");
          Integer start = intParam(ctx, "start_step");
          Integer end = intParam(ctx, "end_step");
          Integer max = intParam(ctx, "max_results");
          int limit = max == null ? 320 : max;
          GetMetricHistoryBulkInterval.Response.Builder b =
              GetMetricHistoryBulkInterval.Response.newBuilder();
          for (String id : runIds) {
            List<Metric> points =
                store.runs.metricHistory(id, key).stream()
                    .filter(m -> start == null || m.getStep() >= start)
                    .filter(m -> end == null || m.getStep() <= end)
                    .toList();
            // Evenly spaced points, always keeping the first and the last, as the UI expects.
            int n = points.size();
            for (int i = 0; i < n; i++) {
              boolean keep =
                  n <= limit
                      || i == 0
                      || i == n - 1
                      || (long) i * limit / n != (long) (i - 1) * limit / n;
              if (keep) {
                Metric m = points.get(i);
                b.addMetrics(
                    MetricWithRunId.newBuilder()
                        .setKey(m.getKey())
                        .setValue(m.getValue())
                        .setTimestamp(m.getTimestamp())
                        .setStep(m.getStep())
                        .setRunId(id));
              }
            }
          }
          return b.build();
        });
    traceRoutes();
    new LoggedModelRoutes(store.loggedModels, artifacts).register(this::handleJson, app);
    app.get("/get-artifact", this::runArtifact);
    app.get("/model-versions/get-artifact", this::modelVersionArtifact);
    post(
        "experiments/search-datasets",
        SearchDatasets.getDefaultInstance(),
        (r, ctx) ->
            SearchDatasets.Response.newBuilder()
                .addAllDatasetSummaries(store.runs.datasetSummaries(r.getExperimentIdsList()))
                .build());
    // MLflow's UI asks its AI gateway for endpoints; with none configured there are none.
    for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST)) {
      app.addHttpHandler(method, AJAX_API + "gateway-proxy", this::gatewayProxy);
    }
    // Multipart upload: what MLflow's server answers for a local artifact store, in its exact
    // words, since MLflow's client falls back to one plain upload only on this message.
    for (String action : List.of("create", "complete", "abort")) {
      app.post(
          "/api/2.0/mlflow-artifacts/mpu/" + action + "/<path>",
          ctx -> {
            throw new MlflowError(
                MlflowError.Code.NOT_IMPLEMENTED,
                "Multipart upload is not supported for the current artifact repository");
          });
    }
    // Later MLflow releases' experiments/delete-tag (not in the 2.17 protos): {experiment_id, key}.
    app.post(API + "experiments/delete-tag", this::deleteExperimentTag);
    app.post(AJAX_API + "experiments/delete-tag", this::deleteExperimentTag);
    post(
        "model-versions/set-tag",
        SetModelVersionTag.getDefaultInstance(),
        (r, ctx) -> {
          store.models.setModelVersionTag(r.getName(), r.getVersion(), r.getKey(), r.getValue());
          return SetModelVersionTag.Response.getDefaultInstance();
        });
    get(
        "model-versions/get-download-uri",
        ctx ->
            GetModelVersionDownloadUri.Response.newBuilder()
                .setArtifactUri(
                    store
                        .models
                        .modelVersion(required(ctx, "name"), required(ctx, "version"))
                        .getSource())
                .build());

    // artifact proxy
    app.put(
        ARTIFACTS + "/<path>",
        ctx ->
            timed(
                ctx,
                "artifacts/upload",
                () -> {
                  try (InputStream body = ctx.bodyInputStream()) {
                    artifacts.write(ctx.pathParam("path"), body);
                  }
                  ctx.contentType("application/json")
                      .result(
                          ProtoJson.print(
                              MlflowArtifacts.UploadArtifact.Response.getDefaultInstance()));
                }));
    app.get(
        ARTIFACTS + "/<path>",
        ctx ->
            timed(
                ctx,
                "artifacts/download",
                () -> {
                  Path file = artifacts.file(ctx.pathParam("path"));
                  // Whole files: model and report artifacts are megabytes, and a streamed result
                  // raced
                  // Jetty's close when the client finished reading first.
                  ctx.contentType("application/octet-stream").result(Files.readAllBytes(file));
                }));
    app.get(
        ARTIFACTS,
        ctx ->
            timed(
                ctx,
                "artifacts/list",
                () ->
                    ctx.contentType("application/json")
                        .result(
                            ProtoJson.print(
                                MlflowArtifacts.ListArtifacts.Response.newBuilder()
                                    .addAllFiles(artifacts.list(ctx.queryParam("path")))
                                    .build()))));
    app.delete(
        ARTIFACTS + "/<path>",
        ctx ->
            timed(
                ctx,
                "artifacts/delete",
                () -> {
                  artifacts.delete(ctx.pathParam("path"));
                  ctx.contentType("application/json")
                      .result(
                          ProtoJson.print(
                              MlflowArtifacts.DeleteArtifact.Response.getDefaultInstance()));
                }));
  }

  // ---- plumbing ----

  @FunctionalInterface
  private interface Route<R extends Message> {
    Message handle(R request, Context ctx) throws Exception;
  }

  @FunctionalInterface
  private interface Reply {
    Message handle(Context ctx) throws Exception;
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  @SuppressWarnings("unchecked")
  private <R extends Message> void post(String endpoint, R prototype, Route<R> route) {
    Handler handler =
        ctx ->
            timed(
                ctx,
                endpoint,
                () -> {
                  R request =
                      (R) ProtoJson.parse(ctx.body(), prototype.newBuilderForType()).build();
                  respond(ctx, route.handle(request, ctx));
                });
    app.post(API + endpoint, handler);
    app.post(AJAX_API + endpoint, handler);
  }

  private void get(String endpoint, Reply reply) {
    handle(HandlerType.GET, endpoint, reply);
  }

  private void handle(HandlerType method, String endpoint, Reply reply) {
    Handler handler = ctx -> timed(ctx, endpoint, () -> respond(ctx, reply.handle(ctx)));
    app.addHttpHandler(method, API + endpoint, handler);
    app.addHttpHandler(method, AJAX_API + endpoint, handler);
  }

  /** A route whose JSON is built by hand (MLflow 3's, beyond the 2.17 protos). */
  private void handleJson(HandlerType method, String endpoint, LoggedModelRoutes.Reply reply) {
    Handler handler =
        ctx ->
            timed(
                ctx,
                endpoint,
                () ->
                    ctx.contentType("application/json")
                        .result(JSON.writeValueAsString(reply.handle(ctx))));
    app.addHttpHandler(method, API + endpoint, handler);
    app.addHttpHandler(method, AJAX_API + endpoint, handler);
  }

  private void timed(Context ctx, String endpoint, Work work) throws Exception {
    long start = System.nanoTime();
    try {
      work.run();
    } finally {
      Timer.builder("flywheel.mlflow.requests")
          .tag("endpoint", endpoint)
          .description("Requests served by the embedded MLflow server")
          .register(metrics)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private static void respond(Context ctx, Message response) {
    ctx.contentType("application/json").result(ProtoJson.print(response));
  }

  /** MLflow 2's tracing API: traces started, ended, tagged, searched and deleted. */
  private void traceRoutes() {
    post(
        "traces",
        StartTrace.getDefaultInstance(),
        (r, ctx) ->
            StartTrace.Response.newBuilder()
                .setTraceInfo(
                    store.traces.start(
                        r.getExperimentId(),
                        r.hasTimestampMs() ? r.getTimestampMs() : System.currentTimeMillis(),
                        r.getRequestMetadataList(),
                        r.getTagsList()))
                .build());
    handle(
        HandlerType.PATCH,
        "traces/{request_id}",
        ctx -> {
          EndTrace r = ProtoJson.parse(ctx.body(), EndTrace.newBuilder()).build();
          return EndTrace.Response.newBuilder()
              .setTraceInfo(
                  store.traces.end(
                      ctx.pathParam("request_id"),
                      r.hasTimestampMs() ? r.getTimestampMs() : System.currentTimeMillis(),
                      r.getStatus(),
                      r.getRequestMetadataList(),
                      r.getTagsList()))
              .build();
        });
    get(
        "traces/{request_id}/info",
        ctx ->
            GetTraceInfo.Response.newBuilder()
                .setTraceInfo(store.traces.get(ctx.pathParam("request_id")))
                .build());
    get(
        "traces",
        ctx -> {
          List<org.mlflow.api.proto.Service.TraceInfo> found =
              store.traces.search(
                  ctx.queryParams("experiment_ids"),
                  SearchFilter.parse(ctx.queryParam("filter")),
                  ctx.queryParams("order_by"));
          Page<org.mlflow.api.proto.Service.TraceInfo> page =
              Page.of(found, intParam(ctx, "max_results"), ctx.queryParam("page_token"));
          SearchTraces.Response.Builder b =
              SearchTraces.Response.newBuilder().addAllTraces(page.items);
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });
    post(
        "traces/delete-traces",
        DeleteTraces.getDefaultInstance(),
        (r, ctx) ->
            DeleteTraces.Response.newBuilder()
                .setTracesDeleted(
                    store.traces.delete(
                        r.getExperimentId(),
                        r.hasMaxTimestampMillis() ? r.getMaxTimestampMillis() : null,
                        r.getMaxTraces(),
                        r.getRequestIdsList()))
                .build());
    handle(
        HandlerType.PATCH,
        "traces/{request_id}/tags",
        ctx -> {
          SetTraceTag r = ProtoJson.parse(ctx.body(), SetTraceTag.newBuilder()).build();
          store.traces.setTag(ctx.pathParam("request_id"), r.getKey(), r.getValue());
          return SetTraceTag.Response.getDefaultInstance();
        });
    handle(
        HandlerType.DELETE,
        "traces/{request_id}/tags",
        ctx -> {
          DeleteTraceTag r = bodyOrQuery(ctx, DeleteTraceTag.newBuilder()).build();
          store.traces.deleteTag(ctx.pathParam("request_id"), r.getKey());
          return DeleteTraceTag.Response.getDefaultInstance();
        });
  }

  /** {@code GET /get-artifact?run_uuid=&path=}: one file of a run's artifacts, raw. */
  private void runArtifact(Context ctx) throws Exception {
    Run run = store.runs.get(runId(ctx.queryParam("run_id"), ctx.queryParam("run_uuid")));
    String path = ctx.queryParam("path");
    if (path == null || path.isBlank()) {
      throw MlflowError.invalid("path", "is required");
    }
    Path file = artifacts.file(ArtifactClient.proxyPath(run.getInfo().getArtifactUri(), path));
    String type = Files.probeContentType(file);
    ctx.contentType(type == null ? "application/octet-stream" : type)
        .result(Files.newInputStream(file));
  }

  /**
   * {@code GET /model-versions/get-artifact?name=&version=&path=}: one file of a registered model
   * version's artifacts (the UI reads its MLmodel for the schema).
   */
  private void modelVersionArtifact(Context ctx) throws Exception {
    String name = ctx.queryParam("name");
    String version = ctx.queryParam("version");
    String path = ctx.queryParam("path");
    if (name == null || version == null || path == null || path.isBlank()) {
      throw MlflowError.invalid("name, version, path", "are required");
    }
    String source = store.models.modelVersion(name, version).getSource();
    if (source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      int slash = rest.indexOf('/');
      Run run = store.runs.get(slash < 0 ? rest : rest.substring(0, slash));
      source = run.getInfo().getArtifactUri() + (slash < 0 ? "" : rest.substring(slash));
    }
    Path file = artifacts.file(ArtifactClient.proxyPath(source, path));
    String type = Files.probeContentType(file);
    ctx.contentType(type == null ? "application/octet-stream" : type)
        .result(Files.newInputStream(file));
  }

  /** No AI gateway is configured: its endpoint list is empty; anything else is not found. */
  private void gatewayProxy(Context ctx) {
    String path = ctx.queryParam("gateway_path");
    if (path == null) {
      JsonNode body = null;
      try {
        body = ctx.body().isBlank() ? null : JSON.readTree(ctx.body());
      } catch (IOException e) {
        throw MlflowError.invalid("gateway_path", "request body is not JSON");
      }
      path = body == null ? null : body.path("gateway_path").asText(null);
    }
    if (path != null && path.replaceAll("/+$", "").equals("api/2.0/endpoints")) {
      ctx.contentType("application/json").result("{\"endpoints\":[]}");
      return;
    }
    throw new MlflowError(
        MlflowError.Code.ENDPOINT_NOT_FOUND,
        "No AI gateway is configured for this server (gateway_path " + path + ")");
  }

  private void deleteExperimentTag(Context ctx) throws Exception {
    JsonNode body = ctx.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(ctx.body());
    String id = body.path("experiment_id").asText("");
    String key = body.path("key").asText("");
    if (key.isEmpty()) {
      throw MlflowError.invalid("key", "is required");
    }
    timed(
        ctx,
        "experiments/delete-tag",
        () -> {
          store.experiments.deleteTag(id, key);
          ctx.contentType("application/json").result("{}");
        });
  }

  /** A DELETE's fields: its JSON body when it has one (MLflow's clients), else the query. */
  private static <B extends org.mlflow_project.google.protobuf.Message.Builder> B bodyOrQuery(
      Context ctx, B builder) {
    if (!ctx.body().isBlank()) {
      return ProtoJson.parse(ctx.body(), builder);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    ctx.queryParamMap().forEach((k, v) -> fields.put(k, v.get(0)));
    try {
      return ProtoJson.parse(JSON.writeValueAsString(fields), builder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET requests carry their fields as query parameters; read the ones search uses. */
  private static SearchExperiments.Builder query(Context ctx, SearchExperiments.Builder b) {
    if (ctx.queryParam("filter") != null) {
      b.setFilter(ctx.queryParam("filter"));
    }
    if (ctx.queryParam("page_token") != null) {
      b.setPageToken(ctx.queryParam("page_token"));
    }
    b.addAllOrderBy(ctx.queryParams("order_by"));
    Integer max = intParam(ctx, "max_results");
    if (max != null) {
      b.setMaxResults(max);
    }
    if (ctx.queryParam("view_type") != null) {
      try {
        b.setViewType(ViewType.valueOf(ctx.queryParam("view_type")));
      } catch (IllegalArgumentException e) {
        throw MlflowError.invalid("view_type", "ACTIVE_ONLY, DELETED_ONLY or ALL");
      }
    }
    return b;
  }

  private static String required(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty()) {
      throw MlflowError.invalid(name, "query parameter is required");
    }
    return value;
  }

  private static Integer intParam(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw MlflowError.invalid(name, "not an integer: '" + value + "'");
    }
  }

  /** MLflow's client sends a run's id as both run_id and run_uuid; accept either. */
  private static String runId(String runId, String runUuid) {
    String id = runId != null && !runId.isEmpty() ? runId : runUuid;
    if (id == null || id.isEmpty()) {
      throw MlflowError.invalid("run_id", "is required");
    }
    return id;
  }

  private void authorize(Context ctx) {
    if (token == null || !MUTATING.contains(ctx.method())) {
      return;
    }
    String path = ctx.path();
    for (String prefix : List.of(API, AJAX_API)) {
      if (ctx.method() == HandlerType.POST
          && path.startsWith(prefix)
          && READ_ONLY_POSTS.contains(path.substring(prefix.length()))) {
        return;
      }
    }
    if (!token.acceptsHeader(ctx.header("Authorization"))) {
      throw new MlflowError(
          MlflowError.Code.UNAUTHENTICATED,
          "a bearer token is required for " + ctx.method() + " requests");
    }
  }

  private void error(Context ctx, MlflowError e) {
    Counter.builder("flywheel.mlflow.errors")
        .tag("code", e.code.name())
        .register(metrics)
        .increment();
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error_code", e.code.name());
    body.put("message", e.getMessage());
    try {
      ctx.status(e.code.httpStatus)
          .contentType("application/json")
          .result(JSON.writeValueAsString(body));
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    }
  }

  /** Offset paging with MLflow-style opaque tokens. */
  record Page<T>(List<T> items, int nextOffset) {
    static <T> Page<T> of(List<T> all, Integer maxResults, String token) {
      int size = maxResults == null || maxResults <= 0 ? DEFAULT_PAGE : maxResults;
      if (size > MAX_PAGE) {
        throw MlflowError.invalid("max_results", "at most " + MAX_PAGE + ", got " + size);
      }
      int offset = 0;
      if (token != null && !token.isEmpty()) {
        try {
          offset =
              Integer.parseInt(
                  new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw MlflowError.invalid("page_token", "not a token this server issued");
        }
      }
      int end = Math.min(all.size(), offset + size);
      List<T> items = offset >= all.size() ? List.of() : new ArrayList<>(all.subList(offset, end));
      return new Page<>(items, end < all.size() ? end : -1);
    }

    java.util.Optional<String> next() {
      return nextOffset < 0
          ? java.util.Optional.empty()
          : java.util.Optional.of(
              Base64.getUrlEncoder()
                  .encodeToString(Integer.toString(nextOffset).getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Override
  public void close() {
    app.stop();
    store.close();
  }
}
