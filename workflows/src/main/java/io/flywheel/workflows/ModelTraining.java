package io.flywheel.workflows;

import io.flywheel.core.Codecs;
import io.flywheel.core.GroundTruth;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.evaluation.EvaluationPlots;
import io.flywheel.evaluation.EvaluationReport;
import io.flywheel.evaluation.ModelEvaluation;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import io.flywheel.flink.ModelTrainer;
import io.flywheel.flink.PredictionTarget;
import io.flywheel.flink.RecommenderEvaluation;
import io.flywheel.flink.Recommenders;
import io.flywheel.flink.ScoringModel;
import io.flywheel.flink.TrainingTable;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.TrackedRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One training run end to end: the feature store's point-in-time examples → a model of one
 * target → judged on the latest examples (against the simulator's truth when there is one, and
 * against the registered champion on the same rows) → tracked in MLflow with its params,
 * figures, learning curve, model files, charts and HTML report → registered as a new version
 * with lineage tags. The first version becomes {@code champion}; later ones {@code challenger}.
 * A failure marks the run FAILED and registers nothing.
 */
public final class ModelTraining {
  public static final String MODEL_PREFIX = "flywheel-";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** What a run produced. */
  public record Outcome(PredictionTarget target, String runId, ModelVersionInfo version,
      String alias, Map<String, Double> metrics, Path report, String engine) {}

  private ModelTraining() {}

  public static String registeredName(PredictionTarget target) {
    return MODEL_PREFIX + target.modelName();
  }

  public static Outcome run(Path home, ModelRegistry registry, PredictionTarget target,
      ModelTrainer.Options options, Path truthFile, Map<String, String> extraTags)
      throws Exception {
    return run(home, registry, target, options, "local", 1, truthFile, extraTags);
  }

  /**
   * As above on the named engine ({@code local}, {@code flink} or {@code auto}, which picks by
   * data size); the distributed engine uses {@code FLINK_REST_URL} when it is set.
   */
  public static Outcome run(Path home, ModelRegistry registry, PredictionTarget target,
      ModelTrainer.Options options, String engineName, int parallelism, Path truthFile,
      Map<String, String> extraTags) throws Exception {
    Trained t = train(home, registry, target, options, engineName, parallelism, LocalDate.MIN,
        LocalDate.MAX, truthFile, extraTags, true);
    Registered r = register(registry, t.runId());
    return new Outcome(target, t.runId(), r.version(), r.alias(), t.metrics(), t.report(),
        t.engine());
  }

  /** A finished, tracked training run, not yet registered. */
  public record Trained(String runId, Map<String, Double> metrics, Path report, String engine) {}

  /**
   * Trains on the examples of [from, to] and tracks the run (params, figures, learning curve,
   * model files, charts, report) until FINISHED; with {@code againstChampion} the figures include
   * the registered champion's on the same rows. Registers nothing. A failure marks the run
   * FAILED.
   */
  public static Trained train(Path home, ModelRegistry registry, PredictionTarget target,
      ModelTrainer.Options options, String engineName, int parallelism, LocalDate from,
      LocalDate to, Path truthFile, Map<String, String> extraTags, boolean againstChampion)
      throws Exception {
    ShopCatalog catalog = ShopCatalog.ofHome(home);
    TrainingTable examples = table(home, from, to, catalog);
    ModelTrainer.Engine engine = ModelTrainer.Engine.of(engineName, parallelism,
        System.getenv("FLINK_REST_URL"), (long) examples.size()
            * ModelTrainer.featureNames().size())
        .withScratch(Files.createDirectories(home.resolve("training")));
    Map<String, String> tags = new LinkedHashMap<>(lineage(examples, target));
    tags.putAll(extraTags);
    String name = registeredName(target);
    TrackedRun run = registry.startRun(name, target.modelName() + "-" + Instant.now()
        .toEpochMilli(), tags);
    try {
      run.logParams(params(target, options, examples.size(), engine));
      ScoringModel model = ModelTrainer.train(examples, target, options, engine);
      Map<String, Double> metrics = judge(model, truthFile,
          againstChampion ? champion(registry, name) : Optional.empty(), target);
      run.logMetrics(metrics, 0);
      run.logMetricSeries(target.ranking() ? "validation_ndcg_at_5" : "validation_logloss",
          model.validationCurve());
      Path work = Files.createDirectories(home.resolve("training").resolve(run.runId()));
      model.save(work.resolve("model"));
      run.logArtifact(work.resolve("model"), "model");
      Path report = report(model, metrics, target, work.resolve("report"), run.runId());
      run.logArtifact(work.resolve("report"), "report");
      run.finish();
      return new Trained(run.runId(), metrics, report, engine.kind());
    } catch (Exception | Error e) {
      run.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
      throw e;
    }
  }

  /**
   * The feature store's examples whose impression date is in [from, to], read into a
   * {@link TrainingTable} as they stream from the Parquet files (a million fit in a small heap).
   */
  public static TrainingTable table(Path home, LocalDate from, LocalDate to,
      ShopCatalog catalog) {
    TrainingTable.Builder builder = TrainingTable.builder(catalog);
    FeatureStore.offline(home).forEachTrainingExample(from, to, builder);
    return builder.build();
  }

  /** A registered version and the alias it was given. */
  public record Registered(ModelVersionInfo version, String alias, boolean reused) {}

  /**
   * Registers a finished run as a new version with lineage tags (or finds the version already
   * registered from it); the first version of a model becomes {@code champion}, later ones
   * {@code challenger}.
   */
  public static Registered register(ModelRegistry registry, String runId) {
    TrackedRun run = registry.run(runId);
    String name = MODEL_PREFIX + run.tags().get("flywheel.target");
    Optional<ModelVersionInfo> earlier = registry.versions(name).stream()
        .filter(v -> v.runId().equals(runId)).findFirst();
    if (earlier.isPresent()) {
      return new Registered(earlier.get(), null, true);
    }
    Map<String, String> versionTags = new LinkedHashMap<>();
    run.tags().forEach((k, v) -> {
      if (k.startsWith("flywheel.")) {
        versionTags.put(k, v);
      }
    });
    versionTags.put("flywheel.run_id", runId);
    ModelVersionInfo version = registry.register(name, run, "model", versionTags);
    String alias = registry.aliased(name, ModelRegistry.CHAMPION).isEmpty()
        ? ModelRegistry.CHAMPION : ModelRegistry.CHALLENGER;
    registry.setAlias(name, alias, version.version());
    return new Registered(registry.version(name, version.version()), alias, false);
  }

  /**
   * Scores a tracked run's model and the registered champion on the same held-out rows (the
   * run's own window, re-read and checked against its data hash) and logs the champion's figures
   * and the difference on the run: {@code champion_<metric>} and {@code <metric>_vs_champion}
   * with the champion's version as a tag. Without a champion (or when the run is the champion's
   * own) it logs nothing and says so.
   */
  public static Map<String, String> compareWithChampion(Path home, ModelRegistry registry,
      String runId) throws Exception {
    TrackedRun run = registry.run(runId);
    PredictionTarget target = PredictionTarget.of(run.tags().get("flywheel.target"));
    String name = registeredName(target);
    String metric = target.ranking() ? "ndcg_at_5" : "auc";
    Map<String, String> out = new LinkedHashMap<>();
    out.put("metric", metric);
    Optional<ModelVersionInfo> champion = registry.aliased(name, ModelRegistry.CHAMPION);
    if (champion.isEmpty() || champion.get().runId().equals(runId)) {
      out.put("champion", "none");
      out.put("gain", "0.0");
      return out;
    }
    out.put("champion", Integer.toString(champion.get().version()));
    Map<String, Double> logged = run.metrics();
    if (logged.containsKey(metric + "_vs_champion")
        && String.valueOf(champion.get().version()).equals(run.tags().get(COMPARED_WITH_TAG))) {
      out.put("gain", Double.toString(logged.get(metric + "_vs_champion")));
      out.put("compared", "reused");
      return out;
    }
    String[] window = run.tags().get("flywheel.training_window").split("/");
    ShopCatalog catalog = ShopCatalog.ofHome(home);
    TrainingTable examples = table(home, LocalDate.parse(window[0]),
        LocalDate.parse(window[1]), catalog);
    if (!dataHash(examples).equals(run.tags().get("flywheel.data_hash"))) {
      throw new IllegalStateException("run " + runId + ": the feature store's examples for "
          + run.tags().get("flywheel.training_window") + " changed since it was trained "
          + "(data hash differs); retrain instead of comparing on different rows");
    }
    TrainingTable rows = ModelTrainer.heldOut(examples, target,
        Double.parseDouble(run.params().get("validation_share")));
    Path dir = Files.createTempDirectory("flywheel-compare-");
    ScoringModel candidate = ScoringModel.load(run.downloadArtifacts("model",
        dir.resolve("model")));
    double[] mine = candidate.predict(rows);
    double[] theirs = load(registry, champion.get()).predict(rows);
    Map<String, Double> figures = new LinkedHashMap<>();
    if (target.ranking()) {
      List<String> requests = new ArrayList<>();
      double[] gains = new double[rows.size()];
      for (int i = 0; i < gains.length; i++) {
        requests.add(rows.requestKey(i));
        gains[i] = target.label(rows.clicked(i), rows.purchased(i));
      }
      double own = ModelEvaluation.ranking(requests, mine, gains, null).get(metric);
      double champ = ModelEvaluation.ranking(requests, theirs, gains, null).get(metric);
      figures.put("champion_" + metric, champ);
      figures.put(metric + "_vs_champion", own - champ);
    } else {
      boolean[] positives = new boolean[rows.size()];
      for (int i = 0; i < positives.length; i++) {
        positives[i] = target.positive(rows.clicked(i), rows.purchased(i));
      }
      ModelEvaluation.classification(mine, positives, null, theirs).forEach((k, v) -> {
        if (k.contains("champion")) {
          figures.put(k, v);
        }
      });
    }
    run.logMetrics(figures, 0);
    run.setTags(Map.of(COMPARED_WITH_TAG, Integer.toString(champion.get().version())));
    out.put("gain", Double.toString(figures.get(metric + "_vs_champion")));
    out.put("compared", "new");
    figures.forEach((k, v) -> out.put(k, Double.toString(v)));
    return out;
  }

  public static final String COMPARED_WITH_TAG = "flywheel.compared_with_version";

  /** What the recommender evaluation produced and registered. */
  public record RecommenderOutcome(RecommenderEvaluation.Result result, String best,
      ModelVersionInfo version, String alias, Map<String, String> runIds) {}

  public static final String RECOMMENDER_MODEL = MODEL_PREFIX + "recs";
  public static final int RECOMMENDATIONS = 10;

  /**
   * Judges every recommender on the events (fitted before a cut-off at 80 % of the time span,
   * scored on what shoppers did after it), one tracked run each, and registers the best by
   * NDCG@10 as a version of {@value #RECOMMENDER_MODEL} (its artifact names the recommender and
   * its settings; serving reads the live views).
   */
  public static RecommenderOutcome runRecommenders(Path home, ModelRegistry registry, Path eventsFile,
      Path truthFile) throws Exception {
    ShopCatalog catalog = ShopCatalog.ofHome(home);
    RecommenderEvaluation.Result result = RecommenderEvaluation.evaluate(eventsFile, catalog,
        truthFile, RECOMMENDATIONS, 0.2);
    Map<String, String> runIds = new LinkedHashMap<>();
    String best = null;
    TrackedRun bestRun = null;
    for (String name : Recommenders.NAMES) {
      Map<String, Double> figures = result.figures().get(name);
      TrackedRun run = registry.startRun(RECOMMENDER_MODEL, name + "-" + Instant.now()
          .toEpochMilli(), Map.of("flywheel.target", "recs", "flywheel.recommender", name));
      try {
        run.logParams(Map.of("recommender", name, "k", RECOMMENDATIONS, "cutoff",
            Instant.ofEpochMilli(result.cutoff()).toString(), "shoppers_judged",
            result.shoppers(), "cold_shoppers", result.coldShoppers()));
        Map<String, Double> finite = new LinkedHashMap<>();
        figures.forEach((k, v) -> {
          if (Double.isFinite(v)) {
            finite.put(k, v);
          }
        });
        run.logMetrics(finite, 0);
        Path spec = Files.createDirectories(home.resolve("training").resolve(run.runId())
            .resolve("model"));
        Files.writeString(spec.resolve("recommender.json"), JSON
            .writeValueAsString(Map.of("recommender", name, "k", RECOMMENDATIONS,
                "halfLifeDays", 7, "recentProducts", 5)));
        run.logArtifact(spec, "model");
        run.finish();
      } catch (Exception | Error e) {
        run.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        throw e;
      }
      runIds.put(name, run.runId());
      if (best == null || figures.get("ndcg") > result.figures().get(best).get("ndcg")) {
        best = name;
        bestRun = run;
      }
    }
    ModelVersionInfo version = registry.register(RECOMMENDER_MODEL, bestRun, "model",
        Map.of("flywheel.recommender", best, "flywheel.run_id", bestRun.runId()));
    String alias = registry.aliased(RECOMMENDER_MODEL, ModelRegistry.CHAMPION).isEmpty()
        ? ModelRegistry.CHAMPION : ModelRegistry.CHALLENGER;
    registry.setAlias(RECOMMENDER_MODEL, alias, version.version());
    return new RecommenderOutcome(result, best, version, alias, runIds);
  }

  /** The champion's model files, if one is registered. */
  public static Optional<ScoringModel> champion(ModelRegistry registry, String name) throws Exception {
    Optional<ModelVersionInfo> champion = registry.aliased(name, ModelRegistry.CHAMPION);
    if (champion.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(load(registry, champion.get()));
  }

  public static ScoringModel load(ModelRegistry registry, ModelVersionInfo version) throws Exception {
    Path dir = Files.createTempDirectory("flywheel-model-");
    registry.download(version, dir.resolve("model"));
    return ScoringModel.load(dir.resolve("model"));
  }

  /** Figures on the model's held-out rows, with the oracle and the champion where known. */
  public static Map<String, Double> judge(ScoringModel model, Path truthFile,
      Optional<ScoringModel> champion, PredictionTarget target) throws Exception {
    ModelTrainer.Validation v = model.validation();
    double[] oracle = truthFile == null ? null : oracleScores(truthFile, v.eventIds(), target);
    double[] championScores = champion.isPresent() ? champion.get().predict(v.rows()) : null;
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (target.ranking()) {
      metrics.putAll(ModelEvaluation.ranking(v.requestIds(), v.predictions(), v.gains(), oracle));
      if (championScores != null) {
        double champ = ModelEvaluation.ranking(v.requestIds(), championScores, v.gains(), null)
            .get("ndcg_at_5");
        metrics.put("champion_ndcg_at_5", champ);
        metrics.put("ndcg_at_5_vs_champion", metrics.get("ndcg_at_5") - champ);
      }
    } else {
      metrics.putAll(ModelEvaluation.classification(v.predictions(), v.positives(), oracle,
          championScores));
    }
    metrics.put("rounds", (double) model.rounds());
    metrics.put("features", (double) model.featureNames().size());
    return metrics;
  }

  /** The simulator's true probability of the target's outcome per row (NaN where unknown). */
  public static double[] oracleScores(Path truthFile, List<String> eventIds, PredictionTarget target)
      throws IOException {
    Map<String, GroundTruth.ImpressionTruth> truth = new HashMap<>();
    java.util.Set<String> wanted = new java.util.HashSet<>(eventIds);
    JsonLinesReader.forEach(truthFile, Codecs.TRUTH, t -> {
      if (t instanceof GroundTruth.ImpressionTruth i && wanted.contains(i.eventId())) {
        truth.put(i.eventId(), i);
      }
    });
    double[] scores = new double[eventIds.size()];
    for (int k = 0; k < scores.length; k++) {
      GroundTruth.ImpressionTruth t = truth.get(eventIds.get(k));
      scores[k] = t == null ? Double.NaN : switch (target) {
        case CTR -> t.pClick();
        case CVR -> t.pPurchase();
        case CVR_POST_CLICK -> t.pClick() > 0 ? t.pPurchase() / t.pClick() : 0;
        case RANK -> t.pClick() + t.pPurchase(); // expected graded gain
      };
    }
    return scores;
  }

  private static Path report(ScoringModel model, Map<String, Double> metrics,
      PredictionTarget target, Path dir, String runId) throws Exception {
    ModelTrainer.Validation v = model.validation();
    List<Path> charts = target.ranking() ? List.of()
        : EvaluationPlots.write(v.predictions(), v.positives(), dir.resolve("charts"));
    Map<String, String> context = new LinkedHashMap<>();
    context.put("model", registeredName(target));
    context.put("predicts", target.meaning());
    context.put("run", runId);
    context.put("held-out rows", String.format(java.util.Locale.ROOT, "%,d (latest by time)",
        v.eventIds().size()));
    List<String> top = new ArrayList<>();
    for (Map.Entry<String, Double> e : model.importance().stream().limit(8).toList()) {
      top.add(e.getKey());
    }
    context.put("top features (gain)", String.join(", ", top));
    return EvaluationReport.writeHtml(dir, registeredName(target) + " evaluation", context,
        metrics, charts);
  }

  private static Map<String, Object> params(PredictionTarget target, ModelTrainer.Options o,
      int examples, ModelTrainer.Engine engine) {
    Map<String, Object> p = new LinkedHashMap<>(o.asParams());
    p.put("target", target.modelName());
    p.put("objective", target.ranking() ? "rank:ndcg" : "binary:logistic");
    p.put("engine", engine.kind());
    p.put("parallelism", engine.parallelism());
    p.put("examples", examples);
    return p;
  }

  /** Tags that say where a model came from: data, features, code. */
  public static Map<String, String> lineage(TrainingTable examples, PredictionTarget target) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("flywheel.target", target.modelName());
    FeatureRegistry registry = FeatureRegistry.builtIn();
    tags.put("flywheel.feature_views", TrainingExample.FEATURE_VIEWS.stream()
        .map(v -> v + ":v" + registry.view(v).version()).collect(Collectors.joining(",")));
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (int i = 0; i < examples.size(); i++) {
      from = Math.min(from, examples.timestamp(i));
      to = Math.max(to, examples.timestamp(i));
    }
    if (examples.size() == 0) {
      from = 0;
      to = 0;
    }
    tags.put("flywheel.training_window", Instant.ofEpochMilli(from).atOffset(ZoneOffset.UTC)
        .toLocalDate() + "/" + Instant.ofEpochMilli(to).atOffset(ZoneOffset.UTC).toLocalDate());
    tags.put("flywheel.data_hash", dataHash(examples));
    String version = ModelTraining.class.getPackage().getImplementationVersion();
    tags.put("flywheel.code_version", version == null ? "development build" : version);
    return tags;
  }

  /** SHA-256 over the examples' ids and labels, in id order: same data, same hash. */
  public static String dataHash(TrainingTable examples) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      Integer[] order = new Integer[examples.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, Comparator.comparing(examples::eventId));
      for (int i : order) {
        sha.update((examples.eventId(i) + ':' + (examples.clicked(i) ? 1 : 0)
            + (examples.purchased(i) ? 1 : 0) + '\n').getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
