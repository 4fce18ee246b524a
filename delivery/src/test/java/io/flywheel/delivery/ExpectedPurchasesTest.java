package io.flywheel.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.deploy.ServingMetadata;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureVector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A click model's scores are turned into expected purchases (P(click) × the product's purchases per
 * click) before products are ordered; a model that already predicts purchases is left as it is.
 */
class ExpectedPurchasesTest {
  @TempDir static Path dir;

  static DeliveryWorld world;
  static String likelyClick;
  static String likelyPurchase;

  @BeforeAll
  static void start() throws Exception {
    world = new DeliveryWorld(dir);
    likelyClick = world.products.get(0).id();
    likelyPurchase = world.products.get(1).id();
    FeatureRegistry registry = FeatureRegistry.builtIn();
    // Two best sellers: the first is clicked more, the second bought more per click.
    world.store.upsertAll(
        registry.view("product_stats"),
        List.of(
            new FeatureVector(
                "product_stats",
                likelyClick,
                DeliveryWorld.NOW,
                Map.of("purchases_7d", 50.0, "clicks_7d", 400.0, "conversion_7d", 0.02)),
            new FeatureVector(
                "product_stats",
                likelyPurchase,
                DeliveryWorld.NOW,
                Map.of("purchases_7d", 49.0, "clicks_7d", 399.0, "conversion_7d", 0.30))));
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  /**
   * A ranker of the given target that predicts 0.10 for the first best seller, 0.08 for the second
   * and 0.01 for anything else (each row's product told by its 7-day clicks, set above).
   */
  private static Ranker fixed(String target) {
    ServingMetadata metadata =
        new ServingMetadata(
            DeliveryWorld.MODEL,
            1,
            "run-1",
            target,
            DeliveryWorld.featureNames(),
            1.0,
            "2026-01-06/2026-01-08");
    int clicks = metadata.featureNames().indexOf("product_stats__clicks_7d");
    return new Ranker() {
      @Override
      public Version versionFor(String requestKey) {
        return new Version(DeliveryWorld.MODEL, "1", metadata);
      }

      @Override
      public double[] score(
          Version version, String requestKey, float[] values, int rows, int columns) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
          float c = values[r * columns + clicks];
          out[r] = c == 400f ? 0.10 : c == 399f ? 0.08 : 0.01;
        }
        return out;
      }
    };
  }

  private static Recommendation top(String target) throws Exception {
    try (DeliveryService service =
        world
            .service(ImpressionLog.file(dir.resolve(target + ".jsonl")))
            .ranker(fixed(target))
            .settings(DeliveryService.Settings.defaults().withExploration(0))
            .build()) {
      return service.recommend(
          new RecommendationRequest(
              "u-nobody", Slot.HOME, 1, null, null, null, null, DeliveryWorld.NOW, false, null));
    }
  }

  @Test
  void aClickModelIsRankedByExpectedPurchases() throws Exception {
    Recommendation r = top("ctr");
    assertThat(r.fallbacks()).isEmpty();
    RecommendedItem first = r.items().get(0);
    assertThat(first.productId()).isEqualTo(likelyPurchase);
    assertThat(first.score()).isCloseTo(0.08 * 0.30, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aPurchaseModelIsLeftAsItIs() throws Exception {
    Recommendation r = top("cvr");
    assertThat(r.fallbacks()).isEmpty();
    assertThat(r.items().get(0).productId()).isEqualTo(likelyClick);
    assertThat(r.items().get(0).score()).isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aProductWithoutStatsGetsThePrior() {
    assertThat(DeliveryService.purchasePerClick(null))
        .isEqualTo(DeliveryService.PRIOR_PURCHASES_PER_CLICK);
    assertThat(
            DeliveryService.purchasePerClick(
                new FeatureVector("product_stats", "p", 0, Map.of("conversion_7d", 0.25))))
        .isEqualTo(0.25);
  }
}
