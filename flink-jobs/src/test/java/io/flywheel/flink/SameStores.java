package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.TrainingExample;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Asserts that two feature stores hold the same training set and the same features. */
final class SameStores {
  static final LocalDate FROM = LocalDate.of(2026, 1, 1);
  static final LocalDate TO = LocalDate.of(2026, 12, 31);
  static final List<String> VIEWS =
      List.of(
          "user_activity",
          "user_category_affinity",
          "product_stats",
          "content_stats",
          "variant_stats",
          "product_covisit");

  private SameStores() {}

  static void assertSame(FeatureStore expected, FeatureStore actual) {
    List<TrainingExample> want = sorted(expected.trainingSet(FROM, TO));
    assertThat(want).isNotEmpty();
    assertThat(sorted(actual.trainingSet(FROM, TO))).hasSameSizeAs(want).isEqualTo(want);
    for (String viewName : VIEWS) {
      FeatureView view = expected.registry().view(viewName);
      Map<String, FeatureVector> newest = newestPerKeyAndDate(expected, view);
      assertThat(newest).as(viewName + " offline").isNotEmpty();
      assertThat(newestPerKeyAndDate(actual, view)).as(viewName + " offline").isEqualTo(newest);
      Set<String> keys =
          newest.values().stream().map(FeatureVector::key).collect(Collectors.toSet());
      assertThat(actual.online().getMany(view, keys))
          .as(viewName + " online")
          .isEqualTo(expected.online().getMany(view, keys));
    }
  }

  static List<TrainingExample> sorted(List<TrainingExample> examples) {
    return examples.stream().sorted(Comparator.comparing(TrainingExample::eventId)).toList();
  }

  /** Snapshots are one per entity and date, the newest of that day. */
  static Map<String, FeatureVector> newestPerKeyAndDate(FeatureStore store, FeatureView view) {
    Map<String, FeatureVector> newest = new TreeMap<>();
    for (FeatureVector v : store.offline().readSnapshots(view, FROM, TO)) {
      newest.merge(
          v.key() + "@" + v.asOf() / 86_400_000L, v, (x, y) -> y.asOf() > x.asOf() ? y : x);
    }
    return newest;
  }
}
