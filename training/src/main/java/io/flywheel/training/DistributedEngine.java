package io.flywheel.training;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * The distributed XGBoost engine, plugged in from outside this module (the Flink jobs module
 * provides one through {@link ServiceLoader}), so training itself needs no Flink.
 */
public interface DistributedEngine {
  /**
   * Trains {@code rounds} rounds on {@code rows} (row-major {@code values}, one label each) with
   * {@code parallelism} workers, at {@code clusterUrl} (a Flink REST URL) or in process when it is
   * null; {@code scratch} is storage the workers share.
   */
  Booster train(
      float[] values,
      float[] labels,
      int columns,
      Map<String, Object> params,
      int rounds,
      int parallelism,
      String clusterUrl,
      Path scratch)
      throws Exception;

  /** The engine on the classpath; fails with what to add when there is none. */
  static DistributedEngine find() {
    return ServiceLoader.load(DistributedEngine.class)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "engine flink: no distributed engine on the classpath "
                        + "(add flywheel-flink-jobs, or train with --engine local)"));
  }
}
