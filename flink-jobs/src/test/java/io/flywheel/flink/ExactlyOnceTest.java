package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.Event;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure after a checkpoint, mid-stream: Flink restores the job from that checkpoint and
 * replays; the stores must end exactly as those of an uninterrupted run (no example lost or
 * written twice, no online value different).
 */
class ExactlyOnceTest {
  private static final LocalDate FROM = LocalDate.of(2026, 1, 1);
  private static final LocalDate TO = LocalDate.of(2026, 12, 31);

  @TempDir
  Path dir;

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
    return FeatureJobOptions.defaults(world.resolve("events.jsonl").toString(),
            world.resolve("products.jsonl").toString(), home.toString())
        .withRedisUrl(null).withCheckpointInterval(Duration.ofMillis(300));
  }

  @Test
  void aRestartFromACheckpointEndsWithTheSameStoresAsAnUninterruptedRun() throws Exception {
    Path world = dir.resolve("world");
    // A clean stream: with late data, whether an impression lands behind a stage's watermark
    // depends on thread timing, which no restart can reproduce (see FeatureJobTest for dirt).
    MarketplaceSimulator.run(new SimulationConfig(300, 50, 4, 21, 0, WorldConfig.defaults()),
        world, SimulationProgress.NONE);
    long lines = Files.lines(world.resolve("events.jsonl")).count();

    Path clean = dir.resolve("uninterrupted");
    FeatureJob.runLocal(options(world, clean));
    Path restarted = dir.resolve("restarted");
    Path marker = dir.resolve("failed.txt");
    FeatureJob.runLocal(options(world, restarted), JobProgress.NONE,
        events -> events.map(new FailOnceAfterCheckpoint(lines / 2, marker.toString()))
            .setParallelism(1).name("fail once"));
    assertThat(marker).exists();

    try (FeatureStore a = FeatureStore.open(clean); FeatureStore b = FeatureStore.open(restarted)) {
      List<TrainingExample> expected = sorted(a.trainingSet(FROM, TO));
      List<TrainingExample> actual = sorted(b.trainingSet(FROM, TO));
      assertThat(expected).isNotEmpty();
      assertThat(actual).hasSameSizeAs(expected).isEqualTo(expected);

      // product_covisit comes from the co-visitation job, which is not interrupted: comparing it
      // checks that two runs of that job agree.
      for (String viewName : List.of("user_activity", "user_category_affinity", "product_stats",
          "content_stats", "variant_stats", "product_covisit")) {
        FeatureView view = a.registry().view(viewName);
        Map<String, FeatureVector> newestA = newestPerKeyAndDate(a, view);
        Map<String, FeatureVector> newestB = newestPerKeyAndDate(b, view);
        assertThat(newestB).as(viewName + " offline").isEqualTo(newestA);
        Set<String> keys = newestA.values().stream().map(FeatureVector::key)
            .collect(Collectors.toSet());
        assertThat(b.online().getMany(view, keys)).as(viewName + " online")
            .isEqualTo(a.online().getMany(view, keys));
      }
    }
  }

  private static List<TrainingExample> sorted(List<TrainingExample> examples) {
    return examples.stream().sorted(Comparator.comparing(TrainingExample::eventId)).toList();
  }

  /** Snapshots are one per entity and date, the newest of that day. */
  private static Map<String, FeatureVector> newestPerKeyAndDate(FeatureStore store,
      FeatureView view) {
    Map<String, FeatureVector> newest = new TreeMap<>();
    for (FeatureVector v : store.offline().readSnapshots(view, FROM, TO)) {
      newest.merge(v.key() + "@" + v.asOf() / 86_400_000L, v,
          (x, y) -> y.asOf() > x.asOf() ? y : x);
    }
    return newest;
  }
}
