package io.flywheel.training;

import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A trained response model: the XGBoost booster, what it predicts, its ordered feature names, and
 * the negative sampling rate it was trained with (probabilities are corrected for it).
 */
public final class ScoringModel {
  public static final String MODEL_FILE = "model.json";
  public static final String FEATURES_FILE = "features.txt";

  private final Booster booster;
  private final PredictionTarget target;
  private final List<String> featureNames;
  private final double negativeSampling;
  private final ModelTrainer.Validation validation;
  private final double[] validationCurve;

  private ScoringModel(
      Booster booster,
      PredictionTarget target,
      List<String> featureNames,
      double negativeSampling,
      ModelTrainer.Validation validation,
      double[] validationCurve) {
    this.booster = booster;
    this.target = target;
    this.featureNames = List.copyOf(featureNames);
    this.negativeSampling = negativeSampling;
    this.validation = validation;
    this.validationCurve = validationCurve;
  }

  /** A freshly trained model, scored on the held-out rows it was not trained on. */
  static ScoringModel trained(
      Booster booster,
      PredictionTarget target,
      List<String> names,
      double negativeSampling,
      TrainingTable heldOut,
      double[] validationCurve)
      throws XGBoostError {
    ScoringModel unscored =
        new ScoringModel(booster, target, names, negativeSampling, null, validationCurve);
    boolean[] positives = new boolean[heldOut.size()];
    double[] gains = new double[heldOut.size()];
    List<String> eventIds = new ArrayList<>(heldOut.size());
    List<String> requestIds = new ArrayList<>(heldOut.size());
    for (int i = 0; i < positives.length; i++) {
      positives[i] = target.positive(heldOut, i);
      gains[i] = target.label(heldOut, i);
      eventIds.add(heldOut.eventId(i));
      requestIds.add(heldOut.requestKey(i));
    }
    return new ScoringModel(
        booster,
        target,
        names,
        negativeSampling,
        new ModelTrainer.Validation(
            List.copyOf(eventIds),
            List.copyOf(requestIds),
            unscored.predict(heldOut),
            positives,
            gains,
            heldOut),
        validationCurve);
  }

  public PredictionTarget target() {
    return target;
  }

  public List<String> featureNames() {
    return featureNames;
  }

  public double negativeSampling() {
    return negativeSampling;
  }

  /** The held-out latest examples, scored; null for a model loaded from files. */
  public ModelTrainer.Validation validation() {
    return validation;
  }

  /** Validation loss (or NDCG@5 for ranking) after each boosting round; empty when loaded. */
  public double[] validationCurve() {
    return validationCurve.clone();
  }

  /** The rounds the booster kept (the best iteration + 1 after early stopping). */
  public int rounds() {
    return validationCurve.length;
  }

  /**
   * Scores: probabilities corrected for negative down-sampling, q / (q + (1 - q) / rate), or for
   * ranking the raw ordering scores.
   */
  public double[] predict(List<TrainingExample> examples, ShopCatalog catalog) throws XGBoostError {
    return predict(TrainingTable.of(examples, catalog));
  }

  /** As above for a table's rows. */
  public double[] predict(TrainingTable rows) throws XGBoostError {
    DMatrix matrix = ModelTrainer.matrix(rows, featureNames, target);
    try {
      float[][] raw = booster.predict(matrix);
      double[] p = new double[raw.length];
      for (int i = 0; i < raw.length; i++) {
        double q = raw[i][0];
        p[i] = target.ranking() ? q : q / (q + (1 - q) / negativeSampling);
      }
      return p;
    } finally {
      matrix.dispose();
    }
  }

  /**
   * The rows a serving endpoint takes for these examples: FP32 values in this model's feature
   * order, row-major (NaN where missing), as Triton's {@code input__0} expects them.
   */
  public float[] featureRows(List<TrainingExample> examples, ShopCatalog catalog) {
    return TrainingTable.of(examples, catalog).values(featureNames);
  }

  /** XGBoost's importance of each feature by total gain, largest first. */
  public List<Map.Entry<String, Double>> importance() throws XGBoostError {
    List<Map.Entry<String, Double>> out =
        new ArrayList<>(
            booster.getScore(featureNames.toArray(String[]::new), "total_gain").entrySet());
    out.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    return out;
  }

  /**
   * Writes the model as XGBoost JSON (what Triton's FIL backend loads) and the ordered feature
   * names, one per line, after two comment lines: the target and the sampling rate.
   */
  public void save(Path dir) throws IOException, XGBoostError {
    Files.createDirectories(dir);
    booster.saveModel(dir.resolve(MODEL_FILE).toString());
    Files.writeString(
        dir.resolve(FEATURES_FILE),
        "# target="
            + target.modelName()
            + "\n"
            + "# negative_sampling="
            + negativeSampling
            + "\n"
            + String.join("\n", featureNames)
            + "\n");
  }

  public static ScoringModel load(Path dir) throws IOException, XGBoostError {
    Path file = dir.resolve(FEATURES_FILE);
    List<String> lines = Files.readAllLines(file);
    if (lines.size() < 3
        || !lines.get(0).startsWith("# target=")
        || !lines.get(1).startsWith("# negative_sampling=")) {
      throw new IOException(
          file
              + ": must start with '# target=NAME' and "
              + "'# negative_sampling=RATE' lines, then one feature name per line");
    }
    PredictionTarget target = PredictionTarget.of(lines.get(0).substring("# target=".length()));
    double rate = Double.parseDouble(lines.get(1).substring("# negative_sampling=".length()));
    List<String> names = lines.subList(2, lines.size());
    java.util.Set<String> known = new java.util.HashSet<>(ModelTrainer.featureNames());
    for (String name : names) {
      if (!known.contains(name)) {
        throw new IOException(
            file
                + ": feature '"
                + name
                + "' is not produced by the feature "
                + "registry (a view or feature removed since this model was trained?)");
      }
    }
    Booster booster = XGBoost.loadModel(dir.resolve(MODEL_FILE).toString());
    return new ScoringModel(booster, target, names, rate, null, new double[0]);
  }
}
