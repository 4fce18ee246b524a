package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.RedisServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append-only events file (what delivery writes its impressions and collected events to),
 * followed by the streaming feature job: lines appended while it runs, even a line written in two
 * pieces, reach the online store, and the file may appear only after the job started.
 */
class FollowedFileTest {
  @TempDir Path dir;

  @Test
  void linesAppendedWhileTheJobRunsReachTheOnlineStore() throws Exception {
    Path world = dir.resolve("world");
    MarketplaceSimulator.run(
        new SimulationConfig(80, 20, 2, 17, 0, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    List<String> lines = new ArrayList<>(Files.readAllLines(world.resolve("events.jsonl")));
    lines.add(lines.size() / 2, "{\"eventId\": \"broken\"");
    lines.add(lines.size() / 2, lines.get(0));
    ReplayReference reference =
        new ReplayReference(world.resolve("events.jsonl"), 5_000, 3_600_000);
    Path log = dir.resolve("events").resolve("delivery.jsonl");
    Files.createDirectories(log.getParent());

    try (RedisServer redis = RedisServer.start(dir)) {
      FeatureJobOptions options =
          FeatureJobOptions.defaults(
                  log.toString(),
                  world.resolve("products.jsonl").toString(),
                  dir.resolve("home").toString())
              .withRedisUrl(redis.url())
              .withCheckpointInterval(Duration.ofHours(1))
              .following();
      assertThat(options.bounded()).isFalse();

      try (StreamingFeatureJobs jobs = FeatureJob.start(options)) {
        jobs.awaitRunning(Duration.ofMinutes(1));
        // The file appears after the job started, then grows in pieces.
        int half = lines.size() / 2;
        append(log, String.join("\n", lines.subList(0, half)) + "\n");
        Thread.sleep(300);
        String splitLine = lines.get(half);
        append(log, splitLine.substring(0, splitLine.length() / 2));
        Thread.sleep(300);
        assertThat(jobs.eventsRead()).as("a half-written line waits").isLessThanOrEqualTo(half);
        append(log, splitLine.substring(splitLine.length() / 2) + "\n");
        append(log, String.join("\n", lines.subList(half + 1, lines.size())) + "\n");

        StreamingCatchUp.assertCaughtUp(
            jobs, reference, lines.size(), dir.resolve("home"), redis.url(), Duration.ofMinutes(2));
      }
    }
  }

  @Test
  void onlyAFileCanBeFollowed() {
    FeatureJobOptions kafka =
        FeatureJobOptions.streaming(
            new FeatureJobOptions.KafkaTopic("127.0.0.1:9092", "events", "g"), "p.jsonl", "home");
    assertThatThrownBy(kafka::following)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("follow");
    assertThat(FeatureJobOptions.defaults("e.jsonl", "p.jsonl", "home").bounded()).isTrue();
  }

  private static void append(Path file, String text) throws IOException {
    try (OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
