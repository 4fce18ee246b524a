package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay's output replaces the days it covers, at its end, and nothing before. */
class StoreReplacementTest {
  private static final FeatureRegistry REGISTRY = FeatureRegistry.builtIn();
  private static final long JAN_5 = 1_767_571_200_000L; // 2026-01-05T00:00Z
  private static final long DAY = 86_400_000L;
  private static final LocalDate D5 = LocalDate.parse("2026-01-05");
  private static final LocalDate D7 = LocalDate.parse("2026-01-07");

  @TempDir Path features;

  private static TrainingExample example(String id, long timestamp) {
    return new TrainingExample(
        id, "r-" + id, "u1", "p1", "c1", null, null, null, null, 0, 0.5, timestamp, true, false,
        Map.of());
  }

  private OfflineStore live() {
    return new OfflineStore(features.resolve("offline"), REGISTRY);
  }

  private static OfflineStore staged(StoreReplacement r) {
    return new OfflineStore(r.outputDir().resolve("offline"), REGISTRY);
  }

  private List<String> ids() {
    return live().readTrainingSet(LocalDate.MIN, LocalDate.MAX).stream()
        .map(TrainingExample::eventId)
        .sorted()
        .toList();
  }

  /** The store before a replay: days 4 to 7, one example each, and one dead letter. */
  private void committedStore() throws IOException {
    live()
        .writeTrainingExamples(
            List.of(
                example("old4", JAN_5 - DAY),
                example("old5", JAN_5),
                example("old6", JAN_5 + DAY),
                example("old7", JAN_5 + 2 * DAY)));
    Files.createDirectories(features.resolve("features"));
    Files.writeString(features.resolve("features").resolve("dead-letters-0.jsonl"), "old\n");
  }

  /** A replay of days 5 to 7 that produced examples for 5 and 6 only, and new dead letters. */
  private StoreReplacement replay() throws IOException {
    StoreReplacement r = StoreReplacement.begin(features, D5, D7, true);
    staged(r).writeTrainingExamples(List.of(example("new5", JAN_5), example("new6", JAN_5 + DAY)));
    Path side = Files.createDirectories(r.outputDir().resolve("features"));
    Files.writeString(side.resolve("dead-letters-0.jsonl"), "new\n");
    return r;
  }

  private List<String> hiddenLeftovers() throws IOException {
    try (Stream<Path> all = Files.walk(features)) {
      return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  @Test
  void aCommitReplacesTheCoveredDaysOnlyAndReadersSeeNothingBefore() throws IOException {
    committedStore();
    StoreReplacement r = replay();
    // Staged, not committed: readers see the store as it was.
    assertThat(ids()).containsExactly("old4", "old5", "old6", "old7");

    assertThat(r.commit()).as("partitions replaced or removed").isEqualTo(3);
    // Day 4 is outside the replay; day 7 was covered and produced nothing, so it is gone.
    assertThat(ids()).containsExactly("new5", "new6", "old4");
    assertThat(features.resolve("features").resolve("dead-letters-0.jsonl")).hasContent("new");
    assertThat(hiddenLeftovers()).isEmpty();
  }

  @Test
  void aReplayOfSomeDaysCommitsThoseDaysOnlyAndKeepsTheDeadLetters() throws IOException {
    committedStore();
    StoreReplacement r = StoreReplacement.begin(features, D5, D5, false);
    staged(r)
        .writeTrainingExamples(
            List.of(example("new5", JAN_5), example("tail6", JAN_5 + DAY))); // a labelling tail
    Files.createDirectories(r.outputDir().resolve("features"));
    assertThat(r.commit()).isEqualTo(1);
    assertThat(ids()).containsExactly("new5", "old4", "old6", "old7");
    assertThat(features.resolve("features").resolve("dead-letters-0.jsonl")).hasContent("old");
    assertThat(hiddenLeftovers()).isEmpty();
  }

  @Test
  void aFailedReplayIsAbandonedAndAKilledOneIsClearedByTheNextWriter() throws IOException {
    committedStore();
    replay().abandon();
    StoreReplacement killed = replay(); // never committed nor abandoned
    assertThat(ids()).containsExactly("old4", "old5", "old6", "old7");
    assertThat(StoreReplacement.recover(features)).isEqualTo(1);
    assertThat(killed.outputDir()).doesNotExist();
    assertThat(ids()).containsExactly("old4", "old5", "old6", "old7");
    assertThat(features.resolve("features").resolve("dead-letters-0.jsonl")).hasContent("old");
    assertThat(hiddenLeftovers()).isEmpty();
  }

  /**
   * The ids, read while a commit swaps partitions: a partition swapped between listing its files
   * and opening one reads as nothing this time (readers racing a commit retry; this one polls).
   */
  private List<String> idsWhileSwapping() {
    try {
      return ids();
    } catch (java.io.UncheckedIOException swapped) {
      return List.of();
    }
  }

  @Test
  void aCommitStoppedMidwayIsFinishedByTheNextWriter() throws Exception {
    committedStore();
    StoreReplacement r = replay();
    AtomicReference<Throwable> stopped = new AtomicReference<>();
    System.setProperty(StoreReplacement.HALT_AFTER_SWAPS, "1");
    Thread committer;
    try {
      committer =
          new Thread(
              () -> {
                try {
                  r.commit();
                } catch (RuntimeException e) {
                  stopped.set(e);
                }
              });
      committer.start();
      // Wait for the first swap: day 5 holds the new example.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!idsWhileSwapping().contains("new5") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      committer.interrupt();
      committer.join(10_000);
    } finally {
      System.clearProperty(StoreReplacement.HALT_AFTER_SWAPS);
    }
    assertThat(stopped.get()).hasMessageContaining("halted midway");
    // Midway: each partition whole, some new and some old.
    assertThat(ids()).containsExactly("new5", "old4", "old6", "old7");

    assertThat(StoreReplacement.recover(features)).isEqualTo(1);
    assertThat(ids()).containsExactly("new5", "new6", "old4");
    assertThat(features.resolve("features").resolve("dead-letters-0.jsonl")).hasContent("new");
    assertThat(hiddenLeftovers()).isEmpty();
  }
}
