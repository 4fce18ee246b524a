package io.flywheel.core.internal.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.GroundTruth;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.Product;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationSummary;
import io.flywheel.core.WorldConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

/** A small world run twice: with its stock copy, and with wrong prices planted in some copy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadingWorldTest {
  private static final SimulationConfig CONFIG =
      new SimulationConfig(1500, 120, 10, 5, 0, WorldConfig.defaults());

  private World stock;
  private World planted;
  private final Set<String> plantedIds = new HashSet<>();

  private record World(
      SimulationSummary summary,
      List<Event> events,
      List<GroundTruth> truth,
      Map<String, Product> products) {
    <T extends GroundTruth> List<T> truth(Class<T> kind) {
      return truth.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    Map<String, Double> contentAppeal() {
      return truth(GroundTruth.ContentTruth.class).stream()
          .collect(
              Collectors.toMap(
                  GroundTruth.ContentTruth::contentId, GroundTruth.ContentTruth::appeal));
    }
  }

  @BeforeAll
  void simulate(@TempDir Path dir) throws IOException {
    stock = run(dir.resolve("stock"), item -> item);
    planted =
        run(
            dir.resolve("planted"),
            item -> {
              // Ad copy states its price: state a stale one instead.
              if (item.kind() != ContentKind.AD_COPY) {
                return item;
              }
              plantedIds.add(item.id());
              return new ContentItem(
                  item.id(),
                  item.kind(),
                  item.locale(),
                  item.title(),
                  item.body().replaceAll("\\$\\d+\\.\\d\\d", "\\$0.50"),
                  item.productIds(),
                  item.targetSegment(),
                  item.variantId(),
                  item.campaignId(),
                  item.generator(),
                  item.generatorVersion(),
                  item.safetyVerdict(),
                  item.createdAt());
            });
  }

  private static World run(Path dir, java.util.function.UnaryOperator<ContentItem> editor)
      throws IOException {
    SimulationSummary summary = Simulation.run(CONFIG, dir, (h, t, l) -> {}, editor);
    List<Event> events = new ArrayList<>();
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.EVENTS_FILE), Codecs.EVENTS, events::add);
    List<GroundTruth> truth = new ArrayList<>();
    JsonLinesReader.forEach(dir.resolve(MarketplaceSimulator.TRUTH_FILE), Codecs.TRUTH, truth::add);
    List<Product> products = new ArrayList<>();
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.PRODUCTS_FILE), Codecs.PRODUCTS, products::add);
    return new World(
        summary,
        events,
        truth,
        products.stream().collect(Collectors.toMap(Product::id, Function.identity())));
  }

  @Test
  void aStatedWrongPriceLowersAppealByTheFactPenaltyForEveryone() {
    assertThat(plantedIds).isNotEmpty();
    Map<String, Double> before = stock.contentAppeal();
    Map<String, Double> after = planted.contentAppeal();
    for (String id : before.keySet()) {
      double expectedDrop = plantedIds.contains(id) ? Appeal.FACT_PENALTY : 0;
      assertThat(before.get(id) - after.get(id)).as(id).isCloseTo(expectedDrop, within(1e-5));
    }
  }

  @Test
  void shoppersWhoClickAWrongPriceComplainAndNobodyElseDoes() {
    assertThat(stock.summary().complaints()).isZero();
    List<Event> complaints =
        planted.events().stream().filter(e -> e.type() == EventType.COMPLAINT).toList();
    assertThat(complaints).hasSize((int) planted.summary().complaints()).isNotEmpty();
    Map<String, Event> clicks =
        planted.events().stream()
            .filter(e -> e.type() == EventType.CLICK)
            .collect(Collectors.toMap(e -> e.requestId() + "/" + e.contentId(), e -> e));
    long plantedClicks =
        clicks.values().stream().filter(e -> plantedIds.contains(e.contentId())).count();
    for (Event complaint : complaints) {
      assertThat(plantedIds).contains(complaint.contentId());
      Event click = clicks.get(complaint.requestId() + "/" + complaint.contentId());
      assertThat(click).as("click behind %s", complaint.eventId()).isNotNull();
      assertThat(complaint.userId()).isEqualTo(click.userId());
      assertThat(complaint.timestamp()).isGreaterThan(click.timestamp());
    }
    // About COMPLAINT_RATE of those clicks: within 4 standard deviations.
    double sd = Math.sqrt(plantedClicks * Appeal.COMPLAINT_RATE * (1 - Appeal.COMPLAINT_RATE));
    assertThat((double) complaints.size())
        .isCloseTo(plantedClicks * Appeal.COMPLAINT_RATE, within(4 * sd + 1));
  }

  @Test
  void truthRecordsEachImpressionsAppealAsItsShopperReadIt() {
    Map<String, GroundTruth.UserTruth> users =
        stock.truth(GroundTruth.UserTruth.class).stream()
            .collect(Collectors.toMap(GroundTruth.UserTruth::userId, u -> u));
    Map<String, Event> impressions =
        stock.events().stream()
            .filter(e -> e.type() == EventType.IMPRESSION)
            .collect(Collectors.toMap(Event::eventId, e -> e));
    // One content item read by shoppers of different audiences: appeal differs by audience only.
    Map<String, Map<String, Set<Double>>> byContentAndAudience = new HashMap<>();
    for (GroundTruth.ImpressionTruth t : stock.truth(GroundTruth.ImpressionTruth.class)) {
      assertThat(t.appeal()).isNotNull();
      GroundTruth.UserTruth user = users.get(impressions.get(t.eventId()).userId());
      byContentAndAudience
          .computeIfAbsent(t.contentId(), c -> new HashMap<>())
          .computeIfAbsent(user.segment() + "/" + user.locale(), a -> new HashSet<>())
          .add(t.appeal());
    }
    assertThat(byContentAndAudience.values())
        .allSatisfy(
            audiences -> assertThat(audiences.values()).allSatisfy(v -> assertThat(v).hasSize(1)));
    assertThat(byContentAndAudience.values()).anySatisfy(a -> assertThat(a).hasSizeGreaterThan(1));
    // Stock copy is English: Chinese readers like it less.
    double en = meanAppeal(byContentAndAudience, "/en-US");
    double zh = meanAppeal(byContentAndAudience, "/zh-CN");
    assertThat(en - zh).isGreaterThan(Appeal.LANGUAGE_PENALTY / 2);
    List<GroundTruth.SegmentTruth> segments = stock.truth(GroundTruth.SegmentTruth.class);
    assertThat(segments)
        .extracting(GroundTruth.SegmentTruth::segment)
        .containsExactlyElementsOf(Audience.SEGMENTS);
    assertThat(segments.stream().mapToDouble(GroundTruth.SegmentTruth::share).sum())
        .isCloseTo(1.0, within(1e-4));
    long chinese = users.values().stream().filter(u -> u.locale().equals("zh-CN")).count();
    assertThat((double) chinese / users.size()).isBetween(0.03, 0.15);
  }

  private static double meanAppeal(Map<String, Map<String, Set<Double>>> table, String locale) {
    return table.values().stream()
        .flatMap(a -> a.entrySet().stream())
        .filter(e -> e.getKey().endsWith(locale))
        .flatMap(e -> e.getValue().stream())
        .mapToDouble(Double::doubleValue)
        .average()
        .orElseThrow();
  }

  @Test
  void searchesListTheProductsOnSaleThatMatchTheirIntent() {
    Map<String, Event> searches =
        stock.events().stream()
            .filter(e -> e.type() == EventType.SEARCH)
            .collect(Collectors.toMap(Event::eventId, e -> e));
    List<GroundTruth.SearchTruth> truth = stock.truth(GroundTruth.SearchTruth.class);
    assertThat(truth).hasSize(searches.size()).hasSizeGreaterThan(50);
    Set<String> locales = new HashSet<>();
    int misspelt = 0;
    for (GroundTruth.SearchTruth t : truth) {
      Event search = searches.get(t.eventId());
      assertThat(search.query()).isEqualTo(t.query());
      locales.add(t.locale());
      assertThat(CopyReader.isChinese(t.query())).isEqualTo(t.locale().equals("zh-CN"));
      misspelt += t.intent().endsWith("misspelt") ? 1 : 0;
      Map<String, String> intent = intent(t.intent());
      for (Product p : stock.products().values()) {
        boolean onSale = p.listedAt() <= search.timestamp();
        boolean matches =
            intent.containsKey("department")
                ? p.categoryPath().get(0).equals(intent.get("department"))
                : p.categoryPath().get(1).equals(intent.get("leaf"));
        assertThat(t.relevance().containsKey(p.id()))
            .as("%s for %s", p.id(), t.intent())
            .isEqualTo(onSale && matches);
        if (onSale && matches) {
          boolean exact =
              intent.containsKey("brand")
                  ? p.brand().equals(intent.get("brand"))
                  : !intent.containsKey("colour")
                      || p.attributes().get("colour").equals(intent.get("colour"));
          int grade = intent.containsKey("department") ? 1 : exact ? 2 : 1;
          assertThat(t.relevance().get(p.id()))
              .as("%s for %s", p.id(), t.intent())
              .isEqualTo(grade);
        }
      }
      if (intent.containsKey("brand")
          && t.locale().equals("en-US")
          && !t.intent().endsWith("misspelt")) {
        assertThat(t.query()).startsWith(intent.get("brand") + " ");
      }
    }
    assertThat(locales).containsExactlyInAnyOrder("en-US", "zh-CN");
    assertThat(misspelt).isPositive();
  }

  private static Map<String, String> intent(String text) {
    Map<String, String> parts = new HashMap<>();
    for (String part : text.split(" ")) {
      String[] kv = part.split("=", 2);
      if (kv.length == 2) {
        parts.put(kv[0], kv[1]);
      }
    }
    return parts;
  }
}
