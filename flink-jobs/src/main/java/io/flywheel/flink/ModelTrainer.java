package io.flywheel.flink;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureSpec;
import io.flywheel.featurestore.FeatureType;
import io.flywheel.featurestore.ImpressionContext;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Trains Flywheel's response models on point-in-time training examples with single-process
 * XGBoost: {@code hist} trees, a time-based validation split (the latest examples), early
 * stopping on validation loss, optional negative down-sampling whose bias the model corrects
 * when it predicts, and a {@code rank:ndcg} variant grouped per request.
 */
public final class ModelTrainer {
  private ModelTrainer() {}

  /**
   * How to train.
   *
   * @param validationShare the latest share of examples held out for early stopping and
   *     evaluation
   * @param negativeSampling keep this share of the negative training rows (1 keeps all; ranking
   *     always keeps all, since a request's group must stay whole)
   * @param maxRounds boosting rounds at most; training stops after {@code earlyStopping}
   *     rounds without a better validation score
   * @param booster {@code gbtree} (gradient-boosted trees) or {@code gblinear} (a logistic
   *     regression: the baseline every tree model must beat)
   */
  public record Options(double validationShare, double negativeSampling, int maxRounds,
      int earlyStopping, int maxDepth, double learningRate, long seed, String booster) {
    public Options {
      if (!(validationShare > 0 && validationShare < 1)) {
        throw new IllegalArgumentException("validationShare: must be in (0, 1), got "
            + validationShare);
      }
      if (!(negativeSampling > 0 && negativeSampling <= 1)) {
        throw new IllegalArgumentException("negativeSampling: must be in (0, 1], got "
            + negativeSampling);
      }
      if (!"gbtree".equals(booster) && !"gblinear".equals(booster)) {
        throw new IllegalArgumentException("booster: gbtree or gblinear, got " + booster);
      }
      if (maxRounds < 1 || earlyStopping < 1 || maxDepth < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException("maxRounds, earlyStopping, maxDepth and "
            + "learningRate must be positive");
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
      return new Options(validationShare, share, maxRounds, earlyStopping, maxDepth,
          learningRate, seed, booster);
    }

    public Options withMaxRounds(int rounds) {
      return new Options(validationShare, negativeSampling, rounds, earlyStopping, maxDepth,
          learningRate, seed, booster);
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
   * Where training runs: {@code local} (single-process xgboost4j, early stopping) or
   * {@code flink} (xgboost4j-flink on the MiniCluster, or on the session cluster at
   * {@code flinkRestUrl}, with {@code parallelism} workers; exactly {@code maxRounds} rounds;
   * its rows file goes under {@code scratch}, temp by default). Both write the same model file.
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
        throw new IllegalArgumentException("parallelism: must be at least 1, got "
            + parallelism);
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
   */
  public record Validation(List<String> eventIds, List<String> requestIds, double[] predictions,
      boolean[] positives, double[] gains) {}

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
   * Trains a model of {@code target} on {@code examples}. Fails with a message naming the
   * problem for data it cannot learn from: too few examples, or a part without both outcomes.
   */
  public static ScoringModel train(List<TrainingExample> examples, ShopCatalog catalog,
      PredictionTarget target, Options options) throws Exception {
    return train(examples, catalog, target, options, Engine.local());
  }

  /** As above, on the given engine. */
  public static ScoringModel train(List<TrainingExample> examples, ShopCatalog catalog,
      PredictionTarget target, Options options, Engine engine) throws Exception {
    if (engine.distributed() && target.ranking()) {
      throw new IllegalArgumentException("engine: rank:ndcg needs request groups, which "
          + "xgboost4j-flink cannot carry; train " + target.modelName() + " with the local "
          + "engine");
    }
    List<TrainingExample> population = examples.stream().filter(target::includes).toList();
    if (population.size() < 20) {
      throw new IllegalArgumentException("examples: " + population.size() + " usable examples "
          + "for " + target.modelName() + " (" + target.meaning() + "); at least 20 are needed");
    }
    List<TrainingExample> byTime = byRequestTime(population);
    int split = splitPoint(byTime, options.validationShare(), target.ranking());
    List<TrainingExample> train = byTime.subList(0, split);
    List<TrainingExample> validation = byTime.subList(split, byTime.size());
    requireBothOutcomes(train, "training", target, examples.size());
    requireBothOutcomes(validation, "validation", target, examples.size());
    double sampling = target.ranking() ? 1.0 : options.negativeSampling();
    Random random = new Random(options.seed());
    List<TrainingExample> sampled = train.stream()
        .filter(x -> target.positive(x) || random.nextDouble() < sampling).toList();
    List<String> names = featureNames();
    Map<String, Object> params = xgboostParams(target, options);
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    DMatrix validationMatrix = matrix(validation, names, catalog, target);
    try {
      Booster booster;
      double[] curve;
      if (engine.distributed()) {
        params.put("nthread", Math.max(1, cores / engine.parallelism()));
        Rows rows = rows(sampled, names, catalog, target);
        Path scratch = Files.createTempDirectory(engine.scratch(), "flywheel-xgboost-");
        try {
          booster = DistributedTraining.train(rows.values(), rows.labels(), names.size(),
              params, options.maxRounds(), engine.parallelism(), engine.flinkRestUrl(), scratch);
        } finally {
          Files.deleteIfExists(scratch);
        }
        String eval = booster.evalSet(new DMatrix[] {validationMatrix},
            new String[] {"validation"}, options.maxRounds() - 1);
        curve = new double[] {Double.parseDouble(eval.substring(eval.lastIndexOf(':') + 1)
            .trim())};
      } else {
        params.put("nthread", cores);
        DMatrix trainMatrix = matrix(sampled, names, catalog, target);
        try {
          Map<String, DMatrix> watches = new LinkedHashMap<>();
          watches.put("train", trainMatrix);
          watches.put("validation", validationMatrix); // the last one decides early stopping
          float[][] history = new float[watches.size()][options.maxRounds()];
          booster = XGBoost.train(trainMatrix, params, options.maxRounds(), watches, history,
              null, null, options.earlyStopping());
          curve = validationCurve(history[1]);
        } finally {
          trainMatrix.dispose();
        }
      }
      return ScoringModel.trained(booster, target, names, sampling, validation, catalog, curve);
    } finally {
      validationMatrix.dispose();
    }
  }

  /**
   * The rows a model trained with {@code validationShare} is judged on: the latest share of the
   * target's population, split where training splits it.
   */
  public static List<TrainingExample> heldOut(List<TrainingExample> examples,
      PredictionTarget target, double validationShare) {
    List<TrainingExample> byTime = byRequestTime(examples.stream().filter(target::includes)
        .toList());
    return List.copyOf(byTime.subList(splitPoint(byTime, validationShare, target.ranking()),
        byTime.size()));
  }

  /** The XGBoost parameters of a target and options (threads are the engine's to set). */
  static Map<String, Object> xgboostParams(PredictionTarget target, Options options) {
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

  /** Sorted by the time of each example's request, so a request's items stay together. */
  static List<TrainingExample> byRequestTime(List<TrainingExample> examples) {
    Map<String, Long> requestTime = new HashMap<>();
    for (TrainingExample x : examples) {
      requestTime.merge(requestKey(x), x.timestamp(), Math::min);
    }
    List<TrainingExample> sorted = new ArrayList<>(examples);
    sorted.sort(Comparator.<TrainingExample>comparingLong(x -> requestTime.get(requestKey(x)))
        .thenComparing(ModelTrainer::requestKey)
        .thenComparing(x -> x.position() == null ? Integer.MAX_VALUE : x.position())
        .thenComparing(TrainingExample::eventId));
    return sorted;
  }

  static String requestKey(TrainingExample x) {
    return x.requestId() == null ? x.eventId() : x.requestId();
  }

  /** Where validation starts; for ranking, moved to the next request boundary. */
  private static int splitPoint(List<TrainingExample> byTime, double share, boolean ranking) {
    int split = byTime.size() - (int) Math.round(byTime.size() * share);
    if (ranking) {
      while (split > 0 && split < byTime.size()
          && requestKey(byTime.get(split)).equals(requestKey(byTime.get(split - 1)))) {
        split++;
      }
    }
    return split;
  }

  private static void requireBothOutcomes(List<TrainingExample> part, String name,
      PredictionTarget target, int total) {
    boolean anyPositive = part.stream().anyMatch(target::positive);
    boolean anyNegative = part.stream().anyMatch(x -> !target.positive(x));
    if (!anyPositive || !anyNegative) {
      throw new IllegalArgumentException("examples: the " + name + " part has "
          + (anyPositive ? "no negative" : "no positive") + " examples for "
          + target.modelName() + " (" + target.meaning() + "; " + total + " examples in all, "
          + part.size() + " in this part): a single class cannot be learned or judged");
    }
  }

  /** Feature values row by row, labels, and the size of each request's group. */
  record Rows(float[] values, float[] labels, int[] groups) {}

  /** Rows of {@code names} values (NaN where missing: XGBoost's missing value). */
  static Rows rows(List<TrainingExample> examples, List<String> names, ShopCatalog catalog,
      PredictionTarget target) {
    float[] values = new float[examples.size() * names.size()];
    float[] labels = new float[examples.size()];
    List<Integer> groups = new ArrayList<>();
    String lastRequest = null;
    for (int row = 0; row < examples.size(); row++) {
      TrainingExample x = examples.get(row);
      Map<String, Double> context = ImpressionContext.of(x, catalog);
      for (int col = 0; col < names.size(); col++) {
        values[row * names.size() + col] = value(x, context, names.get(col));
      }
      labels[row] = target.label(x);
      String request = requestKey(x);
      if (request.equals(lastRequest)) {
        groups.set(groups.size() - 1, groups.get(groups.size() - 1) + 1);
      } else {
        groups.add(1);
        lastRequest = request;
      }
    }
    return new Rows(values, labels, groups.stream().mapToInt(Integer::intValue).toArray());
  }

  static DMatrix matrix(List<TrainingExample> examples, List<String> names, ShopCatalog catalog,
      PredictionTarget target) throws XGBoostError {
    Rows rows = rows(examples, names, catalog, target);
    DMatrix matrix = new DMatrix(rows.values(), examples.size(), names.size(), Float.NaN);
    matrix.setLabel(rows.labels());
    if (target.ranking()) {
      matrix.setGroup(rows.groups());
    }
    matrix.setFeatureNames(names.toArray(String[]::new));
    return matrix;
  }

  private static final String CONTEXT_PREFIX = TrainingExample.column(ImpressionContext.VIEW,
      "");

  private static float value(TrainingExample x, Map<String, Double> context, String name) {
    if (name.equals("position")) {
      return x.position() == null ? Float.NaN : x.position();
    }
    if (name.startsWith(CONTEXT_PREFIX)) {
      Double v = context.get(name.substring(CONTEXT_PREFIX.length()));
      return v == null ? Float.NaN : v.floatValue();
    }
    Object v = x.features().get(name);
    return v instanceof Number n ? n.floatValue() : Float.NaN;
  }
}
