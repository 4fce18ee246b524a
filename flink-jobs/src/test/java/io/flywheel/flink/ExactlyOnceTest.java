package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.Event;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.FeatureStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure after a checkpoint, mid-stream: Flink restores the job from that checkpoint and
 * replays; the stores must end exactly as those of an uninterrupted run (no example lost or written
 * twice, no online value different).
 */
class ExactlyOnceTest {
  @TempDir Path dir;

  /** Slows the first attempt down until a checkpoint completes, then fails once. */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<Event, Event>
      implements CheckpointListener {
    private final long failAt;
    private final String marker;
    private transient long seen;
    private transient boolean checkpointed;

    FailOnceAfterCheckpoint(long failAt, String marker) {
      this.failAt = failAt;
      this.marker = marker;
    }

    @Override
    public Event map(Event event) throws Exception {
      seen++;
      if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
        if (checkpointed && seen >= failAt) {
          Files.writeString(Path.of(marker), "failed after " + seen + " events");
          throw new IllegalStateException("injected failure after a checkpoint");
        }
        Thread.sleep(1); // give the first checkpoint time to happen mid-stream
      }
      return event;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }

  private FeatureJobOptions options(Path world, Path home) {
    return FeatureJobOptions.defaults(
            world.resolve("events.jsonl").toString(),
            world.resolve("products.jsonl").toString(),
            home.toString())
        .withRedisUrl(null)
        .withCheckpointInterval(Duration.ofMillis(300));
  }

  @Test
  void aRestartFromACheckpointEndsWithTheSameStoresAsAnUninterruptedRun() throws Exception {
    Path world = dir.resolve("world");
    // A dirty stream (duplicates, late and malformed events): lateness is decided by the
    // stream's own order (LogicalClock), which a restart from a checkpoint reproduces.
    MarketplaceSimulator.run(
        new SimulationConfig(300, 50, 4, 21, 0.02, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    long lines = Files.lines(world.resolve("events.jsonl")).count();

    Path clean = dir.resolve("uninterrupted");
    FeatureJob.run(options(world, clean));
    Path restarted = dir.resolve("restarted");
    Path marker = dir.resolve("failed.txt");
    FeatureJob.run(
        options(world, restarted),
        JobProgress.NONE,
        events ->
            events
                .map(new FailOnceAfterCheckpoint(lines / 2, marker.toString()))
                .setParallelism(1)
                .name("fail once"));
    assertThat(marker).exists();

    // product_covisit comes from the co-visitation job, which is not interrupted: comparing it
    // checks that two runs of that job agree.
    try (FeatureStore a = FeatureStore.open(clean, null);
        FeatureStore b = FeatureStore.open(restarted, null)) {
      // Record equality: every example, snapshot and online value bit for bit.
      SameStores.assertSame(a, b);
    }
  }
}
