package io.flywheel.benchmarks;

import io.flywheel.flink.DistributedTraining;
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.PredictionTarget;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Measures the single-process engine at a given size: a synthetic click-like problem (rows ×
 * features, a few informative columns, ~5% positives), trained with the trainer's tree parameters
 * for a fixed number of rounds (no early stopping, so every run does the same work), on either
 * engine; the distributed engine's time includes writing and reading its rows file and starting its
 * job, as a real run pays them.
 */
public final class TrainingBenchmark {
  /** What one run measured. */
  public record Result(
      int rows, int features, int rounds, long buildMillis, long trainMillis, double trainLogLoss) {
    public double rowsPerSecond() {
      return rows * (double) rounds / Math.max(1, trainMillis) * 1000;
    }
  }

  private TrainingBenchmark() {}

  public static Result run(int rows, int features, int rounds, long seed) throws Exception {
    return run(rows, features, rounds, seed, ModelTrainer.Engine.local());
  }

  /** As above on {@code engine} (the distributed one with its parallelism, same parameters). */
  public static Result run(
      int rows, int features, int rounds, long seed, ModelTrainer.Engine engine) throws Exception {
    if (rows < 100 || features < 2 || rounds < 1) {
      throw new IllegalArgumentException("rows >= 100, features >= 2 and rounds >= 1 required");
    }
    long began = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[rows * features];
    float[] labels = new float[rows];
    for (int r = 0; r < rows; r++) {
      double logit = -3.2;
      for (int c = 0; c < features; c++) {
        float v = (float) random.nextDouble();
        values[r * features + c] = v;
        if (c < 6) {
          logit += (c % 2 == 0 ? 1.2 : -0.8) * v;
        }
      }
      labels[r] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    }
    DMatrix matrix = new DMatrix(values, rows, features, Float.NaN);
    matrix.setLabel(labels);
    try {
      Map<String, Object> params =
          ModelTrainer.xgboostParams(PredictionTarget.CTR, ModelTrainer.Options.defaults());
      int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
      long built = System.nanoTime();
      Booster booster;
      if (engine.distributed()) {
        params.put("nthread", Math.max(1, cores / engine.parallelism()));
        java.nio.file.Path scratch =
            java.nio.file.Files.createTempDirectory(engine.scratch(), "flywheel-bench-");
        try {
          booster =
              new DistributedTraining()
                  .train(
                      values,
                      labels,
                      features,
                      params,
                      rounds,
                      engine.parallelism(),
                      engine.flinkRestUrl(),
                      scratch);
        } finally {
          java.nio.file.Files.deleteIfExists(scratch);
        }
      } else {
        params.put("nthread", cores);
        booster = XGBoost.train(matrix, params, rounds, Map.of(), null, null);
      }
      long trained = System.nanoTime();
      String eval = booster.evalSet(new DMatrix[] {matrix}, new String[] {"train"}, rounds - 1);
      double logLoss = Double.parseDouble(eval.substring(eval.lastIndexOf(':') + 1).trim());
      booster.dispose();
      return new Result(
          rows,
          features,
          rounds,
          (built - began) / 1_000_000,
          (trained - built) / 1_000_000,
          logLoss);
    } finally {
      matrix.dispose();
    }
  }
}
