package io.flywheel.console;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.deploy.RolloutState;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.flink.FeatureJob;
import io.flywheel.flink.FeatureJobOptions;
import io.flywheel.flink.FeatureJobResult;
import io.flywheel.flink.ModelTrainer;
import io.flywheel.flink.PredictionTarget;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.TrackedRun;
import io.flywheel.workflows.PipelineFiles;
import io.flywheel.workflows.PipelineSpec;
import io.flywheel.workflows.TaskCatalog;
import io.flywheel.workflows.TaskContext;
import io.flywheel.workflows.TaskType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flywheel's own task types for pipelines, on their task queues: {@code features} (the Flink
 * feature jobs over a date range of events), {@code train} (train, judge, track and register a
 * model), {@code threshold} (a metric gate) and {@code deploy} (a canary through
 * {@code ModelRollout}). Each is idempotent: a retried or re-run task finds its earlier result
 * (the MLflow run tagged with the pipeline run and task id; the version already live or on
 * trial) instead of doing the work twice.
 */
final class FlywheelTasks {
  static final String RUN_TAG = "flywheel.pipeline_run";
  static final String TASK_TAG = "flywheel.pipeline_task";
  static final List<String> BUILT_IN = List.of("train-evaluate-deploy", "feature-backfill");

  private FlywheelTasks() {}

  static TaskCatalog catalog(Path home) {
    return TaskCatalog.withGenericTasks()
        .add(new TaskType("features", TaskType.FLINK_QUEUE, List.of("events", "from", "to"),
            false, ctx -> features(home, ctx)))
        .add(new TaskType("train", TaskType.TRAINING_QUEUE, List.of("model"), false,
            ctx -> train(home, ctx)))
        .add(new TaskType("threshold", TaskType.DEFAULT_QUEUE, List.of("name", "value", "min"),
            false, FlywheelTasks::threshold))
        .add(new TaskType("deploy", TaskType.SERVING_QUEUE, List.of("model", "version",
            "canary"), false, ctx -> deploy(home, ctx)));
  }

  static List<PipelineSpec> builtInPipelines() throws IOException {
    List<PipelineSpec> specs = new ArrayList<>();
    for (String name : BUILT_IN) {
      try (InputStream in = FlywheelTasks.class.getResourceAsStream("/pipelines/" + name
          + ".yaml")) {
        specs.add(PipelineFiles.read(in, "built-in " + name));
      }
    }
    return specs;
  }

  static Map<String, String> train(Path home, TaskContext ctx) throws Exception {
    PredictionTarget target = PredictionTarget.of(ctx.param("model"));
    String truth = ctx.params().getOrDefault("truth", "");
    try (ModelRegistry registry = ModelRegistry.open(home)) {
      String experiment = ModelTraining.registeredName(target);
      Map<String, String> key = Map.of(RUN_TAG, ctx.runId(), TASK_TAG, ctx.taskId());
      Optional<TrackedRun> earlier = registry.findFinishedRun(experiment, key);
      if (earlier.isPresent()) {
        return outputsOf(registry, earlier.get(), experiment, "reused");
      }
      ModelTraining.Outcome o = ModelTraining.run(home, registry, target,
          ModelTrainer.Options.defaults(), "auto", 2, truth.isBlank() ? null : Path.of(truth),
          key);
      Map<String, String> out = new LinkedHashMap<>();
      out.put("model", o.version().model());
      out.put("version", Integer.toString(o.version().version()));
      out.put("run_id", o.runId());
      out.put("trained", "new");
      o.metrics().forEach((k, v) -> out.put(k, Double.toString(v)));
      return out;
    }
  }

  private static Map<String, String> outputsOf(ModelRegistry registry, TrackedRun run,
      String model, String how) {
    Map<String, String> out = new LinkedHashMap<>();
    ModelVersionInfo version = registry.versions(model).stream()
        .filter(v -> v.runId().equals(run.runId())).findFirst()
        .orElseThrow(() -> new IllegalStateException("run " + run.runId() + " finished but "
            + "registered no version of " + model));
    out.put("model", model);
    out.put("version", Integer.toString(version.version()));
    out.put("run_id", run.runId());
    out.put("trained", how);
    run.metrics().forEach((k, v) -> out.put(k, Double.toString(v)));
    return out;
  }

  static Map<String, String> threshold(TaskContext ctx) {
    double value;
    double min;
    try {
      value = Double.parseDouble(ctx.param("value"));
      min = Double.parseDouble(ctx.param("min"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("threshold: value and min must be numbers, got '"
          + ctx.param("value") + "' and '" + ctx.param("min") + "'");
    }
    if (value < min) {
      throw new IllegalStateException(ctx.param("name") + " " + value + " is below the floor "
          + min + ": not deployed");
    }
    return Map.of("passed", "true", ctx.param("name"), Double.toString(value));
  }

  static Map<String, String> deploy(Path home, TaskContext ctx) throws Exception {
    String model = ctx.param("model");
    int version = Integer.parseInt(ctx.param("version"));
    int canary = Integer.parseInt(ctx.param("canary"));
    try (ModelRegistry registry = ModelRegistry.open(home);
        ModelDeployment deployment = ModelDeployment.open(home)) {
      RolloutState state = deployment.rollout().state(model);
      if (!(Integer.valueOf(version).equals(state.live())
          || Integer.valueOf(version).equals(state.canary()))) {
        state = deployment.deploy(registry, registry.version(model, version), canary);
      }
      Map<String, String> out = new LinkedHashMap<>();
      out.put("live", String.valueOf(state.live()));
      out.put("canary", String.valueOf(state.canary()));
      out.put("canary_percent", Integer.toString(state.canaryPercent()));
      return out;
    }
  }

  /** The Flink feature jobs over the events whose time falls in [from, to] (UTC days). */
  static Map<String, String> features(Path home, TaskContext ctx) throws Exception {
    LocalDate from = LocalDate.parse(ctx.param("from"));
    LocalDate to = LocalDate.parse(ctx.param("to"));
    String eventsParam = ctx.param("events");
    Path events = eventsParam.isBlank() ? home.resolve("world").resolve("events.jsonl")
        : Path.of(eventsParam);
    if (!Files.isRegularFile(events)) {
      throw new IllegalArgumentException("events: no such file " + events);
    }
    Path products = events.resolveSibling("products.jsonl");
    Path slice = Files.createTempFile("flywheel-backfill-", ".jsonl");
    long kept = 0;
    try {
      try (BufferedWriter out = Files.newBufferedWriter(slice);
          java.util.stream.Stream<String> lines = Files.lines(events)) {
        for (String line : (Iterable<String>) lines::iterator) {
          Event e;
          try {
            e = Codecs.decodeLine(Codecs.EVENTS, line);
          } catch (RuntimeException malformed) {
            continue; // the feature job dead-letters these when it replays the whole file
          }
          LocalDate day = Instant.ofEpochMilli(e.timestamp()).atZone(ZoneOffset.UTC)
              .toLocalDate();
          if (!day.isBefore(from) && !day.isAfter(to)) {
            out.write(line);
            out.newLine();
            kept++;
          }
        }
      }
      FeatureJobResult r = FeatureJob.run(FeatureJobOptions.defaults(slice.toString(),
          products.toString(), home.toString()));
      ShopCatalog.publish(products, home);
      return Map.of("events", Long.toString(kept), "accepted", Long.toString(r.accepted()),
          "examples", Long.toString(r.trainingExamples()));
    } finally {
      Files.deleteIfExists(slice);
    }
  }
}
