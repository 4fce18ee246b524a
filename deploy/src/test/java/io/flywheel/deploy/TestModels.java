package io.flywheel.deploy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/** Small real XGBoost models for the tests: trained here, saved as XGBoost JSON. */
final class TestModels {
  static final int FEATURES = 6;

  private TestModels() {}

  static float[] rows(int n, long seed) {
    Random random = new Random(seed);
    float[] values = new float[n * FEATURES];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  static Booster train(int trees, int depth, long seed) throws Exception {
    int n = 2000;
    float[] x = rows(n, seed);
    float[] y = new float[n];
    Random random = new Random(seed + 1);
    for (int i = 0; i < n; i++) {
      double logit = x[i * FEATURES] - 0.5 * x[i * FEATURES + 1] + 0.3 * x[i * FEATURES + 2];
      y[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    }
    DMatrix m = new DMatrix(x, n, FEATURES, Float.NaN);
    m.setLabel(y);
    Map<String, Object> params =
        new HashMap<>(
            Map.of(
                "objective",
                "binary:logistic",
                "max_depth",
                depth,
                "eta",
                0.1,
                "tree_method",
                "hist",
                "verbosity",
                0,
                "silent",
                "true"));
    Booster booster = XGBoost.train(m, params, trees, Map.of(), null, null);
    m.dispose();
    return booster;
  }

  static Path save(Booster booster, Path file) throws Exception {
    booster.saveModel(file.toString());
    return file;
  }

  static ServingMetadata metadata(String model, int version) {
    return new ServingMetadata(
        model,
        version,
        "run-" + version,
        "ctr",
        IntStream.range(0, FEATURES).mapToObj(i -> "f" + i).toList(),
        1.0,
        "2026-01-01/2026-01-07");
  }

  static List<Integer> versions(Integer... v) {
    return List.of(v);
  }
}
