package io.flywheel.featurestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Incremental feature state against brute-force recomputation from the raw events. */
class FeatureLogicTest {
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long START = 1_767_571_200_000L; // 2026-01-05T00:00Z

  private static Event event(long id, EventType type, long ts, String product) {
    return new Event(
        "e" + id,
        type,
        "u1",
        type == EventType.SEARCH ? null : product,
        "c1",
        "r" + id,
        "s1",
        0,
        type == EventType.IMPRESSION ? 0.5 : null,
        "cmp",
        null,
        null,
        "v1",
        type == EventType.PURCHASE || type == EventType.ADD_TO_CART ? 10.0 : null,
        type == EventType.PURCHASE ? 1 : null,
        type == EventType.SEARCH ? "lamp" : null,
        ts,
        ts + 1,
        null);
  }

  /** Bursty events over 12 days, in time order, with a few searches and complaints. */
  private static List<Event> randomEvents(long seed) {
    Random rng = new Random(seed);
    List<Event> events = new ArrayList<>();
    long t = START;
    for (int i = 0; i < 3000; i++) {
      t +=
          rng.nextDouble() < 0.05
              ? (long) (rng.nextDouble() * 20 * HOUR)
              : (long) (rng.nextDouble() * 3 * MINUTE);
      double roll = rng.nextDouble();
      // A few searches and complaints, which no view counts.
      EventType type =
          roll < 0.04
              ? (roll < 0.02 ? EventType.SEARCH : EventType.COMPLAINT)
              : EventType.values()[roll < 0.7 ? 0 : 1 + rng.nextInt(3)];
      events.add(event(i, type, t, "p" + rng.nextInt(3)));
    }
    return events;
  }

  private static long bruteCount(List<Event> events, int kind, long asOf, long tile, int tiles) {
    long lastTile = Math.floorDiv(asOf, tile);
    return events.stream()
        .filter(
            e ->
                e.type().ordinal() == kind
                    && e.timestamp() <= asOf
                    && Math.floorDiv(e.timestamp(), tile) > lastTile - tiles)
        .count();
  }

  @Test
  void userActivityMatchesBruteForceAtEveryCheckpoint() {
    List<Event> events = randomEvents(1);
    UserActivity state = new UserActivity();
    Random rng = new Random(2);
    int checked = 0;
    for (int i = 0; i < events.size(); i++) {
      state.apply(events.get(i));
      long next = i + 1 < events.size() ? events.get(i + 1).timestamp() : Long.MAX_VALUE;
      long asOf =
          events.get(i).timestamp()
              + (rng.nextBoolean() ? 0 : (long) (rng.nextDouble() * 30 * HOUR));
      if (asOf >= next || rng.nextInt(10) != 0) {
        continue;
      }
      List<Event> seen = events.subList(0, i + 1);
      Map<String, Object> values = state.valuesAsOf(asOf);
      String[] kinds = UserActivity.KINDS;
      for (int k = 0; k < kinds.length; k++) {
        assertThat(values.get(kinds[k] + "_1h"))
            .as(kinds[k] + "_1h")
            .isEqualTo((double) bruteCount(seen, k, asOf, 5 * MINUTE, 12));
        assertThat(values.get(kinds[k] + "_24h"))
            .as(kinds[k] + "_24h")
            .isEqualTo((double) bruteCount(seen, k, asOf, HOUR, 24));
        assertThat(values.get(kinds[k] + "_7d"))
            .as(kinds[k] + "_7d")
            .isEqualTo((double) bruteCount(seen, k, asOf, 6 * HOUR, 28));
      }
      long clicks7 = bruteCount(seen, 1, asOf, 6 * HOUR, 28);
      long impressions7 = bruteCount(seen, 0, asOf, 6 * HOUR, 28);
      assertThat((Double) values.get("ctr_7d"))
          .isCloseTo((clicks7 + 1.0) / (impressions7 + 20.0), within(1e-12));
      long lastClick =
          seen.stream()
              .filter(e -> e.type() == EventType.CLICK)
              .mapToLong(Event::timestamp)
              .max()
              .orElse(-1);
      if (lastClick >= 0) {
        assertThat(values.get("seconds_since_last_click")).isEqualTo((asOf - lastClick) / 1000.0);
      } else {
        assertThat(values).doesNotContainKey("seconds_since_last_click");
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(100);
  }

  @Test
  void productStatsMatchBruteForce() {
    List<Event> events = randomEvents(3);
    ProductStats state = new ProductStats();
    for (Event e : events) {
      state.apply(e);
    }
    long asOf = events.get(events.size() - 1).timestamp() + 5 * HOUR;
    Map<String, Object> values = state.valuesAsOf(asOf);
    assertThat(values.get("impressions_24h"))
        .isEqualTo((double) bruteCount(events, 0, asOf, HOUR, 24));
    assertThat(values.get("clicks_7d"))
        .isEqualTo((double) bruteCount(events, 1, asOf, 6 * HOUR, 28));
    assertThat(values.get("purchases_7d"))
        .isEqualTo((double) bruteCount(events, 3, asOf, 6 * HOUR, 28));
    double clicks24 = bruteCount(events, 1, asOf, HOUR, 24);
    double clicks7 = bruteCount(events, 1, asOf, 6 * HOUR, 28);
    assertThat((Double) values.get("trend"))
        .isCloseTo((clicks24 + 1) / (clicks7 / 7 + 1), within(1e-12));
  }

  @Test
  void readingCategoryAffinitiesChangesNothingLaterReadsSee() {
    long hour = 3_600_000L;
    CategoryAffinity read = new CategoryAffinity();
    CategoryAffinity unread = new CategoryAffinity();
    for (int i = 0; i < 50; i++) {
      String category = i % 3 == 0 ? "Tea" : "Wine";
      read.click(category, START + i * 7 * hour);
      unread.click(category, START + i * 7 * hour);
      // One of them is read in between, at odd times, as a stage emitting vectors would.
      read.valuesAsOf(START + i * 7 * hour + 13 * 60_000L);
      read.valuesAsOf(START + i * 7 * hour + 5 * hour);
    }
    long asOf = START + 400 * hour;
    // Bit for bit: values must not depend on how often they were read.
    assertThat(read.valuesAsOf(asOf)).isEqualTo(unread.valuesAsOf(asOf));
  }

  @Test
  void categoryAffinityDecaysByHalfEachWeekAndKeepsTheTopFive() {
    CategoryAffinity state = new CategoryAffinity();
    long week = CategoryAffinity.HALF_LIFE_MILLIS;
    state.click("Tea", START);
    state.click("Tea", START);
    state.purchase("Tea", START);
    state.click("Wine", START + week);
    for (String c : List.of("A", "B", "C", "D")) {
      state.click(c, START + week);
      state.click(c, START + week);
    }
    Map<String, Object> values = state.valuesAsOf(START + 2 * week);
    // Tea: 2 clicks two weeks old = 0.5; A-D: 2 clicks one week old = 1.0; Wine 0.5 as well.
    assertThat(values.get("category_1")).isEqualTo("A");
    assertThat((Double) values.get("click_weight_1")).isCloseTo(1.0, within(1e-12));
    assertThat(values.get("category_5")).isEqualTo("Tea"); // ties on clicks broken by purchases
    assertThat((Double) values.get("purchase_weight_5")).isCloseTo(0.25, within(1e-12));
    assertThat(values).doesNotContainValue("Wine").hasSize(15);
  }

  @Test
  void coVisitationWeighsCoBoughtPairsHigher() {
    CoVisitation.Basket basket = new CoVisitation.Basket();
    basket.add(event(1, EventType.CLICK, START, "p1"));
    basket.add(event(2, EventType.PURCHASE, START + 1, "p1"));
    basket.add(event(3, EventType.PURCHASE, START + 2, "p2"));
    basket.add(event(4, EventType.CLICK, START + 3, "p3"));
    basket.add(event(5, EventType.IMPRESSION, START + 4, "p4"));
    Map<String, Map<String, Double>> pairs = basket.coVisits();
    assertThat(pairs.keySet()).containsExactly("p1", "p2", "p3");
    assertThat(pairs.get("p1")).containsEntry("p2", 3.0).containsEntry("p3", 1.0);
    CoVisitation p1 = new CoVisitation();
    pairs.get("p1").forEach(p1::add);
    pairs.get("p1").forEach(p1::add);
    @SuppressWarnings("unchecked")
    List<ScoredItem> top = (List<ScoredItem>) p1.values().get("neighbours");
    assertThat(top).containsExactly(new ScoredItem("p2", 6.0), new ScoredItem("p3", 2.0));
  }

  @Test
  void everyViewProducesExactlyTheFeaturesTheRegistryDeclares() {
    FeatureRegistry registry = FeatureRegistry.builtIn();
    List<Event> events = randomEvents(4);
    UserActivity user = new UserActivity();
    ProductStats product = new ProductStats();
    ResponseCounts content = new ResponseCounts();
    CategoryAffinity affinity = new CategoryAffinity();
    for (Event e : events) {
      user.apply(e);
      product.apply(e);
      content.apply(e);
    }
    for (String c : List.of("A", "B", "C", "D", "E", "F")) {
      affinity.click(c, START);
      affinity.purchase(c, START);
    }
    CoVisitation covisit = new CoVisitation();
    covisit.add("p9", 1);
    long asOf = events.get(events.size() - 1).timestamp();
    assertThat(user.valuesAsOf(asOf).keySet())
        .containsExactlyElementsOf(registry.view("user_activity").featureNames());
    assertThat(affinity.valuesAsOf(asOf).keySet())
        .containsExactlyElementsOf(registry.view("user_category_affinity").featureNames());
    assertThat(product.valuesAsOf(asOf).keySet())
        .containsExactlyElementsOf(registry.view("product_stats").featureNames());
    assertThat(content.values().keySet())
        .containsExactlyElementsOf(registry.view("content_stats").featureNames())
        .containsExactlyElementsOf(registry.view("variant_stats").featureNames());
    assertThat(covisit.values().keySet())
        .containsExactlyElementsOf(registry.view("product_covisit").featureNames());
    assertThat(registry.views())
        .extracting(FeatureView::name)
        .containsExactly(
            "user_activity",
            "user_category_affinity",
            "product_stats",
            "content_stats",
            "variant_stats",
            "product_covisit");
    assertThat(Set.of(registry.view("product_covisit").feature("neighbours").type()))
        .containsExactly(FeatureType.RANKED);
  }
}
