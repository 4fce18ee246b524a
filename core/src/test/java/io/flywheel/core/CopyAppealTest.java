package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyAppealTest {
  private static final SimulationConfig CONFIG =
      new SimulationConfig(200, 40, 2, 13, 0, WorldConfig.defaults());

  private Path world;
  private List<Product> products = new ArrayList<>();
  private List<ContentItem> stock = new ArrayList<>();

  @BeforeAll
  void simulate(@TempDir Path dir) throws IOException {
    world = dir;
    MarketplaceSimulator.run(CONFIG, dir, (h, t, l) -> {});
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.PRODUCTS_FILE), Codecs.PRODUCTS, products::add);
    JsonLinesReader.forEach(
        dir.resolve(MarketplaceSimulator.CONTENT_FILE), Codecs.CONTENT, stock::add);
  }

  private ContentItem ad(String id, String locale, String title, String body) {
    return new ContentItem(
        id,
        ContentKind.AD_COPY,
        locale,
        title,
        body,
        List.of(products.get(0).id()),
        "all",
        "v1",
        null,
        "test",
        "1",
        SafetyVerdict.APPROVED,
        1L);
  }

  @Test
  void theOracleIsAtLeastEveryItemsExpectedAppealForEveryAudience() {
    String price = String.format(java.util.Locale.ROOT, "$%.2f", products.get(0).price());
    List<ContentItem> copy = new ArrayList<>(stock);
    copy.add(ad("x-en", "en-US", "Save today", "Now " + price + ". Free returns."));
    copy.add(ad("x-zh", "zh-CN", "限时优惠", "现价" + price.substring(1) + "元，无忧退货。"));
    copy.add(ad("x-wrong", "en-US", "Save today", "Now $0.50. Free returns."));
    CopyAppeal.Report report = CopyAppeal.judge(CONFIG, products, copy);
    assertThat(report.items()).hasSize(copy.size());
    for (CopyAppeal.ItemAppeal item : report.items()) {
      assertThat(item.expected()).hasSize(8);
      item.expected()
          .forEach(
              (audience, expected) ->
                  assertThat(item.oracle().get(audience))
                      .as("%s for %s", item.contentId(), audience)
                      .isGreaterThanOrEqualTo(expected));
    }
    Map<String, CopyAppeal.ItemAppeal> byId =
        report.items().stream()
            .collect(java.util.stream.Collectors.toMap(CopyAppeal.ItemAppeal::contentId, i -> i));
    assertThat(byId.get("x-wrong").contradictsCatalogue()).isTrue();
    assertThat(byId.get("x-en").contradictsCatalogue()).isFalse();
    assertThat(byId.get("x-zh").contradictsCatalogue()).isFalse();
    assertThat(byId.get("x-en").angles()).contains(MessageAngle.SAVINGS, MessageAngle.TRUST);
    for (String audience : byId.get("x-en").expected().keySet()) {
      assertThat(
              byId.get("x-en").expected().get(audience)
                  - byId.get("x-wrong").expected().get(audience))
          .as(audience)
          .isCloseTo(1.0, within(1e-5));
    }
    // Chinese copy pleases Chinese readers more than English ones, and English copy the reverse.
    for (String segment : List.of("bargain", "loyal", "new", "mainstream")) {
      assertThat(byId.get("x-zh").expected().get(segment + "/zh-CN"))
          .isGreaterThan(byId.get("x-zh").expected().get(segment + "/en-US"));
      assertThat(byId.get("x-en").expected().get(segment + "/en-US"))
          .isGreaterThan(byId.get("x-en").expected().get(segment + "/zh-CN"));
    }
    // Each audience is judged on the copy written in its language.
    for (CopyAppeal.AudienceAppeal a : report.audiences()) {
      assertThat(a.items()).isEqualTo(a.locale().equals("zh-CN") ? 1 : stock.size() + 2);
      assertThat(a.gap()).isCloseTo(a.meanOracle() - a.meanExpected(), within(1e-5));
      assertThat(a.gap()).isNotNegative();
    }
  }

  @Test
  void theStockCopyStatesOnlyCatalogueFactsEvenFourFigurePrices(@TempDir Path big)
      throws IOException {
    MarketplaceSimulator.run(
        new SimulationConfig(50, 1500, 1, 5, 0, WorldConfig.defaults()), big, (h, t, l) -> {});
    List<ContentItem> copy = new ArrayList<>();
    JsonLinesReader.forEach(
        big.resolve(MarketplaceSimulator.CONTENT_FILE), Codecs.CONTENT, copy::add);
    List<Product> catalogue = new ArrayList<>();
    JsonLinesReader.forEach(
        big.resolve(MarketplaceSimulator.PRODUCTS_FILE), Codecs.PRODUCTS, catalogue::add);
    assertThat(catalogue).anyMatch(p -> p.price() >= 1000);
    CopyAppeal.Report report = CopyAppeal.judge(big, copy);
    assertThat(report.items()).noneMatch(CopyAppeal.ItemAppeal::contradictsCatalogue);
  }

  @Test
  void aWorldFolderIsJudgedAsTheWorldItWasSimulatedFrom() throws IOException {
    assertThat(CopyAppeal.judge(world, stock)).isEqualTo(CopyAppeal.judge(CONFIG, products, stock));
    assertThat(CopyAppeal.judge(world, stock))
        .isNotEqualTo(
            CopyAppeal.judge(
                new SimulationConfig(200, 40, 2, 14, 0, WorldConfig.defaults()), products, stock));
  }
}
