package io.flywheel.training;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureSpec;
import io.flywheel.featurestore.FeatureType;
import io.flywheel.featurestore.ImpressionContext;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains Flywheel's response models on point-in-time training examples with single-process XGBoost:
 * {@code hist} trees, a time-based validation split (the latest examples), early stopping on
 * validation loss, optional negative down-sampling whose bias the model corrects when it predicts,
 * and a {@code rank:ndcg} variant grouped per request.
 */
public final class ModelTrainer {
  private ModelTrainer() {}

  /**
   * How to train.
   *
   * @param validationShare the latest share of examples held out for early stopping and evaluation
   * @param negativeSampling keep this share of the negative training rows (1 keeps all; ranking
   *     always keeps all, since a request's group must stay whole)
   * @param maxRounds boosting rounds at most; training stops after {@code earlyStopping} rounds
   *     without a better validation score
   * @param booster {@code gbtree} (gradient-boosted trees) or {@code gblinear} (a logistic
   *     regression: the baseline every tree model must beat)
   */
  public record Options(
      double validationShare,
      double negativeSampling,
      int maxRounds,
      int earlyStopping,
      int maxDepth,
      double learningRate,
      long seed,
      String booster) {
    public Options {
      if (!(validationShare > 0 && validationShare < 1)) {
        throw new IllegalArgumentException(
            "validationShare: must be in (0, 1), got " + validationShare);
      }
      if (!(negativeSampling > 0 && negativeSampling <= 1)) {
        throw new IllegalArgumentException(
            "negativeSampling: must be in (0, 1], got " + negativeSampling);
      }
      if (!"gbtree".equals(booster) && !"gblinear".equals(booster)) {
        throw new IllegalArgumentException("booster: gbtree or gblinear, got " + booster);
      }
      if (maxRounds < 1 || earlyStopping < 1 || maxDepth < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException(
            "maxRounds, earlyStopping, maxDepth and " + "learningRate must be positive");
      }
    }

    /** Shallow trees and a small step: the best of depth 2/4/6 × eta 0.03/0.1 on the demo. */
    public static Options defaults() {
      return new Options(0.2, 1.0, 500, 30, 4, 0.03, 7, "gbtree");
    }

    /** The logistic-regression baseline: a linear booster with a larger step. */
    public static Options logisticBaseline() {
      return new Options(0.2, 1.0, 500, 30, 1, 0.3, 7, "gblinear");
    }

    public Options withNegativeSampling(double share) {
      return new Options(
          validationShare, share, maxRounds, earlyStopping, maxDepth, learningRate, seed, booster);
    }

    public Options withMaxRounds(int rounds) {
      return new Options(
          validationShare,
          negativeSampling,
          rounds,
          earlyStopping,
          maxDepth,
          learningRate,
          seed,
          booster);
    }

    /** As XGBoost parameters and MLflow params see them. */
    public Map<String, Object> asParams() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("booster", booster);
      p.put("max_depth", maxDepth);
      p.put("eta", learningRate);
      p.put("max_rounds", maxRounds);
      p.put("early_stopping_rounds", earlyStopping);
      p.put("validation_share", validationShare);
      p.put("negative_sampling", negativeSampling);
      p.put("seed", seed);
      return p;
    }
  }

  /**
   * Where training runs: {@code local} (single-process xgboost4j, early stopping) or {@code flink}
   * (xgboost4j-flink on the MiniCluster, or on the session cluster at {@code flinkRestUrl}, with
   * {@code parallelism} workers; exactly {@code maxRounds} rounds; its rows file goes under {@code
   * scratch}, temp by default). Both write the same model file.
   */
  public record Engine(String kind, int parallelism, String flinkRestUrl, Path scratch) {
    /** Cells (rows × features) above which {@code auto} picks the distributed engine. */
    public static final long AUTO_FLINK_CELLS = 400_000_000L;

    public Engine {
      scratch = scratch == null ? Path.of(System.getProperty("java.io.tmpdir")) : scratch;
      if (!kind.equals("local") && !kind.equals("flink")) {
        throw new IllegalArgumentException("engine: local, flink or auto; got '" + kind + "'");
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism: must be at least 1, got " + parallelism);
      }
    }

    public static Engine local() {
      return new Engine("local", 1, null, null);
    }

    public static Engine flink(int parallelism, String flinkRestUrl) {
      return new Engine("flink", parallelism, flinkRestUrl, null);
    }

    /** Where the distributed engine writes its rows file (shared storage for a cluster). */
    public Engine withScratch(Path folder) {
      return new Engine(kind, parallelism, flinkRestUrl, folder);
    }

    /** {@code auto}: the distributed engine once the data would crowd one process. */
    public static Engine of(String name, int parallelism, String flinkRestUrl, long cells) {
      return switch (name) {
        case "auto" -> cells > AUTO_FLINK_CELLS ? flink(parallelism, flinkRestUrl) : local();
        case "flink" -> flink(parallelism, flinkRestUrl);
        default -> local().kind().equals(name) ? local() : new Engine(name, 1, null, null);
      };
    }

    public boolean distributed() {
      return kind.equals("flink");
    }
  }

  /**
   * The held-out rows, scored: what every evaluation of the model starts from.
   *
   * @param positives the target's outcome per row (for ranking: any response)
   * @param gains the label per row (0/1, or graded relevance for ranking)
   * @param rows the held-out rows themselves (to score another model on the same rows)
   */
  public record Validation(
      List<String> eventIds,
      List<String> requestIds,
      double[] predictions,
      boolean[] positives,
      double[] gains,
      TrainingTable rows) {}

  /** The numeric feature columns, in the order the model sees them. */
  public static List<String> featureNames() {
    FeatureRegistry registry = FeatureRegistry.builtIn();
    List<String> names = new ArrayList<>();
    names.add("position");
    for (String view : TrainingExample.FEATURE_VIEWS) {
      for (FeatureSpec feature : registry.view(view).features()) {
        if (feature.type() == FeatureType.NUMBER) {
          names.add(TrainingExample.column(view, feature.name()));
        }
      }
    }
    names.addAll(ImpressionContext.columns());
    return List.copyOf(names);
  }

  /**
   * Trains a model of {@code target} on {@code examples}. Fails with a message naming the problem
   * for data it cannot learn from: too few examples, or a part without both outcomes.
   */
  public static ScoringModel train(
      List<TrainingExample> examples, ShopCatalog catalog, PredictionTarget target, Options options)
      throws Exception {
    return train(TrainingTable.of(examples, catalog), target, options, Engine.local());
  }

  /** As above, on the given engine. */
  public static ScoringModel train(
      List<TrainingExample> examples,
      ShopCatalog catalog,
      PredictionTarget target,
      Options options,
      Engine engine)
      throws Exception {
    return train(TrainingTable.of(examples, catalog), target, options, engine);
  }

  /** As above on a table (how large training sets are read: see {@link TrainingTable}). */
  public static ScoringModel train(
      TrainingTable table, PredictionTarget target, Options options, Engine engine)
      throws Exception {
    if (engine.distributed() && target.ranking()) {
      throw new IllegalArgumentException(
          "engine: rank:ndcg needs request groups, which "
              + "xgboost4j-flink cannot carry; train "
              + target.modelName()
              + " with the local "
              + "engine");
    }
    int[] byTime = byRequestTime(table, target);
    if (byTime.length < 20) {
      throw new IllegalArgumentException(
          "examples: "
              + byTime.length
              + " usable examples "
              + "for "
              + target.modelName()
              + " ("
              + target.meaning()
              + "); at least 20 are needed");
    }
    int split = splitPoint(table, byTime, options.validationShare(), target.ranking());
    int[] train = Arrays.copyOfRange(byTime, 0, split);
    int[] validationRows = Arrays.copyOfRange(byTime, split, byTime.length);
    requireBothOutcomes(table, train, "training", target);
    requireBothOutcomes(table, validationRows, "validation", target);
    double sampling = target.ranking() ? 1.0 : options.negativeSampling();
    Random random = new Random(options.seed());
    int[] sampled =
        Arrays.stream(train)
            .filter(r -> target.positive(table, r) || random.nextDouble() < sampling)
            .toArray();
    List<String> names = table.columns();
    Map<String, Object> params = xgboostParams(target, options);
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    TrainingTable validation = table.select(validationRows);
    DMatrix validationMatrix = matrix(validation, names, target);
    try {
      Booster booster;
      double[] curve;
      if (engine.distributed()) {
        params.put("nthread", Math.max(1, cores / engine.parallelism()));
        Rows rows = rows(table.select(sampled), names, target);
        Path scratch = Files.createTempDirectory(engine.scratch(), "flywheel-xgboost-");
        try {
          booster =
              DistributedEngine.find()
                  .train(
                      rows.values(),
                      rows.labels(),
                      names.size(),
                      params,
                      options.maxRounds(),
                      engine.parallelism(),
                      engine.flinkRestUrl(),
                      scratch);
        } finally {
          Files.deleteIfExists(scratch);
        }
        String eval =
            booster.evalSet(
                new DMatrix[] {validationMatrix},
                new String[] {"validation"},
                options.maxRounds() - 1);
        curve = new double[] {Double.parseDouble(eval.substring(eval.lastIndexOf(':') + 1).trim())};
      } else {
        params.put("nthread", cores);
        DMatrix trainMatrix = matrix(table.select(sampled), names, target);
        try {
          Map<String, DMatrix> watches = new LinkedHashMap<>();
          watches.put("train", trainMatrix);
          watches.put("validation", validationMatrix); // the last one decides early stopping
          float[][] history = new float[watches.size()][options.maxRounds()];
          booster =
              XGBoost.train(
                  trainMatrix,
                  params,
                  options.maxRounds(),
                  watches,
                  history,
                  null,
                  null,
                  options.earlyStopping());
          curve = validationCurve(history[1]);
        } finally {
          trainMatrix.dispose();
        }
      }
      return ScoringModel.trained(booster, target, names, sampling, validation, curve);
    } finally {
      validationMatrix.dispose();
    }
  }

  /**
   * The rows a model trained with {@code validationShare} is judged on: the latest share of the
   * target's population, split where training splits it.
   */
  public static TrainingTable heldOut(
      TrainingTable table, PredictionTarget target, double validationShare) {
    int[] byTime = byRequestTime(table, target);
    return table.select(
        Arrays.copyOfRange(
            byTime, splitPoint(table, byTime, validationShare, target.ranking()), byTime.length));
  }

  /** The XGBoost parameters of a target and options (threads are the engine's to set). */
  public static Map<String, Object> xgboostParams(PredictionTarget target, Options options) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("objective", target.ranking() ? "rank:ndcg" : "binary:logistic");
    params.put("booster", options.booster());
    if (options.booster().equals("gbtree")) {
      params.put("tree_method", "hist");
      params.put("max_depth", options.maxDepth());
    }
    params.put("eta", options.learningRate());
    params.put("eval_metric", target.ranking() ? "ndcg@5" : "logloss");
    if (target.ranking()) {
      params.put("maximize_evaluation_metrics", true);
    }
    params.put("seed", options.seed());
    // Per-round figures go to MLflow, not the terminal: xgboost4j prints them unless
    // "silent" is set, and the native library warns about that key unless verbosity is 0.
    params.put("verbosity", 0);
    params.put("silent", "true");
    return params;
  }

  /** The rounds actually run (XGBoost leaves the rest of the array at zero). */
  private static double[] validationCurve(float[] history) {
    int n = history.length;
    while (n > 1 && history[n - 1] == 0f) {
      n--;
    }
    double[] curve = new double[n];
    for (int i = 0; i < n; i++) {
      curve[i] = history[i];
    }
    return curve;
  }

  /**
   * The target's population, sorted by the time of each example's request (so a request's items
   * stay together), then request, position and event id.
   */
  static int[] byRequestTime(TrainingTable t, PredictionTarget target) {
    Map<String, Long> requestTime = new HashMap<>();
    List<Integer> rows = new ArrayList<>();
    for (int r = 0; r < t.size(); r++) {
      if (target.includes(t, r)) {
        rows.add(r);
        requestTime.merge(t.requestKey(r), t.timestamp(r), Math::min);
      }
    }
    rows.sort(
        Comparator.<Integer>comparingLong(r -> requestTime.get(t.requestKey(r)))
            .thenComparing(t::requestKey)
            .thenComparingInt(t::position)
            .thenComparing(t::eventId));
    return rows.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Where validation starts; for ranking, moved to the next request boundary. */
  private static int splitPoint(TrainingTable t, int[] byTime, double share, boolean ranking) {
    int split = byTime.length - (int) Math.round(byTime.length * share);
    if (ranking) {
      while (split > 0
          && split < byTime.length
          && t.requestKey(byTime[split]).equals(t.requestKey(byTime[split - 1]))) {
        split++;
      }
    }
    return split;
  }

  private static void requireBothOutcomes(
      TrainingTable t, int[] part, String name, PredictionTarget target) {
    boolean anyPositive = Arrays.stream(part).anyMatch(r -> target.positive(t, r));
    boolean anyNegative = Arrays.stream(part).anyMatch(r -> !target.positive(t, r));
    if (!anyPositive || !anyNegative) {
      throw new IllegalArgumentException(
          "examples: the "
              + name
              + " part has "
              + (anyPositive ? "no negative" : "no positive")
              + " examples for "
              + target.modelName()
              + " ("
              + target.meaning()
              + "; "
              + t.size()
              + " examples in all, "
              + part.length
              + " in this part): a single class cannot be learned or judged");
    }
  }

  /** Feature values row by row, labels, and the size of each request's group. */
  record Rows(float[] values, float[] labels, int[] groups) {}

  /** The table's rows of {@code names} values (NaN where missing: XGBoost's missing value). */
  static Rows rows(TrainingTable t, List<String> names, PredictionTarget target) {
    float[] labels = new float[t.size()];
    List<Integer> groups = new ArrayList<>();
    String lastRequest = null;
    for (int row = 0; row < t.size(); row++) {
      labels[row] = target.label(t, row);
      String request = t.requestKey(row);
      if (request.equals(lastRequest)) {
        groups.set(groups.size() - 1, groups.get(groups.size() - 1) + 1);
      } else {
        groups.add(1);
        lastRequest = request;
      }
    }
    return new Rows(t.values(names), labels, groups.stream().mapToInt(Integer::intValue).toArray());
  }

  static DMatrix matrix(TrainingTable t, List<String> names, PredictionTarget target)
      throws XGBoostError {
    Rows rows = rows(t, names, target);
    DMatrix matrix = new DMatrix(rows.values(), t.size(), names.size(), Float.NaN);
    matrix.setLabel(rows.labels());
    if (target.ranking()) {
      matrix.setGroup(rows.groups());
    }
    matrix.setFeatureNames(names.toArray(String[]::new));
    return matrix;
  }
}
