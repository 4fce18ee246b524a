package io.flywheel.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.MessageAngle;
import io.flywheel.core.SafetyVerdict;
import io.flywheel.core.ShopperSegment;
import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.CopyBandit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bandit arm chooses each shown product's copy by message angle, logs what it chose among and
 * with what probability, learns from the clicks the shop's page reports (here: shoppers who click
 * only savings copy), keeps what it learnt across a restart, and shows it on {@code GET
 * /v1/bandits}. Segments: a shopper's own (from their features, or the page's word) decides which
 * targeted copy and which segment-targeted experiments apply.
 */
class CopyBanditDeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static DeliveryWorld world;
  static CopyShelf shelf;

  static final ConversionExperiment BANDIT =
      ConversionExperiment.parse(
          """
          id: copy-bandit
          arms:
            - {name: control, weight: 1, treatment: {}}
            - {name: bandit, weight: 3, treatment: {copy: bandit, explore: 0.2}}
          targeting: {slots: [home]}
          """);

  static final ConversionExperiment VIP_ONLY =
      ConversionExperiment.parse(
          """
          id: vip-only
          arms:
            - {name: control, weight: 1, treatment: {}}
            - {name: popular, weight: 1, treatment: {ranking: popularity}}
          targeting: {segments: [vip]}
          """);

  @BeforeAll
  static void start() throws Exception {
    world = new DeliveryWorld(dir);
    List<ContentItem> items = new ArrayList<>(world.copy);
    for (int i = 0; i < world.products.size(); i++) {
      String product = world.products.get(i).id();
      items.add(copy("a-sav-" + i, product, MessageAngle.SAVINGS, "all"));
      items.add(copy("a-qua-" + i, product, MessageAngle.QUALITY, "all"));
    }
    items.add(copy("vip-copy", world.products.get(0).id(), MessageAngle.BRAND, "vip"));
    shelf = CopyShelf.of(items);
  }

  private static ContentItem copy(String id, String product, MessageAngle angle, String segment) {
    return new ContentItem(
        id,
        ContentKind.PRODUCT_DESCRIPTION,
        "en-US",
        "Title " + id,
        "Body " + id,
        List.of(product),
        segment,
        id,
        "campaign-test",
        "template",
        "1",
        SafetyVerdict.APPROVED,
        DeliveryWorld.NOW - 60_000,
        angle);
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  private DeliveryService.Builder service(Path log, List<ConversionExperiment> running)
      throws java.io.IOException {
    return DeliveryService.builder(world.catalog, shelf, ImpressionLog.file(log))
        .features(world.store, world.registry)
        .ranker(world.ranker())
        .experiments(() -> running, Duration.ZERO);
  }

  @Test
  void theBanditLearnsWhichAngleShoppersClickAndKeepsItAcrossARestart() throws Exception {
    Path log = dir.resolve("bandit-events.jsonl");
    Path state = dir.resolve("delivery").resolve("bandits.json");
    List<String> chosenAngles = new ArrayList<>();
    int banditRequests = 0;
    try (DeliveryService service = service(log, List.of(BANDIT)).banditState(state).build()) {
      for (int i = 0; banditRequests < 600; i++) {
        Recommendation r =
            service.recommend(
                new RecommendationRequest(
                    "u-b-" + i, Slot.HOME, 5, null, null, null, null, DeliveryWorld.NOW));
        if (!r.items().get(0).arm().equals("bandit")) {
          continue;
        }
        banditRequests++;
        List<Event> clicks = new ArrayList<>();
        for (RecommendedItem item : r.items()) {
          ContentItem shown = copyById(item.contentId());
          String angle = CopyBandits.angleOf(shown);
          chosenAngles.add(angle);
          // The shop's shoppers read only savings copy: they click it on half the impressions.
          if (angle.equals("savings") && (i + item.position()) % 2 == 0) {
            clicks.add(click(r, item));
          }
        }
        if (!clicks.isEmpty()) {
          service.collect(clicks);
        }
      }
      Map<String, List<CopyBandit.Posterior>> learnt = service.banditPosteriors();
      assertThat(learnt).containsOnlyKeys("copy-bandit/bandit");
      List<CopyBandit.Posterior> home = learnt.get("copy-bandit/bandit");
      assertThat(home).extracting(CopyBandit.Posterior::context).containsOnly("home/new");
      CopyBandit.Posterior savings = find(home, "savings");
      assertThat(savings.mean()).isBetween(0.35, 0.65);
      for (CopyBandit.Posterior p : home) {
        if (!p.variant().equals("savings")) {
          assertThat(p.mean()).isLessThan(0.1);
          assertThat(p.trials()).isLessThan(savings.trials());
        }
      }
      // Exploitation: at the end savings is shown nearly always (0.8 of choices plus its share of
      // the 0.2 explored uniformly); at the start each of the three angles had about a third.
      double late =
          share(chosenAngles.subList(chosenAngles.size() - 500, chosenAngles.size()), "savings");
      assertThat(late).isGreaterThan(0.8);

      try (DeliveryServer server = DeliveryServer.start(service, "secret", "127.0.0.1", 0)) {
        HttpResponse<String> answer =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/v1/bandits"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode rows = JSON.readTree(answer.body()).path("bandits");
        assertThat(rows.size()).isEqualTo(home.size());
        JsonNode row = rows.get(0);
        assertThat(row.path("arm").asText()).isEqualTo("copy-bandit/bandit");
        assertThat(row.has("meanClickRate") && row.has("trials") && row.has("clicks")).isTrue();
      }
    }

    // Every bandit impression says what was chosen among, and the propensity is the slate's
    // placement chance times the copy's.
    List<JsonNode> impressions = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      JsonNode n = JSON.readTree(line);
      if (n.path("type").asText().equals("impression") && n.path("arm").asText().equals("bandit")) {
        impressions.add(n);
      }
    }
    assertThat(impressions).hasSize(chosenAngles.size());
    assertThat(impressions.get(0).path("copyPropensity").asDouble()).isBetween(0.15, 0.55);
    int offeredAll = 0;
    for (JsonNode n : impressions) {
      assertThat(n.path("segment").asText()).isEqualTo("new");
      List<String> among = new ArrayList<>();
      n.path("copyArms").forEach(a -> among.add(a.asText()));
      assertThat(among).contains(n.path("copyArm").asText());
      offeredAll += among.containsAll(List.of("stock", "savings", "quality")) ? 1 : 0;
      double copyPropensity = n.path("copyPropensity").asDouble();
      assertThat(copyPropensity).isBetween(0.2 / among.size(), 1.0);
      assertThat(n.path("propensity").asDouble())
          .isLessThanOrEqualTo(copyPropensity + 1e-12)
          .isGreaterThan(0);
    }

    // (Products past the scoring budget of 300 pairs bring only their first copies.)
    assertThat(offeredAll).isGreaterThan(impressions.size() / 2);

    // A restart picks up where it left off.
    assertThat(state).exists();
    try (DeliveryService again = service(log, List.of(BANDIT)).banditState(state).build()) {
      assertThat(again.banditPosteriors()).isEmpty(); // made on the arm's first choice
      for (int i = 0; again.banditPosteriors().isEmpty(); i++) {
        again.recommend(
            new RecommendationRequest(
                "u-again-" + i, Slot.HOME, 1, null, null, null, null, DeliveryWorld.NOW));
      }
      CopyBandit.Posterior restored =
          find(again.banditPosteriors().get("copy-bandit/bandit"), "savings");
      assertThat(restored.mean()).isCloseTo(0.5, within(0.15));
      assertThat(restored.trials()).isGreaterThan(100);
    }
  }

  @Test
  void segmentsDecideTargetedCopyAndTargetedExperiments() throws Exception {
    Path log = dir.resolve("segment-events.jsonl");
    String vipProduct = world.products.get(0).id();
    try (DeliveryService service = service(log, List.of(VIP_ONLY)).build()) {
      boolean vipCopySeen = false;
      for (int i = 0; i < 40; i++) {
        Recommendation asVip = service.recommend(beside("u-s-" + i, ShopperSegment.VIP));
        assertThat(asVip.items())
            .allSatisfy(it -> assertThat(it.experiment()).isEqualTo("vip-only"));
        assertThat(asVip.pool()).anySatisfy(c -> assertThat(c.productId()).isNotNull());
        vipCopySeen |=
            asVip.pool().stream().anyMatch(c -> c.contentId().equals("vip-copy"))
                || asVip.items().stream().anyMatch(it -> it.contentId().equals("vip-copy"));
        // The same shopper without the page's word is a new shopper: not in the experiment, and
        // never offered the VIP copy.
        Recommendation asThemselves = service.recommend(beside("u-s-" + i, null));
        assertThat(asThemselves.items()).allSatisfy(it -> assertThat(it.experiment()).isNull());
        assertThat(asThemselves.pool())
            .noneSatisfy(c -> assertThat(c.contentId()).isEqualTo("vip-copy"));
      }
      assertThat(vipCopySeen).as("the VIP copy of %s reached a VIP", vipProduct).isTrue();
    }
  }

  /** A product page's request (beside the last product), in the page's word on the segment. */
  private static RecommendationRequest beside(String user, ShopperSegment segment) {
    return new RecommendationRequest(
        user,
        Slot.PRODUCT,
        8,
        null,
        null,
        world.products.get(world.products.size() - 1).id(),
        null,
        DeliveryWorld.NOW,
        true,
        segment);
  }

  private static double share(List<String> angles, String angle) {
    return angles.stream().filter(angle::equals).count() / (double) angles.size();
  }

  private static CopyBandit.Posterior find(List<CopyBandit.Posterior> all, String angle) {
    return all.stream().filter(p -> p.variant().equals(angle)).findFirst().orElseThrow();
  }

  private static ContentItem copyById(String id) {
    for (var product : world.products) {
      for (ContentItem c : shelf.copyFor(product.id(), null)) {
        if (c.id().equals(id)) {
          return c;
        }
      }
    }
    throw new AssertionError("not on the shelf: " + id);
  }

  private static Event click(Recommendation r, RecommendedItem item) {
    return new Event(
        r.requestId() + "-c" + item.position(),
        EventType.CLICK,
        r.userId(),
        item.productId(),
        item.contentId(),
        r.requestId(),
        null,
        item.position(),
        null,
        item.campaignId(),
        item.experiment(),
        item.arm(),
        item.variantId(),
        null,
        null,
        null,
        DeliveryWorld.NOW + 1000,
        DeliveryWorld.NOW + 1000,
        null);
  }
}
