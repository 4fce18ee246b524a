package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every online store must do; each implementation's test runs it against the real engine. */
abstract class OnlineStoreContract {
  static final FeatureRegistry REGISTRY = FeatureRegistry.builtIn();
  static final FeatureView ACTIVITY = REGISTRY.view("user_activity");
  static final FeatureView COVISIT = REGISTRY.view("product_covisit");

  OnlineStore store;

  abstract OnlineStore open() throws Exception;

  /** Lets {@code millis} pass as far as TTLs are concerned. */
  abstract void elapse(long millis) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static FeatureVector activity(String key, long asOf, double clicks) {
    return new FeatureVector(
        "user_activity", key, asOf, Map.of("clicks_7d", clicks, "ctr_7d", 0.05));
  }

  @Test
  void upsertsAreIdempotentAndNeverGoBackInTime() {
    assertThat(store.upsert(ACTIVITY, activity("u1", 1_000, 3))).isTrue();
    assertThat(store.upsert(ACTIVITY, activity("u1", 1_000, 3))).isTrue();
    assertThat(store.upsert(ACTIVITY, activity("u1", 900, 1))).isFalse();
    assertThat(store.get(ACTIVITY, "u1"))
        .get()
        .satisfies(
            v -> {
              assertThat(v.asOf()).isEqualTo(1_000);
              assertThat(v.number("clicks_7d")).isEqualTo(3.0);
            });
    assertThat(store.upsert(ACTIVITY, activity("u1", 2_000, 5))).isTrue();
    assertThat(store.get(ACTIVITY, "u1").orElseThrow().number("clicks_7d")).isEqualTo(5.0);
  }

  @Test
  void batchLookupReturnsOnlyStoredKeys() {
    List<FeatureVector> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      batch.add(activity("u" + i, 10_000 + i, i));
    }
    // Within a batch too, the newest vector of a key wins.
    batch.add(activity("u7", 5, 999));
    assertThat(store.upsertAll(ACTIVITY, batch)).isGreaterThanOrEqualTo(500);
    Map<String, FeatureVector> found =
        store.getMany(ACTIVITY, List.of("u1", "u7", "u499", "nobody"));
    assertThat(found.keySet()).containsExactlyInAnyOrder("u1", "u7", "u499");
    assertThat(found.get("u7").number("clicks_7d")).isEqualTo(7.0);
    assertThat(found.get("u499").asOf()).isEqualTo(10_499);
  }

  @Test
  void rankedAndTextValuesRoundTrip() {
    FeatureVector covisit =
        new FeatureVector(
            "product_covisit",
            "p1",
            42,
            Map.of("neighbours", List.of(new ScoredItem("p2", 6.0), new ScoredItem("p3", 2.0))));
    store.upsert(COVISIT, covisit);
    assertThat(store.get(COVISIT, "p1")).contains(covisit);
    FeatureView affinity = REGISTRY.view("user_category_affinity");
    FeatureVector top =
        new FeatureVector(
            "user_category_affinity", "u1", 7, Map.of("category_1", "Tea", "click_weight_1", 1.5));
    store.upsert(affinity, top);
    assertThat(store.get(affinity, "u1")).contains(top);
  }

  @Test
  void viewsAndVersionsDoNotMix() {
    store.upsert(ACTIVITY, activity("k", 1, 1));
    FeatureView v2 =
        new FeatureView("user_activity", 2, "user", Duration.ofDays(1), "", ACTIVITY.features());
    assertThat(store.get(v2, "k")).isEmpty();
    assertThat(store.get(REGISTRY.view("product_stats"), "k")).isEmpty();
  }

  @Test
  void valuesExpireAfterTheirViewsTtl() throws Exception {
    FeatureView shortLived =
        new FeatureView("user_activity", 1, "user", Duration.ofSeconds(1), "", ACTIVITY.features());
    store.upsert(shortLived, activity("u1", 1, 1));
    assertThat(store.get(shortLived, "u1")).isPresent();
    elapse(1_500);
    assertThat(store.get(shortLived, "u1")).isEmpty();
  }
}
