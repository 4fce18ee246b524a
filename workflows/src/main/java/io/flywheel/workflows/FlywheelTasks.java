package io.flywheel.workflows;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.core.TextLines;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.RolloutState;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.OfflineStore;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import io.flywheel.flink.FeatureJob;
import io.flywheel.flink.FeatureJobOptions;
import io.flywheel.flink.FeatureJobResult;
import io.flywheel.flink.JobProgress;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.TrackedRun;
import io.flywheel.training.ChampionComparison;
import io.flywheel.training.Lineage;
import io.flywheel.training.ModelRegistration;
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.PredictionTarget;
import io.flywheel.training.ScoringModel;
import io.flywheel.training.TrainingRun;
import io.flywheel.training.TrainingTable;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flywheel's own task types for pipelines, on their task queues: {@code features} (the Flink
 * feature jobs over a date range of events), {@code training-set} (which examples a run will use),
 * {@code train} (train and track a model), {@code evaluate} (against the champion on the same
 * rows), {@code register}, {@code gate} (rules over the run's metrics), {@code threshold} (one
 * number against a floor), {@code deploy} (a canary through {@code ModelRollout}, judged on
 * replayed traffic) and {@code record} (the outcome, onto the MLflow run). Each is idempotent: a
 * retried or re-run task finds its earlier result (the MLflow run tagged with the pipeline run and
 * task id, the version registered from a run, the version already live or on trial) instead of
 * doing the work twice.
 */
public final class FlywheelTasks {
  public static final String RUN_TAG = "flywheel.pipeline_run";
  public static final String TASK_TAG = "flywheel.pipeline_task";
  public static final String OUTCOME_TAG = "flywheel.outcome";

  private FlywheelTasks() {}

  public static TaskCatalog catalog(Path home, FlywheelConfig config) {
    TaskCatalog catalog =
        TaskCatalog.withGenericTasks()
            .add(
                new TaskType(
                    "features",
                    TaskType.FLINK_QUEUE,
                    List.of("events", "from", "to"),
                    TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
                    ctx -> features(home, config, ctx)))
            .add(
                new TaskType(
                    "training-set",
                    TaskType.DEFAULT_QUEUE,
                    List.of(),
                    false,
                    ctx -> trainingSet(home, config, ctx)))
            .add(
                new TaskType(
                    "train",
                    TaskType.TRAINING_QUEUE,
                    List.of("model"),
                    TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
                    ctx -> train(home, config, ctx)))
            .add(
                new TaskType(
                    "evaluate",
                    TaskType.TRAINING_QUEUE,
                    List.of("run_id"),
                    TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
                    ctx -> evaluate(home, config, ctx)))
            .add(
                new TaskType(
                    "register",
                    TaskType.DEFAULT_QUEUE,
                    List.of("run_id"),
                    false,
                    ctx -> register(home, config, ctx)))
            .add(
                new TaskType(
                    "gate",
                    TaskType.DEFAULT_QUEUE,
                    List.of("run_id", "rules"),
                    false,
                    ctx -> gate(home, config, ctx)))
            .add(
                new TaskType(
                    "threshold",
                    TaskType.DEFAULT_QUEUE,
                    List.of("name", "value", "min"),
                    false,
                    FlywheelTasks::threshold))
            .add(
                new TaskType(
                    "deploy",
                    TaskType.SERVING_QUEUE,
                    List.of("model", "version", "canary"),
                    TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
                    ctx -> deploy(home, config, ctx)))
            .add(
                new TaskType(
                    "record",
                    TaskType.DEFAULT_QUEUE,
                    List.of("run_id"),
                    false,
                    ctx -> record(home, config, ctx)));
    ContentTasks.addTo(catalog, home, config);
    LoopTasks.addTo(catalog, home, config);
    ExperimentTasks.addTo(catalog, home, config);
    FlywheelSensors.all(home, config).forEach(catalog::addSensor);
    return catalog;
  }

  /** The configured MLflow server, or the embedded one under {@code home}. */
  static ModelRegistry registry(Path home, FlywheelConfig config) {
    return ModelRegistry.open(home, config.mlflowTrackingUri(), config.mlflowTrackingToken());
  }

  /** {@code from}/{@code to} as dates; blank means unbounded. */
  private static LocalDate date(TaskContext ctx, String name, LocalDate unbounded) {
    String text = ctx.params().getOrDefault(name, "").trim();
    try {
      return text.isEmpty() ? unbounded : LocalDate.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' is not a date (yyyy-MM-dd)");
    }
  }

  /** Which examples a training run will read: their dates, count, labels and data hash. */
  public static Map<String, String> trainingSet(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    TrainingTable examples =
        TrainingTable.fromStore(
            home,
            date(ctx, "from", LocalDate.MIN),
            date(ctx, "to", LocalDate.MAX),
            ShopCatalog.ofHome(home));
    if (examples.size() == 0) {
      throw new IllegalStateException(
          "training set: the feature store has no examples between "
              + ctx.params().getOrDefault("from", "")
              + " and "
              + ctx.params().getOrDefault("to", "")
              + " (run the feature jobs first)");
    }
    Map<String, String> lineage = Lineage.of(examples, PredictionTarget.CTR);
    String[] window = lineage.get("flywheel.training_window").split("/");
    long clicks = 0;
    long purchases = 0;
    for (int i = 0; i < examples.size(); i++) {
      clicks += examples.clicked(i) ? 1 : 0;
      purchases += examples.purchased(i) ? 1 : 0;
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put("from", window[0]);
    out.put("to", window[1]);
    out.put("examples", Integer.toString(examples.size()));
    out.put("clicks", Long.toString(clicks));
    out.put("purchases", Long.toString(purchases));
    out.put("data_hash", lineage.get("flywheel.data_hash"));
    return out;
  }

  /** Trains and tracks a model (not registered), or finds the run an earlier attempt made. */
  public static Map<String, String> train(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    PredictionTarget target = PredictionTarget.of(ctx.param("model"));
    String truth = ctx.params().getOrDefault("truth", "");
    try (ModelRegistry registry = registry(home, config)) {
      String experiment = ModelRegistration.registeredName(target);
      Map<String, String> key = Map.of(RUN_TAG, ctx.runId(), TASK_TAG, ctx.taskId());
      Optional<TrackedRun> earlier = registry.findFinishedRun(experiment, key);
      Map<String, String> out = new LinkedHashMap<>();
      out.put("model", experiment);
      if (earlier.isPresent()) {
        out.put("run_id", earlier.get().runId());
        out.put("trained", "reused");
        earlier.get().metrics().forEach((k, v) -> out.put(k, Double.toString(v)));
        return out;
      }
      TrainingRun.Trained t =
          TrainingRun.train(
              home,
              registry,
              target,
              ModelTrainer.Options.defaults(),
              new TrainingRun.EngineChoice("auto", 2, config.flinkRestUrl()),
              date(ctx, "from", LocalDate.MIN),
              date(ctx, "to", LocalDate.MAX),
              truth.isBlank() ? null : Path.of(truth),
              key,
              false);
      out.put("run_id", t.runId());
      out.put("trained", "new");
      t.metrics().forEach((k, v) -> out.put(k, Double.toString(v)));
      return out;
    }
  }

  /** The run's model against the champion on the same held-out rows, logged on the run. */
  public static Map<String, String> evaluate(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    try (ModelRegistry registry = registry(home, config)) {
      return ChampionComparison.compare(home, registry, ctx.param("run_id"));
    }
  }

  /** Registers the run as a version (once: a re-run finds the version made from the run). */
  public static Map<String, String> register(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    try (ModelRegistry registry = registry(home, config)) {
      ModelRegistration.Registered r = ModelRegistration.register(registry, ctx.param("run_id"));
      Map<String, String> out = new LinkedHashMap<>();
      out.put("model", r.version().model());
      out.put("version", Integer.toString(r.version().version()));
      out.put("registered", r.reused() ? "reused" : "new");
      r.version().aliases().forEach(a -> out.put("alias", a));
      return out;
    }
  }

  /** Rules over the run's logged metrics (see {@link MetricGate}). */
  public static Map<String, String> gate(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    MetricGate gate = MetricGate.parse(ctx.param("rules"));
    try (ModelRegistry registry = registry(home, config)) {
      Map<String, String> out =
          new LinkedHashMap<>(gate.check(registry.run(ctx.param("run_id")).metrics()));
      out.put("passed", "true");
      return out;
    }
  }

  public static Map<String, String> threshold(TaskContext ctx) {
    double value;
    double min;
    try {
      value = Double.parseDouble(ctx.param("value"));
      min = Double.parseDouble(ctx.param("min"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "threshold: value and min must be numbers, got '"
              + ctx.param("value")
              + "' and '"
              + ctx.param("min")
              + "'");
    }
    if (value < min) {
      throw new IllegalStateException(
          ctx.param("name") + " " + value + " is below the floor " + min + ": not deployed");
    }
    return Map.of("passed", "true", ctx.param("name"), Double.toString(value));
  }

  /**
   * Deploys the version as a canary (once: a version already live or on trial is left as it is),
   * then, with {@code replay} &gt; 0, replays up to that many requests made of the latest day's
   * examples through the rollout, so that {@code ModelRollout} judges the canary on traffic and
   * promotes it or rolls it back. Without a decision the canary stays for a person ({@code flywheel
   * rollout promote|rollback}).
   */
  public static Map<String, String> deploy(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    String model = ctx.param("model");
    int version = integer(ctx, "version");
    int canary = integer(ctx, "canary");
    int replay = ctx.params().getOrDefault("replay", "").isBlank() ? 0 : integer(ctx, "replay");
    try (ModelRegistry registry = registry(home, config);
        ModelDeployment deployment = ModelDeployment.open(home, config)) {
      RolloutState state = deployment.rollout().state(model);
      boolean onTrial = Integer.valueOf(version).equals(state.canary());
      if (!(Integer.valueOf(version).equals(state.live()) || onTrial)) {
        state = deployment.deploy(registry, registry.version(model, version), canary);
      }
      int sent = 0;
      if (replay > 0 && Integer.valueOf(version).equals(state.canary())) {
        sent = replay(home, registry, deployment, registry.version(model, version), replay, ctx);
        state = deployment.rollout().state(model);
      }
      Map<String, String> out = new LinkedHashMap<>();
      out.put("live", String.valueOf(state.live()));
      out.put("canary", String.valueOf(state.canary()));
      out.put("canary_percent", Integer.toString(state.canaryPercent()));
      out.put("replayed_requests", Integer.toString(sent));
      out.put(
          "outcome",
          Integer.valueOf(version).equals(state.canary())
              ? "canary"
              : Integer.valueOf(version).equals(state.live()) ? "live" : "rolled_back");
      state.history().stream()
          .filter(e -> e.version() == version)
          .reduce((a, b) -> b)
          .ifPresent(e -> out.put("detail", e.event() + ": " + e.detail()));
      return out;
    }
  }

  private static int integer(TaskContext ctx, String name) {
    try {
      return Integer.parseInt(ctx.param(name).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + ": '" + ctx.param(name) + "' is not a whole " + "number");
    }
  }

  /** Sends the latest day's examples through the rollout until it decides; returns the count. */
  private static int replay(
      Path home,
      ModelRegistry registry,
      ModelDeployment deployment,
      ModelVersionInfo version,
      int limit,
      TaskContext ctx)
      throws Exception {
    OfflineStore store = FeatureStore.offline(home);
    List<LocalDate> dates = store.trainingDates();
    if (dates.isEmpty()) {
      return 0;
    }
    LocalDate newest = dates.get(dates.size() - 1);
    List<TrainingExample> latest = store.readTrainingSet(newest, newest);
    if (latest.isEmpty()) {
      return 0;
    }
    ShopCatalog catalog = ShopCatalog.ofHome(home);
    ScoringModel scoring = ModelRegistration.load(registry, version);
    int columns = scoring.featureNames().size();
    float[] rows = scoring.featureRows(latest, catalog);
    int sent = 0;
    while (sent < limit) {
      int i = sent % latest.size();
      float[] row = Arrays.copyOfRange(rows, i * columns, (i + 1) * columns);
      try {
        // Each pass over the day is fresh traffic: request keys differ per pass, so the canary
        // gets its share of requests however few examples the day holds.
        deployment
            .rollout()
            .score(
                version.model(),
                latest.get(i).eventId() + "/" + sent / latest.size(),
                row,
                1,
                columns);
      } catch (InferenceClient.InferenceException e) {
        // counted by the rollout against whichever version answered
      }
      sent++;
      if (sent % 200 == 0) {
        ctx.heartbeat(sent + " requests replayed");
      }
      if (!Integer.valueOf(version.version())
          .equals(deployment.rollout().state(version.model()).canary())) {
        break; // promoted or rolled back
      }
    }
    return sent;
  }

  /**
   * Writes how the pipeline ended onto the MLflow run (and the version, when one was registered):
   * {@code flywheel.outcome} is {@code live}, {@code canary}, {@code rolled_back}, {@code
   * rejected_by_gate}, {@code not_approved}, {@code deploy_failed} or {@code not_deployed}, with
   * the pipeline run that decided it. A version that went live becomes the registry's {@code
   * champion}.
   */
  public static Map<String, String> record(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    Map<String, String> p = ctx.params();
    if (ctx.param("run_id").isBlank()) {
      return Map.of(
          "outcome",
          "no_run",
          "detail",
          "training did not finish: nothing to record " + "on (the failed MLflow run says why)");
    }
    String outcome;
    if ("SUCCEEDED".equals(p.get("deploy")) && !p.getOrDefault("outcome", "").isBlank()) {
      outcome = p.get("outcome");
    } else if ("FAILED".equals(p.get("gate"))) {
      outcome = "rejected_by_gate";
    } else if ("FAILED".equals(p.get("approval"))) {
      outcome = "not_approved";
    } else if ("FAILED".equals(p.get("deploy"))) {
      outcome = "deploy_failed";
    } else {
      outcome = "not_deployed";
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(OUTCOME_TAG, outcome);
    tags.put(OUTCOME_TAG + "_pipeline_run", ctx.runId());
    try (ModelRegistry registry = registry(home, config)) {
      registry.run(ctx.param("run_id")).setTags(tags);
      String model = p.getOrDefault("model", "");
      String version = p.getOrDefault("version", "");
      if (!model.isBlank() && !version.isBlank()) {
        registry.setVersionTag(model, Integer.parseInt(version), OUTCOME_TAG, outcome);
        if ("live".equals(outcome)) {
          // What serves is the champion the next challenger must beat.
          registry.setAlias(model, ModelRegistry.CHAMPION, Integer.parseInt(version));
        }
      }
    }
    return Map.of("outcome", outcome, "run_id", ctx.param("run_id"));
  }

  /**
   * The Flink feature jobs recomputing the offline partitions of [from, to] (UTC days). Features
   * look back (7-day windows, decayed affinities, time since the last purchase) and labels look
   * ahead (the purchase window), so the job replays every event up to the end of {@code to} plus
   * the purchase window and an hour's lateness, and commits only the days asked for: they come out
   * as a full replay would make them.
   */
  public static Map<String, String> features(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    LocalDate from = LocalDate.parse(ctx.param("from"));
    LocalDate to = LocalDate.parse(ctx.param("to"));
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("to: " + to + " is before from " + from);
    }
    String eventsParam = ctx.param("events");
    Path events =
        eventsParam.isBlank()
            ? home.resolve("world").resolve("events.jsonl")
            : Path.of(eventsParam);
    if (!Files.isRegularFile(events)) {
      throw new IllegalArgumentException("events: no such file " + events);
    }
    Path products = events.resolveSibling("products.jsonl");
    FeatureJobOptions options =
        FeatureJobOptions.defaults(events.toString(), products.toString(), home.toString())
            .on(config);
    long end =
        to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
            + options.purchaseWindow().toMillis()
            + options.allowedLateness().toMillis();
    Path slice = Files.createTempFile("flywheel-backfill-", ".jsonl");
    long kept = 0;
    boolean pastCut = false;
    try {
      try (BufferedWriter out = Files.newBufferedWriter(slice);
          TextLines lines = TextLines.open(events)) {
        TextLines.Line line;
        while ((line = lines.next()) != null) {
          Event e;
          try {
            e = Codecs.decodeLine(Codecs.EVENTS, line.text());
          } catch (RuntimeException malformed) {
            continue; // the feature job dead-letters these when it replays the whole file
          }
          // One event past the cut too: the job's clock (the newest event time) then reaches the
          // end of every purchase window the kept days need, as it does in a full replay; without
          // it an impression minutes before midnight went unlabelled whenever no event fell in the
          // last minutes before the cut. That event's own day is not committed.
          if (line.isText() && (e.timestamp() < end || !pastCut)) {
            pastCut |= e.timestamp() >= end;
            out.write(line.text());
            out.newLine();
            kept++;
          }
        }
      }
      FeatureJobResult r =
          FeatureJob.replayDays(
              FeatureJobOptions.defaults(slice.toString(), products.toString(), home.toString())
                  .on(config),
              JobProgress.NONE,
              java.time.Duration.ZERO,
              from,
              to);
      ShopCatalog.publish(products, home);
      return Map.of(
          "events",
          Long.toString(kept),
          "accepted",
          Long.toString(r.accepted()),
          "examples",
          Long.toString(r.trainingExamples()),
          "replaced_partitions",
          Integer.toString(r.replacedPartitions()));
    } finally {
      Files.deleteIfExists(slice);
    }
  }
}
