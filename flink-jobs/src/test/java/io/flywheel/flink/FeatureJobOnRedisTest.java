package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.EventType;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.OnlineStore;
import io.flywheel.featurestore.RedisServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a Redis URL the same job fills a real Redis server, with the same values. */
class FeatureJobOnRedisTest {
  @TempDir Path dir;

  @Test
  void theJobWritesTheSameOnlineValuesToRedis() throws Exception {
    Path world = dir.resolve("world");
    MarketplaceSimulator.run(
        new SimulationConfig(120, 30, 2, 9, 0, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    ReplayReference reference =
        new ReplayReference(world.resolve("events.jsonl"), 5_000, 3_600_000);
    try (RedisServer redis = RedisServer.start(dir)) {
      FeatureJobOptions options =
          FeatureJobOptions.defaults(
                  world.resolve("events.jsonl").toString(),
                  world.resolve("products.jsonl").toString(),
                  dir.resolve("home").toString())
              .withRedisUrl(redis.url())
              .withCheckpointInterval(Duration.ofSeconds(1));
      FeatureJob.run(options);
      long end = reference.streamEnd();
      Set<String> users =
          reference.accepted.stream().map(e -> e.userId()).collect(Collectors.toSet());
      try (OnlineStore store = OnlineStore.open(dir, redis.url(), Clock.systemUTC())) {
        Map<String, FeatureVector> values =
            store.getMany(FeatureRegistry.builtIn().view("user_activity"), users);
        assertThat(store.describe()).startsWith("redis:");
        assertThat(values.keySet()).isEqualTo(users);
        for (String user : users) {
          assertThat(values.get(user).asOf()).isEqualTo(end);
          assertThat(values.get(user).number("impressions_24h"))
              .isEqualTo(
                  (double)
                      reference.count(
                          e -> e.userId().equals(user), EventType.IMPRESSION, end, 3_600_000L, 24));
        }
      }
    }
    // Nothing went to the embedded store.
    assertThat(dir.resolve("home").resolve("features").resolve("online")).doesNotExist();
  }
}
