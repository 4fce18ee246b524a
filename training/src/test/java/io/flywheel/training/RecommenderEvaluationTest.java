package io.flywheel.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.ShopCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recommenders, fitted before a cut-off and judged on what shoppers did after it. */
class RecommenderEvaluationTest {
  @TempDir static Path dir;
  static Path world;
  static ShopCatalog catalog;

  @BeforeAll
  static void shop() throws Exception {
    world = dir.resolve("world");
    MarketplaceSimulator.run(
        new SimulationConfig(1000, 200, 7, 11, 0.01, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    catalog = ShopCatalog.load(world.resolve("products.jsonl"));
  }

  @Test
  void everyRecommenderIsJudgedAgainstTheHeldOutBehaviourAndTheOracle() throws Exception {
    RecommenderEvaluation.Result r =
        RecommenderEvaluation.evaluate(
            world.resolve("events.jsonl"), catalog, world.resolve("truth.jsonl"), 10, 0.2);
    assertThat(r.shoppers()).isPositive();
    assertThat(r.figures())
        .containsOnlyKeys(
            "global_popularity", "category_popularity", "covisitation", "preference_oracle");
    for (Map<String, Double> f : r.figures().values()) {
      assertThat(f.get("ndcg")).isBetween(0.0, 1.0);
      assertThat(f.get("hit_rate")).isBetween(f.get("precision"), 1.0);
    }
    // Known shoppers all get the same global list: coverage is k products of the catalogue.
    Map<String, Double> global = r.figures().get("global_popularity");
    assertThat(global.get("catalog_coverage")).isEqualTo(10.0 / catalog.size());
    assertThat(r.figures().get("covisitation").get("catalog_coverage"))
        .isGreaterThan(global.get("catalog_coverage"));
    assertThat(r.figures().get("covisitation").get("oracle_ratio")).isPositive();
  }

  @Test
  void nothingAfterTheCutOffLeaksIntoTheFit() {
    Event before = event("e1", "u1", "p1", EventType.CLICK, 1_000);
    Event after = event("e2", "u2", "p2", EventType.ADD_TO_CART, 5_000);
    Recommenders r = Recommenders.fit(List.of(before, after), catalog, 2_000);
    assertThat(r.recommend("global_popularity", "u9", 10)).containsExactly("p1");
    assertThat(r.knows("u1")).isTrue();
    assertThat(r.knows("u2")).isFalse();
    assertThatThrownBy(() -> r.recommend("bestsellers", "u1", 10))
        .hasMessageContaining("recommender: one of");
  }

  private static Event event(String id, String user, String product, EventType type, long t) {
    return new Event(
        id,
        type,
        user,
        product,
        null,
        null,
        "s-" + user,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        t,
        t,
        Map.of());
  }
}
