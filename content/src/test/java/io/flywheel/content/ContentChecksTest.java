package io.flywheel.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentChecksTest {
  private static final long NOW = ShopFixture.AS_OF;
  private static CatalogFacts catalog;

  @BeforeAll
  static void catalogue() {
    Product kettle = TemplateGeneratorTest.kettle("20", NOW - 400 * 86_400_000L);
    Product lamp =
        new Product(
            "p2",
            "Velora Lite Lamp L7",
            List.of("Home", "Decor"),
            "Velora",
            25.50,
            Map.of("colour", "sage", "model", "L7"),
            "",
            NOW - 400 * 86_400_000L);
    catalog =
        CatalogFacts.of(
            List.of(
                ProductFacts.of(kettle, NOW),
                new ProductFacts(lamp, new Bestseller("Decor", 1, 40, 7), NOW)));
  }

  private static ContentChecks checks() {
    return new ContentChecks(catalog, ShopPolicy.defaults(), ClaimRules.defaults(), null);
  }

  private static ContentItem copy(
      String product, String locale, ContentKind kind, String t, String body) {
    return new ContentItem(
        "c-" + Math.abs((t + body).hashCode()),
        kind,
        locale,
        t,
        body,
        List.of(product),
        "all",
        "v1",
        null,
        "test",
        "1",
        SafetyVerdict.PENDING,
        NOW);
  }

  private static ContentItem en(String title, String body) {
    return copy("p1", "en-US", ContentKind.PRODUCT_DESCRIPTION, title, body);
  }

  private static List<String> reasons(ContentItem item) {
    return checks().check(item).reasons();
  }

  @Test
  void trueFactsPass() {
    CheckResult ok =
        checks()
            .check(
                en(
                    "Norwave Classic Kettle K42",
                    "Take 20% off the red Norwave Classic Kettle K42: now $32.00, down from"
                        + " $40.00. Free returns within 30 days, delivered in 2 days."));
    assertThat(ok.findings()).isEmpty();
    assertThat(ok.verdict()).isEqualTo(SafetyVerdict.APPROVED);
    assertThat(ok.item().safetyVerdict()).isEqualTo(SafetyVerdict.APPROVED);
    assertThat(
            checks()
                .check(copy("p1", "zh-CN", ContentKind.AD_COPY, "立省20%", "红色款，现价32.00美元，8折优惠。"))
                .findings())
        .isEmpty();
  }

  @Test
  void plantedBadCopyIsRejectedForTheRightReason() {
    Map<String, ContentItem> planted =
        Map.ofEntries(
            Map.entry("price_mismatch", en("Kettle", "The Norwave kettle, now only $29.99.")),
            Map.entry("discount_mismatch", en("Kettle", "Save 25% on the Norwave kettle today.")),
            Map.entry(
                "banned_claim", en("Kettle", "The best in the world, with a guaranteed boil.")),
            Map.entry(
                "invented_social_proof",
                en("Kettle", "\"The only kettle I will ever need\" - Sarah, verified buyer.")),
            Map.entry(
                "wrong_language",
                en(
                    "Bouilloire",
                    "Une bouilloire élégante pour toute la famille, livrée chez vous"
                        + " rapidement.")),
            Map.entry(
                "too_long",
                copy(
                    "p1",
                    "en-US",
                    ContentKind.AD_COPY,
                    "Kettle",
                    "A kettle for every kitchen and every morning, red, quick and quiet, made for"
                        + " people who love tea.")),
            Map.entry("brand_mismatch", en("Kettle", "As elegant as anything from Velora.")),
            Map.entry("attribute_mismatch", en("Kettle", "The Norwave kettle in navy.")),
            Map.entry("unsupported_number", en("Kettle", "Boils 1.7 litres in 3 minutes.")),
            Map.entry(
                "unknown_product",
                copy("p404", "en-US", ContentKind.AD_COPY, "Kettle", "Shop now.")));
    planted.forEach(
        (reason, item) -> {
          CheckResult result = checks().check(item);
          assertThat(result.verdict())
              .as(reason + " " + result.findings())
              .isEqualTo(SafetyVerdict.REJECTED);
          assertThat(result.reasons()).as(item.body()).contains(reason);
        });
  }

  @Test
  void chineseCopyIsHeldToTheSameFacts() {
    assertThat(reasons(copy("p1", "zh-CN", ContentKind.AD_COPY, "好价", "现价30.00美元。")))
        .contains("price_mismatch");
    assertThat(reasons(copy("p1", "zh-CN", ContentKind.AD_COPY, "好价", "全场7折，欲购从速。")))
        .contains("discount_mismatch");
    assertThat(reasons(copy("p1", "zh-CN", ContentKind.AD_COPY, "好价", "世界第一的水壶。")))
        .contains("banned_claim");
    assertThat(reasons(copy("p1", "zh-CN", ContentKind.AD_COPY, "爆款", "买家好评如潮。")))
        .contains("invented_social_proof");
    assertThat(reasons(copy("p1", "zh-CN", ContentKind.AD_COPY, "水壶", "黑色款，现价32.00美元。")))
        .contains("attribute_mismatch");
    assertThat(reasons(copy("p1", "zh-CN", ContentKind.AD_COPY, "Kettle", "A red kettle.")))
        .contains("wrong_language");
  }

  @Test
  void salesClaimsNeedAMeasuredRank() {
    String claim = "Among the most bought in decor this week.";
    assertThat(reasons(copy("p2", "en-US", ContentKind.AD_COPY, "A decor bestseller", claim)))
        .isEmpty();
    assertThat(reasons(copy("p1", "en-US", ContentKind.AD_COPY, "A kitchen bestseller", claim)))
        .containsExactly("invented_social_proof");
    // Ratings and reviews are never supported: Flywheel holds none.
    assertThat(reasons(copy("p2", "en-US", ContentKind.AD_COPY, "Top rated", "Rated 4.9 stars.")))
        .contains("invented_social_proof");
  }

  @Test
  void nearDuplicatesOfApprovedCopyAreRejectedAndDistinctVariantsAreNot() {
    ContentChecks checks = checks();
    ContentItem first =
        en("Norwave Classic Kettle K42", "Made with care for everyday use, in red. Shop now.");
    ContentItem almost =
        en("Norwave Classic Kettle K42", "Made with care for everyday use, in red! Shop now.");
    ContentItem other =
        en("Norwave Classic Kettle K42", "Delivered in 2 days, with free returns. See it today.");
    List<CheckResult> results = checks.checkAll(List.of(first, almost, other));
    assertThat(results.get(0).verdict()).isEqualTo(SafetyVerdict.APPROVED);
    assertThat(results.get(1).reasons()).containsExactly("near_duplicate");
    assertThat(results.get(1).findings().get(0).detail()).contains(first.id());
    assertThat(results.get(2).verdict()).isEqualTo(SafetyVerdict.APPROVED);
  }

  @Test
  void embeddingsCatchAParaphraseMinHashMisses() {
    ContentChecks checks =
        new ContentChecks(
            catalog, ShopPolicy.defaults(), ClaimRules.defaults(), MiniLmEmbedder.shared());
    ContentItem a = en("Norwave Classic Kettle K42", "A red kettle that boils water quickly.");
    ContentItem b = en("Norwave Classic Kettle K42", "A red kettle which boils water fast.");
    List<CheckResult> results = checks.checkAll(List.of(a, b));
    assertThat(results.get(0).verdict()).isEqualTo(SafetyVerdict.APPROVED);
    assertThat(results.get(1).reasons()).containsExactly("near_duplicate");
    assertThat(results.get(1).findings().get(0).detail()).contains("embedding cosine");
  }

  @Test
  void hardToReadCopyGoesToReviewNotRejection() {
    String dense =
        "Notwithstanding considerable organisational complexities, the manufacturer's"
            + " comprehensive engineering methodology, incorporating multidimensional"
            + " thermodynamic optimisation, unquestionably characterises this extraordinarily"
            + " sophisticated kettle, delivering unparalleled operational reliability alongside"
            + " exceptional aesthetic considerations appreciated internationally";
    CheckResult result = checks().check(en("Norwave Classic Kettle K42", dense));
    assertThat(result.verdict()).isEqualTo(SafetyVerdict.NEEDS_REVIEW);
    assertThat(result.reasons()).containsExactly("hard_to_read");
  }

  @Test
  void theSimulatorsStockCopyIsApproved() throws Exception {
    ShopFixture shop = ShopFixture.shared();
    ContentChecks checks =
        new ContentChecks(shop.catalog(), ShopPolicy.defaults(), ClaimRules.defaults(), null);
    List<CheckResult> notApproved =
        checks.checkAll(shop.stockCopy).stream().filter(r -> !r.approved()).toList();
    assertThat(notApproved)
        .as("%s", notApproved.stream().limit(5).map(r -> r.item().body() + r.findings()).toList())
        .isEmpty();
  }

  @Test
  void theBannedListIsTheShopsToSet(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("banned.txt");
    Files.writeString(file, "# our list\nunbeatable\n\n限时\n");
    ClaimRules rules = ClaimRules.load(file);
    assertThat(rules.phrases()).containsExactly("unbeatable", "限时");
    ContentChecks checks = new ContentChecks(catalog, ShopPolicy.defaults(), rules, null);
    assertThat(checks.check(en("Kettle", "An UNBEATABLE kettle.")).reasons())
        .containsExactly("banned_claim");
    assertThat(checks.check(en("Kettle", "The best in the world.")).reasons()).isEmpty();
  }
}
