package io.flywheel.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.content.ContentDocument;
import io.flywheel.content.ContentIndex;
import io.flywheel.content.ContentSearch;
import io.flywheel.content.LocalElasticsearch;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.content.UserAffinities;
import io.flywheel.core.Product;
import io.flywheel.featurestore.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each dependency really stopped in turn (Elasticsearch, the inference server, Redis): every
 * request still answers, names its stand-in, and nothing is a 5xx.
 */
class DeliveryFallbackTest {

  @TempDir Path dir;

  @Test
  void eachDependencyDownIsAFlaggedStandInNeverAFailure() throws Exception {
    Path esDir = Files.createDirectories(dir.resolve("es"));
    try (RedisServer redis = RedisServer.start(Files.createDirectories(dir.resolve("redis")));
        DeliveryWorld world = new DeliveryWorld(dir.resolve("world"), redis.url());
        LocalElasticsearch node = LocalElasticsearch.start(esDir, 0, 512, line -> {})) {
      ContentIndex index = ContentIndex.connect(node.url(), null, 384);
      MiniLmEmbedder embedder = MiniLmEmbedder.shared();
      List<ContentDocument> docs = new ArrayList<>();
      for (Product p : world.products) {
        ContentDocument d = ContentDocument.ofProduct(p);
        docs.add(d.withEmbedding(embedder.embed(d.embeddedText())));
      }
      index.rebuild(docs, n -> {});
      ContentRetrieval retrieval =
          ContentRetrieval.search(
              new ContentSearch(index, embedder, UserAffinities.NONE), Duration.ZERO);
      try (DeliveryService service =
          world
              .service(ImpressionLog.file(dir.resolve("events.jsonl")))
              .retrieval(retrieval)
              .settings(
                  DeliveryService.Settings.defaults()
                      .withExploration(0)
                      .withDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(2)))
              .build()) {
        Product wanted = world.products.get(world.products.size() / 2);
        RecommendationRequest search =
            new RecommendationRequest(
                "u1", Slot.SEARCH, 5, wanted.title(), null, null, null, DeliveryWorld.NOW);
        RecommendationRequest home =
            new RecommendationRequest(
                DeliveryWorld.FAN, Slot.HOME, 5, null, null, null, null, DeliveryWorld.NOW);

        // Everything up: the index answers the search, the ranker scores.
        Recommendation healthy = service.recommend(search);
        assertThat(healthy.fallbacks()).isEmpty();
        assertThat(healthy.model()).isEqualTo("flywheel-ctr/1");
        assertThat(healthy.items()).anyMatch(i -> i.sources().contains("index"));
        assertThat(service.recommend(home).fallbacks()).isEmpty();

        // Elasticsearch stopped: co-visitation and popularity answer instead.
        node.close();
        Recommendation noIndex = service.recommend(search);
        assertThat(noIndex.fallbacks()).containsExactly(DeliveryService.INDEX);
        assertThat(noIndex.items()).hasSize(5).noneMatch(i -> i.sources().contains("index"));

        // The inference server stopped too: popularity order.
        int port = world.inference.grpcPort();
        world.inference.close();
        Recommendation noRanker = service.recommend(home);
        assertThat(noRanker.fallbacks()).contains(DeliveryService.RANKER);
        assertThat(noRanker.model()).isNull();
        assertThat(noRanker.items()).hasSize(5);
        assertThat(noRanker.items().get(0).productId()).isEqualTo(world.products.get(0).id());
        // Started again on its port: the ranker is back within seconds, not after the
        // channel's reconnect back-off.
        for (int i = 0; i < 3; i++) {
          service.recommend(home);
          Thread.sleep(500);
        }
        world.restartInference(port);
        Recommendation back = null;
        for (int i = 0; i < 20 && (back == null || back.model() == null); i++) {
          Thread.sleep(250);
          back = service.recommend(home);
        }
        assertThat(back.model()).isEqualTo("flywheel-ctr/1");
        assertThat(back.fallbacks()).doesNotContain(DeliveryService.RANKER);
        world.inference.close();

        // Redis stopped as well: defaults, and still an answer.
        redis.close();
        Recommendation noFeatures = service.recommend(home);
        assertThat(noFeatures.fallbacks()).contains(DeliveryService.FEATURES);
        assertThat(noFeatures.items()).hasSize(5);
        // Every stand-in is counted for /metrics.
        assertThat(service.counts().fallbacks())
            .hasEntrySatisfying(DeliveryService.INDEX, n -> assertThat(n).isPositive())
            .hasEntrySatisfying(DeliveryService.RANKER, n -> assertThat(n).isPositive())
            .hasEntrySatisfying(DeliveryService.FEATURES, n -> assertThat(n).isPositive());
      }
    }
  }
}
