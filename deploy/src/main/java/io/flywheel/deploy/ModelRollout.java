package io.flywheel.deploy;

import io.flywheel.core.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * Deploys a model version the safe way: write it into the repository, load it (next to the live
 * version), check it is ready, give it a canary share of traffic (routed by request key, so one
 * shopper sees one version), watch its error rate and p99 latency, then promote it to all traffic
 * or roll it back on its own. Every step is persisted, so a restart knows what is live and what is
 * on trial.
 */
public final class ModelRollout {
  private final Path stateDir;
  private final ModelRepository repository;
  private final InferenceClient client;
  private final FilModelConfig.Serving serving;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** The persisted states, read once: scoring routes every request and must not hit the disk. */
  private final Map<String, RolloutState> states = new ConcurrentHashMap<>();

  public ModelRollout(
      Path stateDir,
      ModelRepository repository,
      InferenceClient client,
      FilModelConfig.Serving serving) {
    this.stateDir = stateDir;
    this.repository = repository;
    this.client = client;
    this.serving = serving;
  }

  /** The persisted state (an empty one before the first deploy). */
  public RolloutState state(String model) throws IOException {
    RolloutState cached = states.get(model);
    if (cached != null) {
      return cached;
    }
    synchronized (this) {
      Path file = stateFile(model);
      RolloutState read =
          Files.isRegularFile(file)
              ? ModelRepository.JSON.readValue(file.toFile(), RolloutState.class)
              : RolloutState.empty(model);
      states.putIfAbsent(model, read);
      return states.get(model);
    }
  }

  /**
   * Reads every known model's persisted state again: for a process that scores through the rollout
   * while another one (a pipeline, `flywheel deploy`) deploys, promotes or rolls back. A model
   * whose canary changed starts a fresh observation window; otherwise the window (and the canary's
   * progress towards its verdict) carries on.
   */
  public synchronized void reload() throws IOException {
    for (String model : List.copyOf(states.keySet())) {
      Path file = stateFile(model);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      RolloutState read = ModelRepository.JSON.readValue(file.toFile(), RolloutState.class);
      RolloutState held = states.put(model, read);
      if (held == null || !java.util.Objects.equals(held.canary(), read.canary())) {
        windows.remove(model);
      }
    }
  }

  /**
   * Deploys {@code version}: the first version goes live at once; a later one becomes the canary
   * with {@code canaryPercent} of traffic (100 promotes it straight away). A version that fails to
   * load or to become ready is refused, and what was serving keeps serving.
   */
  public synchronized RolloutState deploy(
      String model, int version, Path xgboostJson, ServingMetadata metadata, int canaryPercent)
      throws IOException {
    if (canaryPercent < 1 || canaryPercent > 100) {
      throw new IllegalArgumentException(
          "canary: a percentage from 1 to 100, got " + canaryPercent);
    }
    RolloutState before = state(model);
    if (before.canary() != null) {
      throw new IllegalStateException(
          model
              + " already has canary version "
              + before.canary()
              + " on trial: promote or roll it back first");
    }
    if (before.live() != null && before.live() == version) {
      throw new IllegalStateException(model + " version " + version + " is already live");
    }
    repository.addVersion(model, version, xgboostJson, metadata);
    boolean first = before.live() == null || canaryPercent == 100;
    List<Integer> versions = new ArrayList<>();
    if (!first) {
      versions.add(before.live());
    }
    versions.add(version);
    try {
      apply(model, metadata, versions);
      if (!client.modelReady(model, Integer.toString(version))) {
        throw new IOException("version " + version + " loaded but is not ready");
      }
    } catch (RuntimeException | IOException e) {
      restore(model, before.live(), before.serving());
      save(before.with(before.live(), null, 0, "deploy_failed", version, e.getMessage()));
      throw new IOException(
          "deploy of "
              + model
              + " version "
              + version
              + " failed; version "
              + before.live()
              + " keeps serving: "
              + e.getMessage(),
          e);
    }
    RolloutState after =
        first
            ? before.with(version, null, 0, "live", version, "deployed at 100%")
            : before.with(
                before.live(),
                version,
                canaryPercent,
                "canary",
                version,
                canaryPercent + "% of traffic");
    windows.remove(model);
    save(after);
    return after;
  }

  /** The version a request key is routed to: stable per key, canary for its share of keys. */
  public String route(String model, String requestKey) throws IOException {
    RolloutState s = state(model);
    if (s.live() == null) {
      throw new IllegalStateException(model + " has no deployed version");
    }
    if (s.canary() != null && bucket(requestKey) < s.canaryPercent()) {
      return Integer.toString(s.canary());
    }
    return Integer.toString(s.live());
  }

  /**
   * Scores rows for one request through the rollout: routed, timed, counted; a canary that breaks a
   * threshold is rolled back here, one that has served enough requests well is promoted. Errors of
   * the canary are not hidden from the caller.
   */
  public InferenceClient.Scores score(
      String model, String requestKey, float[] values, int rows, int columns) throws IOException {
    return infer(model, route(model, requestKey), values, rows, columns);
  }

  /**
   * As {@link #score(String, String, float[], int, int)}, with the version chosen by the caller (an
   * experiment arm's, or the one its rows were built for): it must be the live version or the
   * canary, else an {@link IllegalStateException} names what is served.
   */
  public InferenceClient.Scores scoreVersion(
      String model, String version, float[] values, int rows, int columns) throws IOException {
    RolloutState s = state(model);
    boolean served =
        s.live() != null && version.equals(Integer.toString(s.live()))
            || s.canary() != null && version.equals(Integer.toString(s.canary()));
    if (!served) {
      throw new IllegalStateException(
          model
              + " v"
              + version
              + " is not served (live "
              + s.live()
              + ", canary "
              + s.canary()
              + ")");
    }
    return infer(model, version, values, rows, columns);
  }

  /** Scores with one version, timed and counted towards a canary's verdict. */
  private InferenceClient.Scores infer(
      String model, String version, float[] values, int rows, int columns) throws IOException {
    long started = System.nanoTime();
    try {
      InferenceClient.Scores scores = client.infer(model, version, values, rows, columns);
      observe(model, version, true, System.nanoTime() - started);
      return scores;
    } catch (InferenceClient.InferenceException e) {
      observe(model, version, false, System.nanoTime() - started);
      throw e;
    }
  }

  private void observe(String model, String version, boolean ok, long nanos) throws IOException {
    RolloutState s = state(model);
    if (s.canary() == null || !version.equals(Integer.toString(s.canary()))) {
      return;
    }
    Window w = windows.computeIfAbsent(model, k -> new Window());
    w.add(ok, nanos);
    RolloutState.Thresholds t = s.thresholds();
    if (w.count() < t.minRequests()) {
      return;
    }
    double errorRate = w.errorRate();
    double p99 = w.p99Millis();
    if (errorRate > t.maxErrorRate() || p99 > t.maxP99Millis()) {
      rollback(
          model,
          String.format(
              java.util.Locale.ROOT,
              "automatic: error rate %.3f "
                  + "(limit %.3f), p99 %.1f ms (limit %.1f) over %d requests",
              errorRate,
              t.maxErrorRate(),
              p99,
              t.maxP99Millis(),
              w.count()));
    } else if (w.count() >= t.promoteAfter()) {
      promote(
          model,
          String.format(
              java.util.Locale.ROOT,
              "automatic: error rate %.3f, p99 " + "%.1f ms over %d requests",
              errorRate,
              p99,
              w.count()));
    }
  }

  public synchronized RolloutState promote(String model, String reason) throws IOException {
    RolloutState s = state(model);
    if (s.canary() == null) {
      throw new IllegalStateException(model + " has no canary to promote");
    }
    int canary = s.canary();
    apply(model, repository.readMetadata(model, canary), List.of(canary));
    RolloutState after = s.with(canary, null, 0, "promoted", canary, reason);
    windows.remove(model);
    save(after);
    return after;
  }

  public synchronized RolloutState rollback(String model, String reason) throws IOException {
    RolloutState s = state(model);
    if (s.canary() == null) {
      throw new IllegalStateException(model + " has no canary to roll back");
    }
    int canary = s.canary();
    restore(model, s.live(), List.of(s.live()));
    RolloutState after = s.with(s.live(), null, 0, "rolled_back", canary, reason);
    windows.remove(model);
    save(after);
    return after;
  }

  public synchronized void setThresholds(String model, RolloutState.Thresholds thresholds)
      throws IOException {
    save(state(model).withThresholds(thresholds));
  }

  /** Loads the persisted rollout into the server (after a restart of either). */
  public synchronized void resume(String model) throws IOException {
    RolloutState s = state(model);
    if (s.live() != null) {
      apply(model, repository.readMetadata(model, s.live()), s.serving());
    }
  }

  /** Back to serving {@code versions} (config written from the live version's metadata). */
  private void restore(String model, Integer live, List<Integer> versions) throws IOException {
    if (live == null) {
      client.unload(model);
      return;
    }
    apply(model, repository.readMetadata(model, live), versions);
  }

  private void apply(String model, ServingMetadata metadata, List<Integer> versions)
      throws IOException {
    repository.writeConfig(FilModelConfig.build(model, metadata, serving, versions));
    client.load(model);
  }

  private static int bucket(String requestKey) {
    CRC32 crc = new CRC32();
    crc.update(requestKey.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % 100);
  }

  private Path stateFile(String model) {
    ModelRepository.requireName(model);
    return stateDir.resolve(model + ".json");
  }

  private void save(RolloutState state) throws IOException {
    Path file = stateFile(state.model());
    Files.createDirectories(file.getParent());
    AtomicFiles.writeString(file, ModelRepository.JSON.writeValueAsString(state));
    states.put(state.model(), state);
  }

  /** The canary's outcomes since it went on trial. */
  private static final class Window {
    private long ok;
    private long failed;
    private final List<Long> latencies = new ArrayList<>();

    synchronized void add(boolean success, long nanos) {
      if (success) {
        ok++;
      } else {
        failed++;
      }
      latencies.add(nanos);
    }

    synchronized long count() {
      return ok + failed;
    }

    synchronized double errorRate() {
      return count() == 0 ? 0 : failed / (double) count();
    }

    synchronized double p99Millis() {
      List<Long> sorted = latencies.stream().sorted().toList();
      int index = (int) Math.ceil(0.99 * sorted.size()) - 1;
      return sorted.get(Math.max(0, index)) / 1e6;
    }
  }
}
