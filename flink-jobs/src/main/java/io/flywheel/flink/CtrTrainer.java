package io.flywheel.flink;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureSpec;
import io.flywheel.featurestore.FeatureType;
import io.flywheel.featurestore.TrainingExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains the click-through model (click | impression) on point-in-time training examples with
 * single-process XGBoost: {@code hist} trees, a time-based validation split (the latest
 * examples), early stopping on validation log loss, and optional negative down-sampling whose
 * bias the model corrects when it predicts.
 */
public final class CtrTrainer {
  private CtrTrainer() {}

  /**
   * How to train.
   *
   * @param validationShare the latest share of examples held out for early stopping and
   *     evaluation
   * @param negativeSampling keep this share of the non-clicked training rows (1 keeps all)
   * @param maxRounds boosting rounds at most; training stops after {@code earlyStopping}
   *     rounds without a better validation log loss
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
  }

  /** The held-out rows, scored: what every evaluation of the model starts from. */
  public record Validation(List<String> eventIds, double[] predictions, boolean[] clicked) {}

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
    return List.copyOf(names);
  }

  public static CtrModel train(List<TrainingExample> examples, Options options)
      throws XGBoostError {
    List<TrainingExample> byTime = new ArrayList<>(examples);
    byTime.sort(Comparator.comparingLong(TrainingExample::timestamp)
        .thenComparing(TrainingExample::eventId));
    int validationSize = (int) Math.round(byTime.size() * options.validationShare());
    List<TrainingExample> train = byTime.subList(0, byTime.size() - validationSize);
    List<TrainingExample> validation = byTime.subList(train.size(), byTime.size());
    if (train.stream().noneMatch(TrainingExample::clicked)
        || validation.stream().noneMatch(TrainingExample::clicked)) {
      throw new IllegalArgumentException("examples: both the training and the validation part "
          + "need clicked examples (" + examples.size() + " examples)");
    }
    Random random = new Random(options.seed());
    List<TrainingExample> sampled = train.stream()
        .filter(x -> x.clicked() || random.nextDouble() < options.negativeSampling()).toList();
    List<String> names = featureNames();
    DMatrix trainMatrix = matrix(sampled, names);
    DMatrix validationMatrix = matrix(validation, names);
    try {
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("objective", "binary:logistic");
      params.put("booster", options.booster());
      if (options.booster().equals("gbtree")) {
        params.put("tree_method", "hist");
        params.put("max_depth", options.maxDepth());
      }
      params.put("eta", options.learningRate());
      params.put("eval_metric", "logloss");
      params.put("seed", options.seed());
      params.put("nthread", Math.max(1, Runtime.getRuntime().availableProcessors()));
      Map<String, DMatrix> watches = new LinkedHashMap<>();
      watches.put("train", trainMatrix);
      watches.put("validation", validationMatrix); // the last one decides early stopping
      float[][] history = new float[watches.size()][options.maxRounds()];
      Booster booster = XGBoost.train(trainMatrix, params, options.maxRounds(), watches,
          history, null, null, options.earlyStopping());
      return CtrModel.trained(booster, names, options.negativeSampling(), validation);
    } finally {
      trainMatrix.dispose();
      validationMatrix.dispose();
    }
  }

  /** Rows of {@code names} values (NaN where missing: XGBoost's missing value). */
  static DMatrix matrix(List<TrainingExample> examples, List<String> names)
      throws XGBoostError {
    float[] values = new float[examples.size() * names.size()];
    float[] labels = new float[examples.size()];
    for (int row = 0; row < examples.size(); row++) {
      TrainingExample x = examples.get(row);
      for (int col = 0; col < names.size(); col++) {
        values[row * names.size() + col] = value(x, names.get(col));
      }
      labels[row] = x.clicked() ? 1 : 0;
    }
    DMatrix matrix = new DMatrix(values, examples.size(), names.size(), Float.NaN);
    matrix.setLabel(labels);
    matrix.setFeatureNames(names.toArray(String[]::new));
    return matrix;
  }

  private static float value(TrainingExample x, String name) {
    if (name.equals("position")) {
      return x.position() == null ? Float.NaN : x.position();
    }
    Object v = x.features().get(name);
    return v instanceof Number n ? n.floatValue() : Float.NaN;
  }
}
