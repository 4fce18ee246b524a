package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the feature jobs on a MiniCluster over a dirty simulated stream and checks every output
 * against a brute-force recomputation from the raw events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeatureJobTest {
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  private FeatureJobOptions options;
  private FeatureJobResult result;
  private ReplayReference reference;
  private FeatureStore store;

  @BeforeAll
  void runJobs(@TempDir Path dir) throws Exception {
    Path world = dir.resolve("world");
    MarketplaceSimulator.run(
        new SimulationConfig(300, 50, 5, 3, 0.02, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    plantFutureClick(world.resolve("events.jsonl"));
    options =
        FeatureJobOptions.defaults(
                world.resolve("events.jsonl").toString(),
                world.resolve("products.jsonl").toString(),
                dir.resolve("home").toString())
            .withRedisUrl(null)
            .withCheckpointInterval(Duration.ofSeconds(1));
    result = FeatureJob.run(options);
    reference =
        new ReplayReference(
            world.resolve("events.jsonl"),
            options.outOfOrderness().toMillis(),
            options.allowedLateness().toMillis());
    store = FeatureStore.open(dir.resolve("home"), null);
  }

  private static final String PLANTED_USER = "u-planted";
  private static final long PLANTED_AT =
      java.time.Instant.parse("2026-01-07T12:00:00Z").toEpochMilli();

  /**
   * Plants a shopper whose click one millisecond after an impression reaches the stream before the
   * impression does: the impression's example must not see it.
   */
  private static void plantFutureClick(Path events) throws java.io.IOException {
    List<String> lines = new java.util.ArrayList<>(java.nio.file.Files.readAllLines(events));
    long t0 = PLANTED_AT;
    List<Event> planted =
        List.of(
            click("planted-past", t0 - 10 * MINUTE, null, "p0", null),
            click("planted-future", t0 + 1, null, "p1", null),
            new Event(
                "planted-impression",
                EventType.IMPRESSION,
                PLANTED_USER,
                "p0",
                "c0",
                "r-planted",
                "s-planted",
                0,
                0.5,
                null,
                null,
                null,
                "v1",
                null,
                null,
                t0,
                t0 + 5,
                null),
            click("planted-label", t0 + 5 * MINUTE, "r-planted", "p0", "c0"));
    int position = 0;
    long newest = Long.MIN_VALUE;
    while (position < lines.size() && newest < t0 - 10 * MINUTE) {
      try {
        newest =
            Math.max(
                newest,
                io.flywheel.core.Codecs.decodeLine(
                        io.flywheel.core.Codecs.EVENTS, lines.get(position))
                    .timestamp());
      } catch (io.flywheel.core.InvalidRecordException malformed) {
        // dirt stays where it is
      }
      position++;
    }
    List<String> encoded =
        planted.stream()
            .map(e -> io.flywheel.core.Codecs.encodeLine(io.flywheel.core.Codecs.EVENTS, e))
            .toList();
    lines.addAll(position, encoded);
    java.nio.file.Files.write(events, lines);
  }

  private static Event click(String id, long at, String request, String product, String content) {
    return new Event(
        id,
        EventType.CLICK,
        PLANTED_USER,
        product,
        content,
        request,
        "s-planted",
        request == null ? null : 0,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        at,
        at + 5,
        null);
  }

  @Test
  void anEventAfterTheImpressionIsNotSeenEvenWhenItArrivesFirst() {
    TrainingExample example =
        store.trainingSet(LocalDate.of(2026, 1, 7), LocalDate.of(2026, 1, 7)).stream()
            .filter(x -> x.eventId().equals("planted-impression"))
            .findFirst()
            .orElseThrow();
    assertThat(example.number("user_activity", "clicks_1h")).isEqualTo(1.0);
    assertThat(example.number("user_activity", "impressions_1h")).isEqualTo(0.0);
    assertThat(example.number("user_activity", "seconds_since_last_click"))
        .isEqualTo(10 * 60 - 0.001);
    assertThat(example.clicked()).isTrue();
    // The online value, as of the end of the stream, does count the later click.
    assertThat(store.lookup("user_activity", PLANTED_USER).orElseThrow().number("clicks_7d"))
        .isEqualTo(3.0);
  }

  /**
   * The job's outputs equal, bit for bit, those recorded from the job before its second shape: a
   * change of operators, state or serialisation must not change what it computes.
   */
  @Test
  void outputsEqualTheRecordedOnes() throws java.io.IOException {
    GoldenOutputs.assertMatches(
        GoldenOutputs.render(store, result), "feature-job-small.txt.gz", Path.of("target/golden"));
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void badDuplicateAndLateEventsAreCountedNotFatal() {
    assertThat(reference.malformed).isPositive();
    assertThat(result.malformed()).isEqualTo(reference.malformed);
    assertThat(result.duplicates()).isEqualTo(reference.duplicates).isPositive();
    assertThat(result.late()).isEqualTo(reference.late).isPositive();
    assertThat(result.accepted()).isEqualTo(reference.accepted.size());
  }

  @Test
  void onlineUserAndProductFeaturesEqualBruteForceAsOfTheEndOfTheStream() {
    long end = reference.streamEnd();
    FeatureView activity = store.registry().view("user_activity");
    Set<String> users = reference.accepted.stream().map(Event::userId).collect(Collectors.toSet());
    Map<String, FeatureVector> online = store.online().getMany(activity, users);
    assertThat(online.keySet()).isEqualTo(users);
    for (String user : users) {
      FeatureVector v = online.get(user);
      assertThat(v.asOf()).isEqualTo(end);
      Predicate<Event> mine = e -> e.userId().equals(user);
      assertThat(v.number("impressions_1h"))
          .isEqualTo((double) reference.count(mine, EventType.IMPRESSION, end, 5 * MINUTE, 12));
      assertThat(v.number("clicks_24h"))
          .isEqualTo((double) reference.count(mine, EventType.CLICK, end, HOUR, 24));
      assertThat(v.number("purchases_7d"))
          .isEqualTo((double) reference.count(mine, EventType.PURCHASE, end, 6 * HOUR, 28));
      assertThat(v.number("impressions_7d"))
          .isEqualTo((double) reference.count(mine, EventType.IMPRESSION, end, 6 * HOUR, 28));
    }
    FeatureView productStats = store.registry().view("product_stats");
    Set<String> products =
        reference.accepted.stream()
            .map(Event::productId)
            .filter(java.util.Objects::nonNull)
            .collect(Collectors.toSet());
    Map<String, FeatureVector> productValues = store.online().getMany(productStats, products);
    assertThat(productValues.keySet()).isEqualTo(products);
    for (String product : products) {
      Predicate<Event> its = e -> product.equals(e.productId());
      assertThat(productValues.get(product).number("impressions_24h"))
          .isEqualTo((double) reference.count(its, EventType.IMPRESSION, end, HOUR, 24));
      assertThat(productValues.get(product).number("clicks_7d"))
          .isEqualTo((double) reference.count(its, EventType.CLICK, end, 6 * HOUR, 28));
    }
  }

  @Test
  void trainingExamplesSeeOnlyTheEventsBeforeTheirImpressionAndCorrectLabels() {
    List<TrainingExample> examples =
        store.trainingSet(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 12, 31));
    assertThat(examples).hasSize((int) result.trainingExamples()).isNotEmpty();
    long end = reference.streamEnd();
    long impressions =
        reference.accepted.stream().filter(e -> e.type() == EventType.IMPRESSION).count();
    assertThat(
            result.trainingExamples()
                + result.openAttributionWindows()
                + result.examplesBehindWatermark())
        .isEqualTo(impressions);
    // Entities touched by events that arrived behind the watermark: from such an event's time on,
    // their snapshots depend on arrival timing, so the exact brute-force comparison leaves those
    // examples out (earlier examples cannot have seen it). A late search or complaint changes no
    // feature, so it leaves its entities in.
    Map<String, Long> lateFrom = new java.util.HashMap<>();
    reference.accepted.stream()
        .filter(e -> reference.behindWatermark.contains(e.eventId()))
        .filter(e -> e.type() == EventType.IMPRESSION || e.type().showsInterest())
        .forEach(
            e ->
                java.util.stream.Stream.of(e.userId(), e.productId(), e.contentId())
                    .filter(java.util.Objects::nonNull)
                    .forEach(entity -> lateFrom.merge(entity, e.timestamp(), Math::min)));
    int checked = 0;
    for (TrainingExample x : examples) {
      if (java.util.stream.Stream.of(x.userId(), x.productId(), x.contentId())
          .anyMatch(entity -> lateFrom.getOrDefault(entity, Long.MAX_VALUE) <= x.timestamp())) {
        continue;
      }
      checked++;
      long asOf = x.timestamp() - 1;
      assertThat(x.timestamp() + options.purchaseWindow().toMillis()).isLessThanOrEqualTo(end);
      Predicate<Event> user = e -> e.userId().equals(x.userId());
      Predicate<Event> product = e -> x.productId().equals(e.productId());
      assertThat(x.number("user_activity", "impressions_1h"))
          .as(x.eventId())
          .isEqualTo((double) reference.count(user, EventType.IMPRESSION, asOf, 5 * MINUTE, 12));
      assertThat(x.number("user_activity", "clicks_7d"))
          .isEqualTo((double) reference.count(user, EventType.CLICK, asOf, 6 * HOUR, 28));
      assertThat(x.number("product_stats", "impressions_24h"))
          .isEqualTo((double) reference.count(product, EventType.IMPRESSION, asOf, HOUR, 24));
      assertThat(x.number("content_stats", "impressions"))
          .isEqualTo(
              (double)
                  reference.accepted.stream()
                      .filter(
                          e ->
                              e.type() == EventType.IMPRESSION
                                  && x.contentId().equals(e.contentId())
                                  && e.timestamp() < x.timestamp())
                      .count());
      boolean clicked =
          reference.accepted.stream()
              .anyMatch(
                  e ->
                      e.type() == EventType.CLICK
                          && x.requestId().equals(e.requestId())
                          && x.contentId().equals(e.contentId())
                          && e.timestamp() >= x.timestamp()
                          && e.timestamp() <= x.timestamp() + 30 * MINUTE);
      boolean purchased =
          reference.accepted.stream()
              .anyMatch(
                  e ->
                      e.type() == EventType.PURCHASE
                          && x.requestId().equals(e.requestId())
                          && x.contentId().equals(e.contentId())
                          && e.timestamp() >= x.timestamp()
                          && e.timestamp() <= x.timestamp() + 24 * HOUR);
      assertThat(x.clicked()).as("clicked " + x.eventId()).isEqualTo(clicked);
      assertThat(x.purchased()).as("purchased " + x.eventId()).isEqualTo(purchased);
      assertThat(x.propensity()).isNotNull();
    }
    assertThat(checked).isGreaterThan(examples.size() / 2);
    assertThat(examples.stream().filter(TrainingExample::clicked).count()).isPositive();
  }

  @Test
  void offlineSnapshotsEndWithTheValuesServedOnline() {
    FeatureView activity = store.registry().view("user_activity");
    List<FeatureVector> snapshots =
        store
            .offline()
            .readSnapshots(activity, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 12, 31));
    Map<String, FeatureVector> newest =
        snapshots.stream()
            .collect(
                Collectors.toMap(
                    FeatureVector::key,
                    v -> v,
                    (a, b) ->
                        Comparator.comparingLong(FeatureVector::asOf).compare(a, b) >= 0 ? a : b));
    assertThat(newest).isNotEmpty();
    Map<String, FeatureVector> online = store.online().getMany(activity, newest.keySet());
    for (Map.Entry<String, FeatureVector> entry : newest.entrySet()) {
      assertThat(entry.getValue()).isEqualTo(online.get(entry.getKey()));
    }
    // Every day with activity has a snapshot partition.
    assertThat(snapshots.stream().map(v -> v.asOf() / 86_400_000L).distinct().count())
        .isGreaterThanOrEqualTo(5);
  }

  @Test
  void coVisitationListsProductsSharingSessions() {
    FeatureView covisit = store.registry().view("product_covisit");
    Map<String, List<String>> sessions =
        reference.accepted.stream()
            .filter(e -> e.type() != EventType.IMPRESSION && e.sessionId() != null)
            .collect(
                Collectors.groupingBy(
                    Event::sessionId, Collectors.mapping(Event::productId, Collectors.toList())));
    Map.Entry<String, List<String>> shared =
        sessions.entrySet().stream()
            .filter(s -> s.getValue().stream().distinct().count() >= 2)
            .findFirst()
            .orElseThrow();
    List<String> products = shared.getValue().stream().distinct().toList();
    FeatureVector neighbours = store.online().get(covisit, products.get(0)).orElseThrow();
    @SuppressWarnings("unchecked")
    List<io.flywheel.featurestore.ScoredItem> items =
        (List<io.flywheel.featurestore.ScoredItem>) neighbours.values().get("neighbours");
    assertThat(items).extracting(io.flywheel.featurestore.ScoredItem::id).contains(products.get(1));
    assertThat(result.sessions()).isPositive();
  }
}
