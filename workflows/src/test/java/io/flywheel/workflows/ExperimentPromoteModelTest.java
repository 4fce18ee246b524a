package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.TrackedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code experiment-promote} task with a winning {@code model_version}: the version that won
 * becomes the live one through the rollout (deployed, then promoted), on the embedded inference
 * server and the embedded MLflow registry; a copy treatment of the same winner is promoted to
 * delivery's base; a malformed winner is refused.
 */
class ExperimentPromoteModelTest {
  @TempDir Path home;

  @Test
  void aWinningModelVersionGoesLive() throws Exception {
    FlywheelConfig config = FlywheelConfig.local();
    try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
      ModelVersionInfo v1 = register(registry, 1);
      register(registry, 2);
      try (ModelDeployment deployment = ModelDeployment.open(home, config)) {
        deployment.deploy(registry, v1, 100); // a first deploy goes live at once
        assertThat(deployment.rollout().state("flywheel-ctr").live()).isEqualTo(1);
      }
    }
    ExperimentCatalog catalog = new ExperimentCatalog(home);
    catalog.create(
        ConversionExperiment.parse(
            """
            id: ranker-v2
            arms:
              - {name: champion, weight: 1, treatment: {model_version: "1"}}
              - {name: challenger, weight: 1, treatment: {model_version: "2", copy: campaign}}
            """));
    Map<String, String> out =
        ExperimentTasks.promote(home, config, context(Map.of("winners", "ranker-v2:challenger")));
    assertThat(out)
        .containsEntry("promoted", "1")
        .containsEntry("ranker-v2.model_version", "2")
        .containsEntry("ranker-v2.live", "2");
    try (ModelDeployment deployment = ModelDeployment.open(home, config)) {
      var state = deployment.rollout().state("flywheel-ctr");
      assertThat(state.live()).isEqualTo(2);
      assertThat(state.canary()).isNull();
      assertThat(state.history()).extracting(e -> e.version()).containsExactly(1, 2);
    }
    // The copy half of the treatment reaches delivery; the model version is not delivery's.
    assertThat(catalog.promoted().orElseThrow().treatment()).containsEntry("copy", "campaign");
    assertThatThrownBy(
            () -> ExperimentTasks.promote(home, config, context(Map.of("winners", "ranker-v2"))))
        .hasMessageContaining("experiment:arm");
  }

  private ModelVersionInfo register(ModelRegistry registry, int seed) throws Exception {
    Path dir = Files.createDirectories(home.resolve("model-" + seed));
    int n = 200;
    float[] x = new float[n * 2];
    float[] y = new float[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) r.nextDouble();
      x[2 * i + 1] = (float) r.nextDouble();
      y[i] = x[2 * i] > 0.5 ? 1 : 0;
    }
    DMatrix m = new DMatrix(x, n, 2, Float.NaN);
    m.setLabel(y);
    Booster booster =
        XGBoost.train(
            m,
            new HashMap<>(Map.of("objective", "binary:logistic", "max_depth", 2, "verbosity", 0)),
            5,
            Map.of(),
            null,
            null);
    m.dispose();
    booster.saveModel(dir.resolve("model.json").toString());
    Files.write(
        dir.resolve("features.txt"), List.of("# target=ctr", "# negative_sampling=1.0", "a", "b"));
    TrackedRun run = registry.startRun("flywheel-ctr", "train-" + seed, Map.of());
    run.logArtifact(dir, "model");
    run.finish();
    return registry.register("flywheel-ctr", run, "model", Map.of());
  }

  private static TaskContext context(Map<String, String> params) {
    return new TaskContext() {
      @Override
      public String runId() {
        return "test-run";
      }

      @Override
      public String taskId() {
        return "promote";
      }

      @Override
      public int attempt() {
        return 1;
      }

      @Override
      public Map<String, String> params() {
        return params;
      }

      @Override
      public void heartbeat(String details) {}
    };
  }
}
