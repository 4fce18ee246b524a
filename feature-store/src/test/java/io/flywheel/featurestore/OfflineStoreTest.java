package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineStoreTest {
  private static final FeatureRegistry REGISTRY = FeatureRegistry.builtIn();
  private static final long JAN_5 = 1_767_571_200_000L; // 2026-01-05T00:00Z
  private static final long DAY = 86_400_000L;

  @TempDir Path root;

  @Test
  void snapshotsArePartitionedByDateAndReadBackByRange() throws IOException {
    OfflineStore store = new OfflineStore(root, REGISTRY);
    FeatureView activity = REGISTRY.view("user_activity");
    FeatureVector monday =
        new FeatureVector(
            "user_activity", "u1", JAN_5 + 3_600_000, Map.of("clicks_7d", 3.0, "ctr_7d", 0.06));
    FeatureVector tuesday =
        new FeatureVector(
            "user_activity",
            "u2",
            JAN_5 + DAY + 5,
            Map.of("clicks_7d", 1.0, "seconds_since_last_click", 12.5));
    store.writeSnapshots(activity, List.of(monday, tuesday));

    Path dir = root.resolve("features").resolve("user_activity.v1");
    assertThat(dir.resolve("date=2026-01-05")).isDirectory();
    assertThat(dir.resolve("date=2026-01-06")).isDirectory();
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("."))).isEmpty();
    }
    assertThat(
            store.readSnapshots(
                activity, LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-06")))
        .containsExactlyInAnyOrder(monday, tuesday);
    assertThat(
            store.readSnapshots(
                activity, LocalDate.parse("2026-01-06"), LocalDate.parse("2026-01-30")))
        .containsExactly(tuesday);

    FeatureView covisit = REGISTRY.view("product_covisit");
    FeatureVector neighbours =
        new FeatureVector(
            "product_covisit",
            "p1",
            JAN_5,
            Map.of("neighbours", List.of(new ScoredItem("p2", 3.0), new ScoredItem("p9", 1.0))));
    store.writeSnapshots(covisit, List.of(neighbours));
    assertThat(
            store.readSnapshots(
                covisit, LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-05")))
        .containsExactly(neighbours);
  }

  @Test
  void trainingExamplesRoundTripWithLabelsIdsAndFeatures() {
    OfflineStore store = new OfflineStore(root, REGISTRY);
    TrainingExample a =
        new TrainingExample(
            "e1",
            "r1",
            "u1",
            "p1",
            "c1",
            "cmp-home",
            null,
            null,
            "v2",
            1,
            0.25,
            JAN_5 + 10,
            true,
            false,
            Map.of(
                TrainingExample.column("user_activity", "clicks_7d"),
                4.0,
                TrainingExample.column("user_category_affinity", "category_1"),
                "Tea",
                TrainingExample.column("product_stats", "trend"),
                1.5));
    TrainingExample b =
        new TrainingExample(
            "e2",
            "r2",
            "u2",
            "p2",
            "c2",
            null,
            "exp-1",
            "treatment",
            "v1",
            0,
            0.5,
            JAN_5 + 2 * DAY,
            false,
            false,
            Map.of());
    store.writeTrainingExamples(List.of(a, b));
    assertThat(store.trainingDates())
        .containsExactly(LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-07"));
    assertThat(store.readTrainingSet(LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-31")))
        .containsExactlyInAnyOrder(a, b);
    assertThat(store.readTrainingSet(LocalDate.parse("2026-01-06"), LocalDate.parse("2026-01-31")))
        .containsExactly(b);

    TrainingExample bad =
        new TrainingExample(
            "e3",
            "r3",
            "u3",
            "p3",
            "c3",
            null,
            null,
            null,
            null,
            0,
            0.5,
            JAN_5,
            false,
            false,
            Map.of("user_activity__no_such_feature", 1.0));
    assertThatThrownBy(() -> store.writeTrainingExamples(List.of(bad)))
        .hasMessageContaining("unknown feature column 'user_activity__no_such_feature'");
  }

  /**
   * Every Parquet path the platform uses, with the minimal Hadoop jars the build declares: each
   * built-in view written directly and staged-then-published (the Flink sink's two-phase commit),
   * read back by range, and training examples streamed back.
   */
  @Test
  void everyBuiltInViewAndTheTrainingExamplesRoundTripThroughEveryWritePath() {
    OfflineStore store = new OfflineStore(root, REGISTRY);
    for (FeatureView view : REGISTRY.views()) {
      java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();
      int i = 0;
      for (String name : view.featureNames()) {
        i++;
        values.put(
            name,
            switch (view.feature(name).type()) {
              case NUMBER -> 0.5 * i;
              case TEXT -> "text-" + i;
              case RANKED -> List.of(new ScoredItem("p" + i, i), new ScoredItem("q" + i, 0.5));
            });
      }
      FeatureVector direct = new FeatureVector(view.name(), "k1", JAN_5 + 1_000, values);
      FeatureVector staged = new FeatureVector(view.name(), "k2", JAN_5 + DAY + 1_000, values);
      store.writeSnapshots(view, List.of(direct));
      List<String> parts = store.stageSnapshots(view, List.of(staged));
      assertThat(parts).isNotEmpty();
      assertThat(
              store.readSnapshots(
                  view, LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-06")))
          .as(view.name())
          .containsExactly(direct);
      parts.forEach(OfflineStore::publish);
      parts.forEach(OfflineStore::publish); // a retried commit changes nothing
      assertThat(
              store.readSnapshots(
                  view, LocalDate.parse("2026-01-05"), LocalDate.parse("2026-01-06")))
          .as(view.name())
          .containsExactlyInAnyOrder(direct, staged);
    }
    TrainingExample example =
        new TrainingExample(
            "e1",
            "r1",
            "u1",
            "p1",
            "c1",
            "camp",
            "x1",
            "b",
            "v1",
            2,
            0.25,
            JAN_5 + 5,
            true,
            false,
            Map.of(TrainingExample.column("user_activity", "ctr_7d"), 0.07));
    store.stageTrainingExamples(List.of(example)).forEach(OfflineStore::publish);
    List<TrainingExample> streamed = new java.util.ArrayList<>();
    store.forEachTrainingExample(LocalDate.MIN, LocalDate.MAX, streamed::add);
    assertThat(streamed).hasSize(1);
    assertThat(streamed.get(0).eventId()).isEqualTo("e1");
    assertThat(streamed.get(0).clicked()).isTrue();
    assertThat(streamed.get(0).number("user_activity", "ctr_7d")).isEqualTo(0.07);
  }
}
