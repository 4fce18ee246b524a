package io.flywheel.flink;

import io.flywheel.featurestore.TrainingExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A trained click-through model: the XGBoost booster, its ordered feature names, and the
 * negative sampling rate it was trained with (predictions are corrected for it).
 */
public final class CtrModel {
  static final String MODEL_FILE = "model.json";
  static final String FEATURES_FILE = "features.txt";

  private final Booster booster;
  private final List<String> featureNames;
  private final double negativeSampling;
  private final CtrTrainer.Validation validation;

  private CtrModel(Booster booster, List<String> featureNames, double negativeSampling,
      CtrTrainer.Validation validation) {
    this.booster = booster;
    this.featureNames = List.copyOf(featureNames);
    this.negativeSampling = negativeSampling;
    this.validation = validation;
  }

  /** A freshly trained model, scored on the held-out examples it was not trained on. */
  static CtrModel trained(Booster booster, List<String> featureNames, double negativeSampling,
      List<TrainingExample> heldOut) throws XGBoostError {
    CtrModel unscored = new CtrModel(booster, featureNames, negativeSampling, null);
    boolean[] clicked = new boolean[heldOut.size()];
    for (int i = 0; i < clicked.length; i++) {
      clicked[i] = heldOut.get(i).clicked();
    }
    return new CtrModel(booster, featureNames, negativeSampling, new CtrTrainer.Validation(
        heldOut.stream().map(TrainingExample::eventId).toList(), unscored.predict(heldOut),
        clicked));
  }

  public List<String> featureNames() {
    return featureNames;
  }

  /** The held-out latest examples, scored; null for a model loaded from files. */
  public CtrTrainer.Validation validation() {
    return validation;
  }

  /** Click probabilities, corrected for negative down-sampling: q / (q + (1 - q) / rate). */
  public double[] predict(List<TrainingExample> examples) throws XGBoostError {
    DMatrix matrix = CtrTrainer.matrix(examples, featureNames);
    try {
      float[][] raw = booster.predict(matrix);
      double[] p = new double[raw.length];
      for (int i = 0; i < raw.length; i++) {
        double q = raw[i][0];
        p[i] = q / (q + (1 - q) / negativeSampling);
      }
      return p;
    } finally {
      matrix.dispose();
    }
  }

  /**
   * Writes the model as XGBoost JSON (what Triton's FIL backend loads) and the ordered feature
   * names, one per line, with the sampling rate in a first comment line.
   */
  public void save(Path dir) throws IOException, XGBoostError {
    Files.createDirectories(dir);
    booster.saveModel(dir.resolve(MODEL_FILE).toString());
    Files.writeString(dir.resolve(FEATURES_FILE), "# negative_sampling=" + negativeSampling
        + "\n" + String.join("\n", featureNames) + "\n");
  }

  public static CtrModel load(Path dir) throws IOException, XGBoostError {
    List<String> lines = Files.readAllLines(dir.resolve(FEATURES_FILE));
    String header = lines.get(0);
    if (!header.startsWith("# negative_sampling=")) {
      throw new IOException(dir.resolve(FEATURES_FILE) + ": first line must be "
          + "'# negative_sampling=RATE', got '" + header + "'");
    }
    double rate = Double.parseDouble(header.substring("# negative_sampling=".length()));
    Booster booster = XGBoost.loadModel(dir.resolve(MODEL_FILE).toString());
    return new CtrModel(booster, lines.subList(1, lines.size()), rate, null);
  }
}
