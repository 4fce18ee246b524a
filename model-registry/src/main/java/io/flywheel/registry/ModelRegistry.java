package io.flywheel.registry;

import io.flywheel.core.RedactedUri;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlflow.api.proto.ModelRegistry.CreateModelVersion;
import org.mlflow.api.proto.ModelRegistry.CreateRegisteredModel;
import org.mlflow.api.proto.ModelRegistry.ModelVersionTag;
import org.mlflow.api.proto.ModelRegistry.SearchRegisteredModels;
import org.mlflow.api.proto.ModelRegistry.SetModelVersionTag;
import org.mlflow.api.proto.ModelRegistry.SetRegisteredModelAlias;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * Flywheel's experiment tracking and model registry, on MLflow: experiments, runs, registered
 * models, versions and aliases through {@code mlflow-client}, artifacts through MLflow's artifact
 * proxy. With {@code MLFLOW_TRACKING_URI} set it talks to that server (token from {@code
 * MLFLOW_TRACKING_TOKEN}); otherwise it starts the embedded MLflow-compatible server under {@code
 * <home>/mlflow}, on loopback, guarded by a random token.
 *
 * <p>Registry writes go through the client's {@code sendPost}/{@code sendGet} with JSON printed
 * from MLflow's own request classes: the client only reads the registry itself.
 */
public final class ModelRegistry implements AutoCloseable {
  public static final String CHAMPION = "champion";
  public static final String CHALLENGER = "challenger";

  private final MlflowClient client;
  private final ArtifactClient artifacts;
  private final String trackingUri;
  private final MlflowCompatibleServer embedded;
  private boolean homeServer;
  private Path homeFolder;

  private ModelRegistry(String trackingUri, String token, MlflowCompatibleServer embedded) {
    this.trackingUri = trackingUri;
    this.embedded = embedded;
    this.client = new MlflowClient(new BasicMlflowHostCreds(trackingUri, token));
    this.artifacts = new ArtifactClient(trackingUri, token);
  }

  /**
   * The tracking server at {@code trackingUri} (MLFLOW_TRACKING_URI, with its bearer token) if one
   * is given, else the embedded server under {@code home}.
   */
  public static ModelRegistry open(Path home, String trackingUri, String token) {
    return open(home, trackingUri, token, null);
  }

  /** As above; the embedded server also serves MLflow's web UI from {@code uiDir} (may be null). */
  public static ModelRegistry open(Path home, String trackingUri, String token, Path uiDir) {
    if (trackingUri != null && !trackingUri.isBlank()) {
      return connect(trackingUri, token);
    }
    return embedded(home.resolve("mlflow"), uiDir);
  }

  /** A running MLflow tracking server; fails at once, naming it, if it does not answer. */
  public static ModelRegistry connect(String trackingUri, String token) {
    if (!trackingUri.startsWith("http://") && !trackingUri.startsWith("https://")) {
      throw new RegistryException(
          "MLFLOW_TRACKING_URI: must be an http(s) URL of a tracking "
              + "server, got '"
              + RedactedUri.of(trackingUri)
              + "'");
    }
    ModelRegistry registry = new ModelRegistry(trackingUri, token, null);
    registry.probe();
    return registry;
  }

  /** Starts the embedded server with its database and artifacts under {@code folder}. */
  public static ModelRegistry embedded(Path folder) {
    return embedded(folder, null);
  }

  /** As above, serving MLflow's web UI from {@code uiDir} when it is given. */
  public static ModelRegistry embedded(Path folder, Path uiDir) {
    // Another process on this home already serves its database: use that server, never open
    // the same database file twice.
    Optional<HomeServerFile.Entry> running = HomeServerFile.runningElsewhere(folder);
    if (running.isPresent()) {
      ModelRegistry shared =
          new ModelRegistry(running.get().trackingUri(), running.get().token(), null);
      shared.homeServer = true;
      try {
        shared.probe();
        return shared;
      } catch (RegistryException stopping) {
        shared.close(); // it is going away: start our own below
      }
    }
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    try {
      MlflowCompatibleServer server =
          MlflowCompatibleServer.start(folder, "127.0.0.1", 0, token, uiDir);
      HomeServerFile.write(
          folder,
          new HomeServerFile.Entry(ProcessHandle.current().pid(), server.trackingUri(), token));
      ModelRegistry registry = new ModelRegistry(server.trackingUri(), token, server);
      registry.homeFolder = folder;
      registry.homeServer = true;
      return registry;
    } catch (IOException e) {
      throw new RegistryException(
          "cannot start the embedded MLflow server under " + folder + ": " + e.getMessage(), e);
    }
  }

  private void probe() {
    try {
      client.searchExperiments("", org.mlflow.api.proto.Service.ViewType.ACTIVE_ONLY, 1, List.of());
    } catch (MlflowClientException e) {
      throw new RegistryException(
          "MLflow tracking server at "
              + RedactedUri.of(trackingUri)
              + " is unreachable or refused the request: "
              + describe(e),
          e);
    }
  }

  public String trackingUri() {
    return trackingUri;
  }

  /**
   * Whether this is the home's embedded MLflow-compatible server (run by this process, or by
   * another process on the same home), rather than a tracking server of its own.
   */
  public boolean isEmbedded() {
    return homeServer;
  }

  /** The experiment's id, creating it on first use. */
  public String experiment(String name) {
    return findExperiment(name)
        .map(e -> e.getExperimentId())
        .orElseGet(() -> call("create experiment " + name, () -> client.createExperiment(name)));
  }

  // Searched, not fetched by name: the client retries every 404 (three requests per miss).
  private Optional<org.mlflow.api.proto.Service.Experiment> findExperiment(String name) {
    return call(
            "search experiments",
            () ->
                client
                    .searchExperiments(
                        "name = " + quoted(name),
                        org.mlflow.api.proto.Service.ViewType.ACTIVE_ONLY,
                        1,
                        List.of())
                    .getItems())
        .stream()
        .findFirst();
  }

  public TrackedRun startRun(String experiment, String runName, Map<String, String> tags) {
    String experimentId = experiment(experiment);
    CreateRun.Builder request =
        CreateRun.newBuilder()
            .setExperimentId(experimentId)
            .setRunName(runName)
            .setStartTime(System.currentTimeMillis())
            .setUserId(System.getProperty("user.name", "flywheel"));
    tags.forEach((k, v) -> request.addTags(RunTag.newBuilder().setKey(k).setValue(v)));
    String runId = call("create run", () -> client.createRun(request.build()).getRunId());
    return run(runId);
  }

  /** An experiment as a list shows it. */
  public record ExperimentSummary(String id, String name, long lastUpdateMillis) {}

  /** The active experiments, most recently updated first (at most 1,000). */
  public List<ExperimentSummary> experiments() {
    return call(
            "search experiments",
            () ->
                client
                    .searchExperiments(
                        "",
                        org.mlflow.api.proto.Service.ViewType.ACTIVE_ONLY,
                        1000,
                        List.of("last_update_time DESC"))
                    .getItems())
        .stream()
        .map(e -> new ExperimentSummary(e.getExperimentId(), e.getName(), e.getLastUpdateTime()))
        .toList();
  }

  /** A run as a table row: its figures, params and tags as the server holds them. */
  public record RunSummary(
      String runId,
      String name,
      String experimentId,
      String status,
      long startMillis,
      long endMillis,
      Map<String, Double> metrics,
      Map<String, String> params,
      Map<String, String> tags) {}

  /** One page of runs and the token of the next ({@code null} on the last page). */
  public record RunPage(List<RunSummary> runs, String nextPageToken) {}

  /**
   * A page of an experiment's runs, through the tracking server's own search: {@code filter} in
   * MLflow's search syntax ({@code metrics.auc > 0.7 and params.model = 'ctr'}), {@code orderBy}
   * one clause ({@code metrics.auc DESC}; empty: newest first), {@code pageToken} from the page
   * before (null for the first).
   */
  public RunPage searchRuns(
      String experimentId, String filter, String orderBy, int maxResults, String pageToken) {
    org.mlflow.tracking.RunsPage page =
        call(
            "search runs",
            () ->
                client.searchRuns(
                    List.of(experimentId),
                    filter == null ? "" : filter,
                    org.mlflow.api.proto.Service.ViewType.ACTIVE_ONLY,
                    maxResults,
                    orderBy == null || orderBy.isBlank()
                        ? List.of("attributes.start_time DESC")
                        : List.of(orderBy),
                    pageToken));
    List<RunSummary> runs = new ArrayList<>();
    for (Run r : page.getItems()) {
      runs.add(summary(r));
    }
    return new RunPage(runs, page.getNextPageToken().orElse(null));
  }

  /** One run as a table row. */
  public RunSummary runSummary(String runId) {
    return summary(call("get run " + runId, () -> client.getRun(runId)));
  }

  private static RunSummary summary(Run r) {
    Map<String, Double> metrics = new java.util.TreeMap<>();
    r.getData().getMetricsList().forEach(m -> metrics.put(m.getKey(), m.getValue()));
    Map<String, String> params = new java.util.TreeMap<>();
    r.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
    Map<String, String> tags = new java.util.TreeMap<>();
    r.getData().getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
    var info = r.getInfo();
    return new RunSummary(
        info.getRunId().isEmpty() ? info.getRunUuid() : info.getRunId(),
        info.getRunName(),
        info.getExperimentId(),
        info.getStatus().name(),
        info.getStartTime(),
        info.getEndTime(),
        metrics,
        params,
        tags);
  }

  /** A metric's history as (step, value) pairs in step order. */
  public List<double[]> metricSteps(String runId, String key) {
    return call("get metric history", () -> client.getMetricHistory(runId, key)).stream()
        .sorted(
            java.util.Comparator.comparingLong(org.mlflow.api.proto.Service.Metric::getStep)
                .thenComparingLong(org.mlflow.api.proto.Service.Metric::getTimestamp))
        .map(m -> new double[] {m.getStep(), m.getValue()})
        .toList();
  }

  public TrackedRun run(String runId) {
    Run run = call("get run " + runId, () -> client.getRun(runId));
    return new TrackedRun(client, artifacts, run);
  }

  /**
   * The newest FINISHED run of the experiment carrying every given tag, if any: how a retried task
   * finds the result of its earlier attempt instead of training again.
   */
  public Optional<TrackedRun> findFinishedRun(String experiment, Map<String, String> tags) {
    Optional<org.mlflow.api.proto.Service.Experiment> exp = findExperiment(experiment);
    if (exp.isEmpty()) {
      return Optional.empty();
    }
    List<String> clauses = new ArrayList<>();
    clauses.add("attributes.status = 'FINISHED'");
    tags.forEach((k, v) -> clauses.add("tags.`" + k.replace("`", "") + "` = " + quoted(v)));
    List<org.mlflow.api.proto.Service.RunInfo> runs =
        call(
            "search runs",
            () ->
                client.searchRuns(
                    List.of(exp.get().getExperimentId()), String.join(" AND ", clauses)));
    return runs.stream().findFirst().map(info -> run(info.getRunId()));
  }

  /**
   * Registers {@code artifactPath} of a FINISHED run as the next version of {@code model} (creating
   * the model on first use) with lineage tags. A failed or running run is refused before anything
   * is written, so no half-registered version is left behind.
   */
  public ModelVersionInfo register(
      String model, TrackedRun run, String artifactPath, Map<String, String> tags) {
    String status = run.status();
    if (!RunStatus.FINISHED.name().equals(status)) {
      throw new RegistryException(
          "run "
              + run.runId()
              + " is "
              + status
              + "; only a FINISHED run's model can be registered");
    }
    if (run.listArtifacts(artifactPath).isEmpty()) {
      throw new RegistryException(
          "run " + run.runId() + " has no artifacts under '" + artifactPath + "'");
    }
    if (findModel(model).isEmpty()) {
      post(
          "registered-models/create",
          ProtoJson.print(
              CreateRegisteredModel.newBuilder()
                  .setName(model)
                  .setDescription("Registered by Flywheel")
                  .build()));
    }
    CreateModelVersion.Builder request =
        CreateModelVersion.newBuilder()
            .setName(model)
            .setSource(run.artifactUri() + "/" + artifactPath)
            .setRunId(run.runId());
    tags.forEach((k, v) -> request.addTags(ModelVersionTag.newBuilder().setKey(k).setValue(v)));
    String body = post("model-versions/create", ProtoJson.print(request.build()));
    return ModelVersionInfo.of(
        ProtoJson.parse(body, CreateModelVersion.Response.newBuilder()).build().getModelVersion());
  }

  public void setAlias(String model, String alias, int version) {
    post(
        "registered-models/alias",
        ProtoJson.print(
            SetRegisteredModelAlias.newBuilder()
                .setName(model)
                .setAlias(alias)
                .setVersion(Integer.toString(version))
                .build()));
  }

  public void setVersionTag(String model, int version, String key, String value) {
    post(
        "model-versions/set-tag",
        ProtoJson.print(
            SetModelVersionTag.newBuilder()
                .setName(model)
                .setVersion(Integer.toString(version))
                .setKey(key)
                .setValue(value)
                .build()));
  }

  /** The version an alias points at, if the model and alias exist. */
  public Optional<ModelVersionInfo> aliased(String model, String alias) {
    return findModel(model).map(m -> m.aliases().get(alias)).map(v -> version(model, v));
  }

  public ModelVersionInfo version(String model, int version) {
    return ModelVersionInfo.of(
        call(
            "model version " + model + ":" + version,
            () -> client.getModelVersion(model, Integer.toString(version))));
  }

  public Optional<RegisteredModelInfo> findModel(String model) {
    return searchModels("name = " + quoted(model)).stream().findFirst();
  }

  public List<RegisteredModelInfo> models() {
    return searchModels("");
  }

  private List<RegisteredModelInfo> searchModels(String filter) {
    String body =
        call(
            "search registered models",
            () ->
                client.sendGet(
                    "registered-models/search?"
                        + query(Map.of("max_results", "1000", "filter", filter))));
    List<RegisteredModelInfo> out = new ArrayList<>();
    ProtoJson.parse(body, SearchRegisteredModels.Response.newBuilder())
        .build()
        .getRegisteredModelsList()
        .forEach(m -> out.add(RegisteredModelInfo.of(m)));
    return out;
  }

  /** Every version of a model, newest first. */
  public List<ModelVersionInfo> versions(String model) {
    String filter = "name = " + quoted(model);
    return call(
            "search model versions",
            () -> client.searchModelVersions(filter, 1000, List.of()).getItems())
        .stream()
        .map(ModelVersionInfo::of)
        .sorted((a, b) -> Integer.compare(b.version(), a.version()))
        .toList();
  }

  /** Downloads a registered version's files into {@code target}. */
  public Path download(ModelVersionInfo version, Path target) {
    try {
      artifacts.download(ArtifactClient.proxyPath(version.source(), ""), target);
      return target;
    } catch (IOException e) {
      throw new RegistryException(
          "cannot download " + version.ref() + " from " + version.source() + ": " + e.getMessage(),
          e);
    }
  }

  /** A value as a quoted literal of MLflow's filter language. */
  static String quoted(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private String post(String endpoint, String json) {
    return call(endpoint, () -> client.sendPost(endpoint, json));
  }

  private static String query(Map<String, String> params) {
    List<String> parts = new ArrayList<>();
    new LinkedHashMap<>(params)
        .forEach(
            (k, v) ->
                parts.add(
                    k
                        + "="
                        + java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
    return String.join("&", parts);
  }

  private interface Call<T> {
    T get();
  }

  private <T> T call(String what, Call<T> call) {
    try {
      return call.get();
    } catch (MlflowClientException e) {
      throw new RegistryException(
          what + " at " + RedactedUri.of(trackingUri) + ": " + describe(e), e);
    }
  }

  /**
   * What the server said, in its own words: MLflow answers errors with a JSON body holding {@code
   * error_code} and {@code message}; the client's text around it (status code, reason phrase) is
   * noise to a user.
   */
  static String describe(MlflowClientException e) {
    if (e instanceof org.mlflow.tracking.MlflowHttpException http) {
      try {
        com.fasterxml.jackson.databind.JsonNode body =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.getBodyMessage());
        if (body != null && body.hasNonNull("message")) {
          String code = body.path("error_code").asText("");
          return body.get("message").asText()
              + " ("
              + (code.isEmpty() ? "" : code + ", ")
              + "HTTP "
              + http.getStatusCode()
              + ")";
        }
      } catch (java.io.IOException | RuntimeException notJson) {
        // fall through to the status line
      }
      return "HTTP " + http.getStatusCode() + " " + http.getReasonPhrase();
    }
    return e.getMessage();
  }

  @Override
  public void close() {
    client.close();
    if (embedded != null) {
      if (homeFolder != null) {
        HomeServerFile.remove(homeFolder);
      }
      embedded.close();
    }
  }
}
