package io.flywheel.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.MlflowArtifacts.FileInfo;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;

/**
 * One MLflow run: params, metrics (with steps), tags and artifacts, then FINISHED or FAILED. Writes
 * go in batches of MLflow's limits (1000 metrics, 100 params, 100 tags per request).
 */
public final class TrackedRun {
  static final int METRICS_PER_BATCH = 1000;
  static final int PARAMS_PER_BATCH = 100;
  static final int TAGS_PER_BATCH = 100;
  public static final String FAILURE_TAG = "flywheel.failure";

  private final MlflowClient client;
  private final ArtifactClient artifacts;
  private final String runId;
  private final String experimentId;
  private final String name;
  private final String artifactUri;

  TrackedRun(MlflowClient client, ArtifactClient artifacts, Run run) {
    this.client = client;
    this.artifacts = artifacts;
    this.runId =
        run.getInfo().getRunId().isEmpty() ? run.getInfo().getRunUuid() : run.getInfo().getRunId();
    this.experimentId = run.getInfo().getExperimentId();
    this.name = run.getInfo().getRunName();
    this.artifactUri = run.getInfo().getArtifactUri();
  }

  public String runId() {
    return runId;
  }

  public String experimentId() {
    return experimentId;
  }

  public String name() {
    return name;
  }

  public String artifactUri() {
    return artifactUri;
  }

  public TrackedRun logParams(Map<String, ?> params) {
    List<Param> batch = new ArrayList<>();
    params.forEach(
        (k, v) -> batch.add(Param.newBuilder().setKey(k).setValue(String.valueOf(v)).build()));
    for (int i = 0; i < batch.size(); i += PARAMS_PER_BATCH) {
      List<Param> chunk = batch.subList(i, Math.min(batch.size(), i + PARAMS_PER_BATCH));
      call("log params", () -> client.logBatch(runId, List.of(), chunk, List.of()));
    }
    return this;
  }

  public TrackedRun logMetric(String key, double value) {
    return logMetrics(Map.of(key, value), 0);
  }

  /** Several metrics at one step (0 for a run's final figures). */
  public TrackedRun logMetrics(Map<String, Double> values, long step) {
    long now = System.currentTimeMillis();
    List<Metric> batch = new ArrayList<>();
    values.forEach(
        (k, v) ->
            batch.add(
                Metric.newBuilder().setKey(k).setValue(v).setStep(step).setTimestamp(now).build()));
    sendMetrics(batch);
    return this;
  }

  /** A metric's history, one point per step from 0 (for example validation loss per round). */
  public TrackedRun logMetricSeries(String key, double[] values) {
    long now = System.currentTimeMillis();
    List<Metric> batch = new ArrayList<>(values.length);
    for (int step = 0; step < values.length; step++) {
      batch.add(
          Metric.newBuilder()
              .setKey(key)
              .setValue(values[step])
              .setStep(step)
              .setTimestamp(now)
              .build());
    }
    sendMetrics(batch);
    return this;
  }

  private void sendMetrics(List<Metric> batch) {
    for (int i = 0; i < batch.size(); i += METRICS_PER_BATCH) {
      List<Metric> chunk = batch.subList(i, Math.min(batch.size(), i + METRICS_PER_BATCH));
      call("log metrics", () -> client.logBatch(runId, chunk, List.of(), List.of()));
    }
  }

  public TrackedRun setTags(Map<String, String> tags) {
    List<RunTag> batch = new ArrayList<>();
    tags.forEach((k, v) -> batch.add(RunTag.newBuilder().setKey(k).setValue(v).build()));
    for (int i = 0; i < batch.size(); i += TAGS_PER_BATCH) {
      List<RunTag> chunk = batch.subList(i, Math.min(batch.size(), i + TAGS_PER_BATCH));
      call("set tags", () -> client.logBatch(runId, List.of(), List.of(), chunk));
    }
    return this;
  }

  /** Uploads a file or a whole folder under {@code artifactPath} of this run's artifacts. */
  public TrackedRun logArtifact(Path fileOrFolder, String artifactPath) {
    String target = ArtifactClient.proxyPath(artifactUri, artifactPath);
    try {
      if (Files.isDirectory(fileOrFolder)) {
        artifacts.uploadTree(fileOrFolder, target);
      } else {
        artifacts.upload(fileOrFolder, target);
      }
    } catch (IOException e) {
      throw new RegistryException(
          "cannot upload " + fileOrFolder + " to run " + runId + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** Names directly under {@code artifactPath} ("" for the run's root). */
  public List<String> listArtifacts(String artifactPath) {
    try {
      List<String> names = new ArrayList<>();
      for (FileInfo f : artifacts.list(ArtifactClient.proxyPath(artifactUri, artifactPath))) {
        names.add(f.getPath() + (f.getIsDir() ? "/" : ""));
      }
      return names;
    } catch (IOException e) {
      throw new RegistryException(
          "cannot list artifacts of run " + runId + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bytes of the file {@code artifactPath} of this run (a folder is refused naming it), without
   * a copy on disk: for readers that show an artifact rather than keep it.
   */
  public byte[] readArtifact(String artifactPath) {
    String proxy = ArtifactClient.proxyPath(artifactUri, artifactPath);
    try {
      if (!artifacts.list(proxy).isEmpty()) {
        throw new IllegalArgumentException("path: '" + artifactPath + "' is a folder");
      }
      return artifacts.read(proxy);
    } catch (IOException e) {
      throw new RegistryException(
          "cannot read " + artifactPath + " of run " + runId + ": " + e.getMessage(), e);
    }
  }

  /** Downloads {@code artifactPath} (file or folder) of this run into {@code target}. */
  public Path downloadArtifacts(String artifactPath, Path target) {
    try {
      artifacts.download(ArtifactClient.proxyPath(artifactUri, artifactPath), target);
      return target;
    } catch (IOException e) {
      throw new RegistryException(
          "cannot download " + artifactPath + " of run " + runId + ": " + e.getMessage(), e);
    }
  }

  public void finish() {
    call("finish run", () -> client.setTerminated(runId, RunStatus.FINISHED));
  }

  /** Marks the run FAILED with the reason as a tag, so nobody mistakes it for a result. */
  public void fail(String reason) {
    call(
        "mark run failed",
        () -> {
          client.setTag(
              runId, FAILURE_TAG, reason.length() > 5000 ? reason.substring(0, 5000) : reason);
          client.setTerminated(runId, RunStatus.FAILED);
        });
  }

  public String status() {
    return call("get run", () -> client.getRun(runId)).getInfo().getStatus().name();
  }

  /** The latest value of every metric. */
  public Map<String, Double> metrics() {
    Map<String, Double> out = new LinkedHashMap<>();
    call("get run", () -> client.getRun(runId))
        .getData()
        .getMetricsList()
        .forEach(m -> out.put(m.getKey(), m.getValue()));
    return out;
  }

  public Map<String, String> params() {
    Map<String, String> out = new LinkedHashMap<>();
    call("get run", () -> client.getRun(runId))
        .getData()
        .getParamsList()
        .forEach(p -> out.put(p.getKey(), p.getValue()));
    return out;
  }

  public Map<String, String> tags() {
    Map<String, String> out = new LinkedHashMap<>();
    call("get run", () -> client.getRun(runId))
        .getData()
        .getTagsList()
        .forEach(t -> out.put(t.getKey(), t.getValue()));
    return out;
  }

  public List<Double> metricHistory(String key) {
    return call("get metric history", () -> client.getMetricHistory(runId, key)).stream()
        .map(Metric::getValue)
        .toList();
  }

  interface Call<T> {
    T get();
  }

  interface Action {
    void run();
  }

  private void call(String what, Action action) {
    call(
        what,
        () -> {
          action.run();
          return null;
        });
  }

  private <T> T call(String what, Call<T> call) {
    try {
      return call.get();
    } catch (MlflowClientException e) {
      throw new RegistryException(what + " (run " + runId + "): " + ModelRegistry.describe(e), e);
    }
  }
}
