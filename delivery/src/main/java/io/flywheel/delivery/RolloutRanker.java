package io.flywheel.delivery;

import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.deploy.ModelRollout;
import io.flywheel.deploy.ServingMetadata;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Ranker} over a model's rollout; metadata per version read once. */
final class RolloutRanker implements Ranker {
  private static final long REFRESH_NANOS = 5_000_000_000L;

  private final String model;
  private final ModelRepository repository;
  private final ModelRollout rollout;
  private final Map<String, ServingMetadata> metadata = new ConcurrentHashMap<>();
  private final Runnable reconnect;
  private volatile long readAt = System.nanoTime();
  private volatile long reconnectedAt;

  RolloutRanker(
      String model, ModelRepository repository, ModelRollout rollout, Runnable reconnect) {
    this.model = model;
    this.repository = repository;
    this.rollout = rollout;
    this.reconnect = reconnect;
  }

  /** After a failure, at most once a second: try the server again now, not after back-off. */
  private void failed() {
    long now = System.nanoTime();
    if (now - reconnectedAt > 1_000_000_000L) {
      reconnectedAt = now;
      reconnect.run();
    }
  }

  /** The rollout, its persisted states re-read every few seconds (another process deploys). */
  private ModelRollout rollout() throws IOException {
    long now = System.nanoTime();
    if (now - readAt > REFRESH_NANOS) {
      readAt = now;
      rollout.reload();
    }
    return rollout;
  }

  @Override
  public Version versionFor(String requestKey) throws IOException {
    String version;
    try {
      version = rollout().route(model, requestKey);
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e);
    }
    return version(version);
  }

  @Override
  public java.util.Optional<Version> served(String version) throws IOException {
    var s = rollout().state(model);
    boolean served =
        s.live() != null && version.equals(Integer.toString(s.live()))
            || s.canary() != null && version.equals(Integer.toString(s.canary()));
    return served ? java.util.Optional.of(version(version)) : java.util.Optional.empty();
  }

  private Version version(String version) throws IOException {
    ServingMetadata m = metadata.get(version);
    if (m == null) {
      m = repository.readMetadata(model, Integer.parseInt(version));
      metadata.put(version, m);
    }
    return new Version(model, version, m);
  }

  @Override
  public double[] score(Version version, String requestKey, float[] values, int rows, int columns)
      throws IOException {
    InferenceClient.Scores scores;
    try {
      // Through the rollout, with the version the rows were built for (the key's, or an
      // experiment arm's), so a canary's errors and latency count towards its verdict.
      scores = rollout().scoreVersion(model, version.version(), values, rows, columns);
    } catch (InferenceClient.InferenceException | IllegalStateException e) {
      failed();
      throw new IOException("ranker " + version.id() + ": " + e.getMessage(), e);
    }
    double[] out = new double[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = version.metadata().correct(scores.values()[i]);
    }
    return out;
  }
}
