package io.flywheel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Canary, promotion, automatic rollback and restart, against the embedded server. */
class ModelRolloutTest {
  @TempDir Path dir;

  @Test
  void aScorerFollowsAnotherProcesssDeployAfterReloadAndKeepsItsCanaryWindow() throws Exception {
    ModelRepository repo = new ModelRepository(dir.resolve("repo"));
    Path stateDir = dir.resolve("rollouts");
    Path v1 = TestModels.save(TestModels.train(20, 3, 1), dir.resolve("v1.json"));
    Path v2 = TestModels.save(TestModels.train(30, 3, 2), dir.resolve("v2.json"));
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repo.root(), "127.0.0.1", 0, 0);
        InferenceClient client = InferenceClient.connect(server.address())) {
      ModelRollout deployer =
          new ModelRollout(stateDir, repo, client, FilModelConfig.Serving.onCpu());
      ModelRollout scorer =
          new ModelRollout(stateDir, repo, client, FilModelConfig.Serving.onCpu());
      deployer.deploy("ctr", 1, v1, TestModels.metadata("ctr", 1), 10);
      deployer.setThresholds("ctr", new RolloutState.Thresholds(0.05, 5_000, 5, 10));
      assertThat(scorer.state("ctr").live()).isEqualTo(1);

      deployer.deploy("ctr", 2, v2, TestModels.metadata("ctr", 2), 100 - 1);
      assertThat(scorer.state("ctr").canary()).as("cached until reloaded").isNull();
      scorer.reload();
      assertThat(scorer.state("ctr").canary()).isEqualTo(2);

      // Its canary observations survive a reload that finds the same canary: ten scored
      // requests (some before, some after a reload) earn the promotion.
      float[] row = TestModels.rows(1, 3);
      int scored = 0;
      for (int i = 0; scored < 10 && i < 1_000; i++) {
        if (scorer.route("ctr", "user-" + i).equals("2")) {
          scorer.score("ctr", "user-" + i, row, 1, TestModels.FEATURES);
          scored++;
          if (scored == 5) {
            scorer.reload();
          }
        }
      }
      assertThat(scorer.state("ctr").live()).isEqualTo(2);
      assertThat(scorer.state("ctr").canary()).isNull();
    }
  }

  @Test
  void aGoodCanaryIsPromotedAndABrokenOneRolledBackAutomatically() throws Exception {
    ModelRepository repo = new ModelRepository(dir.resolve("repo"));
    Path stateDir = dir.resolve("rollouts");
    Path v1 = TestModels.save(TestModels.train(20, 3, 1), dir.resolve("v1.json"));
    Path v2 = TestModels.save(TestModels.train(30, 3, 2), dir.resolve("v2.json"));
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repo.root(), "127.0.0.1", 0, 0);
        InferenceClient client = InferenceClient.connect(server.address())) {
      ModelRollout rollout =
          new ModelRollout(stateDir, repo, client, FilModelConfig.Serving.onCpu());
      RolloutState s1 = rollout.deploy("ctr", 1, v1, TestModels.metadata("ctr", 1), 10);
      assertThat(s1.live()).isEqualTo(1);
      assertThat(s1.canary()).isNull();
      rollout.setThresholds("ctr", new RolloutState.Thresholds(0.05, 5_000, 5, 10));

      RolloutState s2 = rollout.deploy("ctr", 2, v2, TestModels.metadata("ctr", 2), 50);
      assertThat(s2.canary()).isEqualTo(2);
      assertThat(client.modelReady("ctr", "1")).isTrue();
      assertThat(client.modelReady("ctr", "2")).isTrue();
      // Routing is stable per key and splits keys between the two versions.
      Map<String, String> routes = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        routes.put("user-" + i, rollout.route("ctr", "user-" + i));
      }
      assertThat(new HashSet<>(routes.values())).containsExactlyInAnyOrder("1", "2");
      routes.forEach(
          (key, version) -> {
            try {
              assertThat(rollout.route("ctr", key)).isEqualTo(version);
            } catch (java.io.IOException e) {
              throw new AssertionError(e);
            }
          });
      float[] row = TestModels.rows(1, 3);
      for (int i = 0; i < 200 && rollout.state("ctr").canary() != null; i++) {
        rollout.score("ctr", "user-" + i, row, 1, TestModels.FEATURES);
      }
      RolloutState promoted = rollout.state("ctr");
      assertThat(promoted.live()).isEqualTo(2);
      assertThat(promoted.canary()).isNull();
      assertThat(promoted.history())
          .extracting(RolloutState.Event::event)
          .containsExactly("live", "canary", "promoted");
      assertThat(client.modelReady("ctr", "1")).isFalse();

      // A canary whose feature layout differs from the live one cannot share its config.
      Path v3 = TestModels.save(trainOnSevenFeatures(), dir.resolve("v3.json"));
      ServingMetadata seven =
          new ServingMetadata(
              "ctr",
              3,
              "run-3",
              "ctr",
              IntStream.range(0, 7).mapToObj(i -> "g" + i).toList(),
              1.0,
              "w");
      assertThatThrownBy(() -> rollout.deploy("ctr", 3, v3, seven, 50))
          .hasMessageContaining("input__0 declares 7")
          .hasMessageContaining("2 keeps serving");

      // A canary that errors (here: lost by the server behind the rollout's back) is rolled
      // back once enough of its requests have failed.
      Path v4 = TestModels.save(TestModels.train(40, 3, 4), dir.resolve("v4.json"));
      rollout.deploy("ctr", 4, v4, TestModels.metadata("ctr", 4), 50);
      repo.writeConfig(
          FilModelConfig.build(
              "ctr", TestModels.metadata("ctr", 2), FilModelConfig.Serving.onCpu(), List.of(2)));
      client.load("ctr");
      int errors = 0;
      for (int i = 0; i < 200 && rollout.state("ctr").canary() != null; i++) {
        try {
          rollout.score("ctr", "user-" + i, row, 1, TestModels.FEATURES);
        } catch (InferenceClient.InferenceException e) {
          errors++;
        }
      }
      RolloutState rolledBack = rollout.state("ctr");
      assertThat(errors).isBetween(5, 6);
      assertThat(rolledBack.live()).isEqualTo(2);
      assertThat(rolledBack.canary()).isNull();
      RolloutState.Event last = rolledBack.history().get(rolledBack.history().size() - 1);
      assertThat(last.event()).isEqualTo("rolled_back");
      assertThat(last.version()).isEqualTo(4);
      assertThat(last.detail()).startsWith("automatic: error rate 1.000");
      assertThat(client.modelReady("ctr", "4")).isFalse();
      assertThat(rollout.score("ctr", "anyone", row, 1, TestModels.FEATURES).version())
          .isEqualTo("2");

      // A version whose file is broken never goes on trial; the live one keeps serving.
      Path broken = Files.writeString(dir.resolve("v5.json"), "not a model");
      assertThatThrownBy(() -> rollout.deploy("ctr", 5, broken, TestModels.metadata("ctr", 5), 20))
          .hasMessageContaining("version 2 keeps serving");
      assertThat(rollout.state("ctr").live()).isEqualTo(2);
      assertThat(client.infer("ctr", null, row, 1, TestModels.FEATURES).version()).isEqualTo("2");
    }

    // A restarted server and rollout pick up where they were.
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repo.root(), "127.0.0.1", 0, 0);
        InferenceClient client = InferenceClient.connect(server.address())) {
      ModelRollout rollout =
          new ModelRollout(stateDir, repo, client, FilModelConfig.Serving.onCpu());
      rollout.resume("ctr");
      assertThat(rollout.state("ctr").live()).isEqualTo(2);
      assertThat(rollout.state("ctr").history())
          .extracting(RolloutState.Event::event)
          .containsExactly(
              "live",
              "canary",
              "promoted",
              "deploy_failed",
              "canary",
              "rolled_back",
              "deploy_failed");
      assertThat(client.modelReady("ctr", "2")).isTrue();
      assertThatThrownBy(() -> rollout.promote("ctr", "manual")).hasMessageContaining("no canary");
      assertThatThrownBy(
              () ->
                  rollout.deploy(
                      "ctr", 6, dir.resolve("v1.json"), TestModels.metadata("ctr", 6), 0))
          .hasMessageContaining("canary: a percentage");
    }
  }

  private static Booster trainOnSevenFeatures() throws Exception {
    int n = 500;
    float[] x = new float[n * 7];
    float[] y = new float[n];
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 7; j++) {
        x[i * 7 + j] = (float) random.nextGaussian();
      }
      y[i] = x[i * 7] > 0 ? 1 : 0;
    }
    DMatrix m = new DMatrix(x, n, 7, Float.NaN);
    m.setLabel(y);
    Booster b =
        XGBoost.train(
            m,
            new HashMap<>(Map.of("objective", "binary:logistic", "verbosity", 0, "silent", "true")),
            5,
            Map.of(),
            null,
            null);
    m.dispose();
    return b;
  }
}
