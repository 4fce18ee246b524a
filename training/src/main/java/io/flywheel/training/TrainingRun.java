package io.flywheel.training;

import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.TrackedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One training run: the feature store's point-in-time examples → a model of one target → judged on
 * the latest examples (against the simulator's truth when there is one, and against the registered
 * champion on the same rows) → tracked in MLflow with its params, figures, learning curve, model
 * files, charts and HTML report. A failure marks the run FAILED.
 */
public final class TrainingRun {
  /** What a run produced once registered. */
  public record Outcome(
      PredictionTarget target,
      String runId,
      ModelVersionInfo version,
      String alias,
      Map<String, Double> metrics,
      Path report,
      String engine) {}

  /** A finished, tracked training run, not yet registered. */
  public record Trained(String runId, Map<String, Double> metrics, Path report, String engine) {}

  /**
   * Which engine trains: {@code local}, {@code flink} or {@code auto} (the distributed engine once
   * the data would crowd one process), with its workers and cluster (null: in process).
   */
  public record EngineChoice(String name, int parallelism, String flinkRestUrl) {
    public static EngineChoice local() {
      return new EngineChoice("local", 1, null);
    }
  }

  private TrainingRun() {}

  /** Trains on every example, tracks the run and registers it (see {@link ModelRegistration}). */
  public static Outcome trainAndRegister(
      Path home,
      ModelRegistry registry,
      PredictionTarget target,
      ModelTrainer.Options options,
      EngineChoice engine,
      Path truthFile,
      Map<String, String> extraTags)
      throws Exception {
    Trained t =
        train(
            home,
            registry,
            target,
            options,
            engine,
            LocalDate.MIN,
            LocalDate.MAX,
            truthFile,
            extraTags,
            true);
    ModelRegistration.Registered r = ModelRegistration.register(registry, t.runId());
    return new Outcome(
        target, t.runId(), r.version(), r.alias(), t.metrics(), t.report(), t.engine());
  }

  /**
   * Trains on the examples of [from, to] and tracks the run until FINISHED; with {@code
   * againstChampion} the figures include the registered champion's on the same rows. Registers
   * nothing.
   */
  public static Trained train(
      Path home,
      ModelRegistry registry,
      PredictionTarget target,
      ModelTrainer.Options options,
      EngineChoice engineChoice,
      LocalDate from,
      LocalDate to,
      Path truthFile,
      Map<String, String> extraTags,
      boolean againstChampion)
      throws Exception {
    ShopCatalog catalog = ShopCatalog.ofHome(home);
    TrainingTable examples = TrainingTable.fromStore(home, from, to, catalog);
    ModelTrainer.Engine engine =
        ModelTrainer.Engine.of(
                engineChoice.name(),
                engineChoice.parallelism(),
                engineChoice.flinkRestUrl(),
                (long) examples.size() * ModelTrainer.featureNames().size())
            .withScratch(Files.createDirectories(home.resolve("training")));
    Map<String, String> tags = new LinkedHashMap<>(Lineage.of(examples, target));
    tags.putAll(extraTags);
    String name = ModelRegistration.registeredName(target);
    TrackedRun run =
        registry.startRun(name, target.modelName() + "-" + Instant.now().toEpochMilli(), tags);
    try {
      run.logParams(params(target, options, examples.size(), engine));
      ScoringModel model = ModelTrainer.train(examples, target, options, engine);
      Optional<ScoringModel> champion =
          againstChampion ? ModelRegistration.champion(registry, name) : Optional.empty();
      Map<String, Double> metrics = HeldOutEvaluation.judge(model, truthFile, champion, target);
      run.logMetrics(metrics, 0);
      run.logMetricSeries(
          target.ranking() ? "validation_ndcg_at_5" : "validation_logloss",
          model.validationCurve());
      Path work = Files.createDirectories(home.resolve("training").resolve(run.runId()));
      model.save(work.resolve("model"));
      run.logArtifact(work.resolve("model"), "model");
      Path report =
          TrainingReport.write(model, metrics, target, work.resolve("report"), run.runId());
      run.logArtifact(work.resolve("report"), "report");
      run.finish();
      return new Trained(run.runId(), metrics, report, engine.kind());
    } catch (Exception | Error e) {
      run.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
      throw e;
    }
  }

  private static Map<String, Object> params(
      PredictionTarget target, ModelTrainer.Options o, int examples, ModelTrainer.Engine engine) {
    Map<String, Object> p = new LinkedHashMap<>(o.asParams());
    p.put("target", target.modelName());
    p.put("objective", target.ranking() ? "rank:ndcg" : "binary:logistic");
    p.put("engine", engine.kind());
    p.put("parallelism", engine.parallelism());
    p.put("examples", examples);
    return p;
  }
}
