package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.RedisServer;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.PredictionTarget;
import io.flywheel.training.ScoringModel;
import io.flywheel.training.TrainingTable;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With FLINK_REST_URL the same jobs are submitted, as a job jar, to a standalone session cluster
 * (JobManager and TaskManager in their own JVMs), and fill the stores exactly as a local run does.
 * Runs after packaging, since it needs the job jar.
 */
class RemoteClusterIT {
  @TempDir Path dir;

  @Test
  void aSessionClusterRunsTheJobsWithTheSameResultsAsALocalRun() throws Exception {
    Path world = dir.resolve("world");
    // A clean stream: with late deliveries, which impressions land behind a stage's watermark
    // depends on thread timing, so two runs need not agree on those (see ExactlyOnceTest).
    MarketplaceSimulator.run(
        new SimulationConfig(150, 40, 3, 17, 0, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    FeatureJobOptions local =
        FeatureJobOptions.defaults(
                world.resolve("events.jsonl").toString(),
                world.resolve("products.jsonl").toString(),
                dir.resolve("local").toString())
            .withRedisUrl(null)
            .withFlinkRestUrl(null)
            .withCheckpointInterval(Duration.ofSeconds(1));
    FeatureJobResult expected = FeatureJob.run(local);

    // Remote TaskManagers write the online store on Redis (a RocksDB folder would live in
    // their own processes); the offline store goes to the shared data folder.
    try (RedisServer redis = RedisServer.start(dir);
        FlinkSessionCluster cluster = FlinkSessionCluster.start(dir.resolve("cluster"), 2)) {
      FeatureJobResult actual =
          FeatureJob.run(
              FeatureJobOptions.defaults(
                      local.events(), local.products(), dir.resolve("remote").toString())
                  .withRedisUrl(redis.url())
                  .withFlinkRestUrl(cluster.restUrl())
                  .withCheckpointInterval(local.checkpointInterval()));
      assertThat(cluster.overview()).as(cluster.logs()).contains("\"jobs-finished\":2");

      assertThat(actual.accepted()).isEqualTo(expected.accepted()).isPositive();
      assertThat(actual.malformed()).isEqualTo(expected.malformed());
      assertThat(actual.duplicates()).isEqualTo(expected.duplicates());
      assertThat(actual.late()).isEqualTo(expected.late());
      assertThat(actual.trainingExamples()).isEqualTo(expected.trainingExamples());
      assertThat(actual.sessions()).isEqualTo(expected.sessions());
      try (FeatureStore a = FeatureStore.open(dir.resolve("local"), null);
          FeatureStore b = FeatureStore.open(dir.resolve("remote"), redis.url())) {
        SameStores.assertSame(a, b);
      }

      // XGBoost on the same cluster: two workers in the TaskManagers join the Rabit tracker in
      // this JVM and train the same model as two workers on a local MiniCluster.
      TrainingTable.Builder rows =
          TrainingTable.builder(ShopCatalog.load(world.resolve("products.jsonl")));
      try (FeatureStore store = FeatureStore.open(dir.resolve("local"), null)) {
        store
            .offline()
            .forEachTrainingExample(java.time.LocalDate.MIN, java.time.LocalDate.MAX, rows);
      }
      TrainingTable table = rows.build();
      ModelTrainer.Options options = ModelTrainer.Options.defaults().withMaxRounds(20);
      ScoringModel onMiniCluster =
          ModelTrainer.train(
              table, PredictionTarget.CTR, options, ModelTrainer.Engine.flink(2, null));
      ScoringModel onCluster =
          ModelTrainer.train(
              table,
              PredictionTarget.CTR,
              options,
              ModelTrainer.Engine.flink(2, cluster.restUrl()));
      assertThat(cluster.overview()).as(cluster.logs()).contains("\"jobs-finished\":3");
      assertThat(onCluster.validation().predictions())
          .usingComparatorWithPrecision(1e-6)
          .containsExactly(onMiniCluster.validation().predictions());
    }
  }
}
