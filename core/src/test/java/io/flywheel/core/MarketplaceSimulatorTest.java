package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Checks that the simulated shop behaves as its latent truth and configuration say. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MarketplaceSimulatorTest {
  private static final long DAY = 86_400_000L;
  private static final SimulationConfig CONFIG =
      new SimulationConfig(3000, 400, 21, 11, 0, WorldConfig.defaults());

  private Path dir;
  private SimulatedShop shop;

  @BeforeAll
  void simulate(@TempDir Path tempDir) {
    dir = tempDir;
    shop = SimulatedShop.simulate(dir.resolve("shop"), CONFIG);
  }

  @Test
  void sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws IOException {
    Path again = dir.resolve("again");
    MarketplaceSimulator.run(CONFIG, again, SimulationProgress.NONE);
    for (String file :
        List.of(
            MarketplaceSimulator.PRODUCTS_FILE,
            MarketplaceSimulator.USERS_FILE,
            MarketplaceSimulator.CONTENT_FILE,
            MarketplaceSimulator.CAMPAIGNS_FILE,
            MarketplaceSimulator.EVENTS_FILE,
            MarketplaceSimulator.TRUTH_FILE)) {
      assertThat(Files.mismatch(shop.dir().resolve(file), again.resolve(file)))
          .as(file)
          .isEqualTo(-1L);
    }
    Path other = dir.resolve("other");
    MarketplaceSimulator.run(
        new SimulationConfig(3000, 400, 21, 12, 0, WorldConfig.defaults()),
        other,
        SimulationProgress.NONE);
    assertThat(
            Files.mismatch(
                shop.dir().resolve(MarketplaceSimulator.EVENTS_FILE),
                other.resolve(MarketplaceSimulator.EVENTS_FILE)))
        .isNotEqualTo(-1L);
  }

  @Test
  void clickProbabilitiesAreCalibratedOverallAndPerDecile() {
    Set<String> clicked =
        shop.ofType(EventType.CLICK).stream()
            .map(e -> e.requestId() + "/" + e.contentId())
            .collect(Collectors.toSet());
    List<Event> impressions = shop.ofType(EventType.IMPRESSION);
    assertThat(impressions.size()).isGreaterThan(50_000);
    double[] p = new double[impressions.size()];
    boolean[] y = new boolean[impressions.size()];
    for (int i = 0; i < p.length; i++) {
      Event e = impressions.get(i);
      p[i] = shop.impressionTruth().get(e.eventId()).pClick();
      y[i] = clicked.contains(e.requestId() + "/" + e.contentId());
    }
    assertCalibrated(p, y, 0, p.length, "all impressions");
    Integer[] order = new Integer[p.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] sortedP = new double[p.length];
    boolean[] sortedY = new boolean[p.length];
    for (int i = 0; i < p.length; i++) {
      sortedP[i] = p[order[i]];
      sortedY[i] = y[order[i]];
    }
    for (int decile = 0; decile < 10; decile++) {
      assertCalibrated(
          sortedP,
          sortedY,
          decile * p.length / 10,
          (decile + 1) * p.length / 10,
          "decile " + decile);
    }
    // Deciles must really differ, or the per-decile check proves nothing.
    assertThat(sortedP[p.length * 95 / 100]).isGreaterThan(3 * sortedP[p.length * 5 / 100]);
  }

  /** Observed clicks within 4 standard deviations of the sum of true probabilities. */
  private static void assertCalibrated(double[] p, boolean[] y, int from, int to, String what) {
    double expected = 0;
    double variance = 0;
    long observed = 0;
    for (int i = from; i < to; i++) {
      expected += p[i];
      variance += p[i] * (1 - p[i]);
      observed += y[i] ? 1 : 0;
    }
    assertThat((double) observed)
        .as(what + ": clicks vs sum of pClick")
        .isCloseTo(expected, within(4 * Math.sqrt(variance)));
  }

  @Test
  void attributedPurchasesFollowTheTruePurchaseProbabilities() {
    long attributed = shop.ofType(EventType.PURCHASE).stream().filter(Event::isAttributed).count();
    double expected = 0;
    double variance = 0;
    for (GroundTruth.ImpressionTruth t : shop.impressionTruth().values()) {
      expected += t.pPurchase();
      variance += t.pPurchase() * (1 - t.pPurchase());
    }
    assertThat(attributed).isEqualTo(shop.summary().attributedPurchases());
    assertThat((double) attributed).isCloseTo(expected, within(4 * Math.sqrt(variance)));
    assertThat(shop.summary().expectedAttributedPurchases()).isCloseTo(expected, within(1e-6));
  }

  @Test
  void eventSharesFollowTheConfiguredWorld() {
    WorldConfig world = CONFIG.world();
    SimulationSummary s = shop.summary();
    Map<EventType, Long> byType =
        shop.events().stream().collect(Collectors.groupingBy(Event::type, Collectors.counting()));
    assertThat(byType.get(EventType.IMPRESSION)).isEqualTo(s.impressions());
    assertThat(byType.get(EventType.CLICK)).isEqualTo(s.clicks());
    assertThat(byType.get(EventType.ADD_TO_CART)).isEqualTo(s.addToCarts());
    assertThat(byType.get(EventType.PURCHASE)).isEqualTo(s.purchases());
    assertThat(byType.getOrDefault(EventType.SEARCH, 0L)).isEqualTo(s.searches());
    // The stock copy states only catalogue facts: nobody has anything to complain about.
    assertThat(byType.getOrDefault(EventType.COMPLAINT, 0L)).isEqualTo(s.complaints()).isZero();
    // A few sessions start with a search (fewer when nothing on sale answers it).
    assertThat((double) s.searches() / s.sessions()).isBetween(0.03, 0.07);
    assertThat(s.eventLines()).isEqualTo(shop.events().size());
    // Every request fills the whole slot once enough content is on sale.
    assertThat(s.impressions()).isEqualTo(s.requests() * world.slotSize());
    // Requests per session: 1 + geometric with the configured mean.
    assertThat((double) s.requests() / s.sessions())
        .isCloseTo(world.requestsPerSession(), within(0.1));
    // Organic purchases: a Bernoulli(organicPurchaseRate) per session.
    double sd =
        Math.sqrt(s.sessions() * world.organicPurchaseRate() * (1 - world.organicPurchaseRate()));
    assertThat((double) s.organicPurchases())
        .isCloseTo(s.sessions() * world.organicPurchaseRate(), within(4 * sd));
    // Sessions: the activity of everyone signed up, summed over the days, within sampling
    // error (arrivals make it an upper bound on the expectation for late joiners).
    double activityDays = 0;
    long end = Instant.parse(s.end()).toEpochMilli();
    long start = Instant.parse(s.start()).toEpochMilli();
    for (User u : shop.users()) {
      double activeDays = (end - Math.max(start, u.joinedAt())) / (double) DAY;
      activityDays += shop.userTruth().get(u.id()).activity() * Math.max(0, activeDays);
    }
    assertThat((double) s.sessions()).isCloseTo(activityDays, within(0.05 * activityDays));
  }

  @Test
  void usersAndProductsArriveOverTimeAndAreNeverSeenBeforeArriving() {
    long start = Instant.parse(shop.summary().start()).toEpochMilli();
    long end = Instant.parse(shop.summary().end()).toEpochMilli();
    long arrivedUsers = shop.users().stream().filter(u -> u.joinedAt() >= start).count();
    long arrivedProducts = shop.products().stream().filter(p -> p.listedAt() >= start).count();
    assertThat(arrivedUsers)
        .isEqualTo(Math.round(CONFIG.users() * 0.3))
        .isEqualTo(shop.summary().arrivedUsers());
    assertThat(arrivedProducts)
        .isEqualTo(Math.round(CONFIG.products() * 0.2))
        .isEqualTo(shop.summary().arrivedProducts());
    // Arrivals spread over the whole run: each third of it gets a third, within 4 sd.
    long third = (end - start) / 3;
    double sd = Math.sqrt(arrivedUsers * (1 / 3.0) * (2 / 3.0));
    for (int k = 0; k < 3; k++) {
      long from = start + k * third;
      long to = from + third;
      long n = shop.users().stream().filter(u -> u.joinedAt() >= from && u.joinedAt() < to).count();
      assertThat((double) n)
          .as("arrivals in third " + k)
          .isCloseTo(arrivedUsers / 3.0, within(4 * sd));
    }
    Map<String, Long> joined =
        shop.users().stream().collect(Collectors.toMap(User::id, User::joinedAt));
    Map<String, Long> listed =
        shop.products().stream().collect(Collectors.toMap(Product::id, Product::listedAt));
    Set<String> activeNewcomers = new HashSet<>();
    for (Event e : shop.events()) {
      assertThat(e.timestamp())
          .as("event %s before its user joined", e.eventId())
          .isGreaterThanOrEqualTo(joined.get(e.userId()));
      if (e.productId() != null) {
        assertThat(e.timestamp())
            .as("event %s before its product was listed", e.eventId())
            .isGreaterThanOrEqualTo(listed.get(e.productId()));
      }
      if (joined.get(e.userId()) >= start) {
        activeNewcomers.add(e.userId());
      }
    }
    // Cold-start users really shop.
    assertThat(activeNewcomers.size()).isGreaterThan((int) (arrivedUsers / 3));
  }

  @Test
  void followUpsCarryTheirImpressionsTrackingAndComeAfterIt() {
    Map<String, Event> impressionBySlot = new HashMap<>();
    for (Event e : shop.ofType(EventType.IMPRESSION)) {
      assertThat(e.propensity()).isBetween(Double.MIN_VALUE, 1.0);
      assertThat(impressionBySlot.put(e.requestId() + "/" + e.contentId(), e))
          .as("one impression per item per request")
          .isNull();
    }
    long organic = 0;
    for (Event e : shop.events()) {
      if (e.type() == EventType.IMPRESSION || e.type() == EventType.SEARCH) {
        continue;
      }
      if (e.requestId() == null) {
        assertThat(e.type()).isIn(EventType.ADD_TO_CART, EventType.PURCHASE);
        organic += e.type() == EventType.PURCHASE ? 1 : 0;
        continue;
      }
      Event shown = impressionBySlot.get(e.requestId() + "/" + e.contentId());
      assertThat(shown).as("impression behind %s", e.eventId()).isNotNull();
      assertThat(e.userId()).isEqualTo(shown.userId());
      assertThat(e.productId()).isEqualTo(shown.productId());
      assertThat(e.timestamp())
          .isGreaterThan(shown.timestamp())
          .isLessThan(shown.timestamp() + DAY);
    }
    assertThat(organic).isEqualTo(shop.summary().organicPurchases()).isPositive();
  }

  @Test
  void cleanStreamIsInEventTimeOrderWithUniqueIds() {
    long previous = Long.MIN_VALUE;
    Set<String> ids = new HashSet<>();
    for (Event e : shop.events()) {
      assertThat(e.timestamp()).isGreaterThanOrEqualTo(previous);
      assertThat(e.receivedAt()).isGreaterThan(e.timestamp());
      previous = e.timestamp();
      assertThat(ids.add(e.eventId())).isTrue();
    }
  }

  @Test
  void truthCoversEveryImpressionAndUser() {
    assertThat(shop.impressionTruth()).hasSize((int) shop.summary().impressions());
    assertThat(shop.userTruth()).hasSize(CONFIG.users());
    Map<String, Event> impressions =
        shop.ofType(EventType.IMPRESSION).stream()
            .collect(Collectors.toMap(Event::eventId, Function.identity()));
    for (GroundTruth.ImpressionTruth t : shop.impressionTruth().values()) {
      Event e = impressions.get(t.eventId());
      assertThat(e).isNotNull();
      assertThat(t.contentId()).isEqualTo(e.contentId());
      assertThat(t.pPurchase()).isLessThanOrEqualTo(t.pClick());
    }
    GroundTruth.UserTruth any = shop.userTruth().get("u0");
    assertThat(any.categoryAffinity().values().stream().mapToDouble(Double::doubleValue).sum())
        .isBetween(0.9, 1.0 + 1e-6);
  }

  @Test
  void configuredWorldChangesTheShop() {
    WorldConfig custom =
        new WorldConfig(
            "2026-03-02T00:00:00Z", 0.5, 0.8, 2, 2, 1.0, 0.35, 0.1, 0.0, -2.6, 0.6, 0.25);
    SimulatedShop small =
        SimulatedShop.simulate(
            dir.resolve("custom"), new SimulationConfig(400, 60, 5, 3, 0, custom));
    SimulationSummary s = small.summary();
    assertThat(s.arrivedUsers()).isEqualTo(200);
    assertThat(s.contentItems()).isEqualTo(120);
    assertThat(s.requests()).isEqualTo(s.sessions());
    assertThat(s.impressions()).isEqualTo(2 * s.requests());
    assertThat(s.organicPurchases()).isZero();
    assertThat(small.events().get(0).timestamp())
        .isGreaterThanOrEqualTo(Instant.parse("2026-03-02T00:00:00Z").toEpochMilli());
  }
}
