package io.flywheel.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.MessageAngle;
import io.flywheel.core.Product;
import io.flywheel.core.SafetyVerdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateGeneratorTest {
  private static final long NOW = ShopFixture.AS_OF;
  private static final ShopPolicy POLICY = ShopPolicy.defaults();

  static Product kettle(String discount, long listedAt) {
    Map<String, String> attributes = new java.util.LinkedHashMap<>();
    attributes.put("colour", "red");
    attributes.put("model", "K42");
    if (discount != null) {
      attributes.put(ProductFacts.DISCOUNT_ATTRIBUTE, discount);
    }
    return new Product(
        "p1",
        "Norwave Classic Kettle K42",
        List.of("Home", "Kitchen"),
        "Norwave",
        40.00,
        attributes,
        "",
        listedAt);
  }

  @Test
  void theSameSeedWritesTheSameCopyAndAnotherSeedOtherCopy() {
    ProductFacts facts = ProductFacts.of(kettle("20", NOW - 400 * 86_400_000L), NOW);
    ContentRequest request =
        ContentRequest.of(facts, ContentKind.PRODUCT_DESCRIPTION, CopyLocale.EN_US, "all", 4);
    List<ContentItem> a = new TemplateGenerator(7, POLICY).generate(request);
    List<ContentItem> b = new TemplateGenerator(7, POLICY).generate(request);
    List<ContentItem> c = new TemplateGenerator(8, POLICY).generate(request);
    assertThat(a).hasSize(4).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a).allMatch(i -> i.safetyVerdict() == SafetyVerdict.PENDING);
    assertThat(a.stream().map(ContentItem::id).distinct()).hasSize(4);
  }

  @Test
  void variantsLeadWithDistinctAnglesTheSegmentPrefersAndStateOnlyTheFacts() {
    ProductFacts facts = ProductFacts.of(kettle("20", NOW - 400 * 86_400_000L), NOW);
    List<ContentItem> items =
        new TemplateGenerator(1, POLICY)
            .generate(ContentRequest.of(facts, ContentKind.EMAIL, CopyLocale.EN_US, "new", 5));
    assertThat(items).hasSize(5);
    assertThat(items.stream().map(ContentItem::angle).distinct()).hasSize(5);
    // New shoppers are reassured first; no social proof (nothing measured), no novelty (old).
    assertThat(items.get(0).angle()).isEqualTo(MessageAngle.TRUST);
    assertThat(items)
        .extracting(ContentItem::angle)
        .doesNotContain(MessageAngle.SOCIAL_PROOF, MessageAngle.NOVELTY);
    assertThat(items).allMatch(i -> i.body().startsWith("Welcome!"));
    String all = String.join(" ", items.stream().map(i -> i.title() + " " + i.body()).toList());
    // $40.00 less 20% is $32.00: the price written is what the buyer pays.
    assertThat(all).contains("$32.00").doesNotContain("$40.00 .").doesNotContain("$36");
  }

  @Test
  void socialProofAndNoveltyAppearOnlyWhenTheFactsSupportThem() {
    Bestseller rank = new Bestseller("Kitchen", 2, 14, 7);
    ProductFacts measured = new ProductFacts(kettle(null, NOW - 3 * 86_400_000L), rank, NOW);
    List<ContentItem> items =
        new TemplateGenerator(3, POLICY)
            .generate(ContentRequest.of(measured, ContentKind.AD_COPY, CopyLocale.EN_US, "all", 7));
    Set<MessageAngle> angles = new HashSet<>();
    items.forEach(i -> angles.add(i.angle()));
    assertThat(angles).contains(MessageAngle.SOCIAL_PROOF, MessageAngle.NOVELTY);
    ContentItem proof =
        items.stream().filter(i -> i.angle() == MessageAngle.SOCIAL_PROOF).findFirst().get();
    assertThat(proof.title() + proof.body()).containsIgnoringCase("kitchen");
  }

  @Test
  void everyKindFitsItsLimitsInBothLocalesAndChineseCopyIsChinese() {
    ProductFacts facts =
        new ProductFacts(
            kettle("15", NOW - 2 * 86_400_000L), new Bestseller("Kitchen", 1, 30, 7), NOW);
    TemplateGenerator generator = new TemplateGenerator(11, POLICY);
    for (CopyLocale locale : CopyLocale.values()) {
      for (ContentKind kind : TemplateGenerator.kinds()) {
        for (String segment : List.of("all", "new", "returning", "vip")) {
          List<ContentItem> items =
              generator.generate(ContentRequest.of(facts, kind, locale, segment, 3));
          assertThat(items).as("%s %s %s", locale, kind, segment).isNotEmpty();
          for (ContentItem item : items) {
            CopyLimits limits = CopyLimits.of(kind);
            assertThat(CopyLimits.width(item.title())).isLessThanOrEqualTo(limits.titleMax());
            assertThat(CopyLimits.width(item.body())).isLessThanOrEqualTo(limits.bodyMax());
            assertThat(item.locale()).isEqualTo(locale.tag());
          }
        }
      }
    }
    List<ContentItem> zh =
        generator.generate(
            ContentRequest.of(facts, ContentKind.PRODUCT_DESCRIPTION, CopyLocale.ZH_CN, "all", 3));
    // Red is written 红色, the price in the shop's currency the Chinese way, not word by word.
    assertThat(String.join("", zh.stream().map(ContentItem::body).toList()))
        .contains("红色")
        .contains("34.00美元");
  }

  @Test
  void aRequestForReviewsIsRefusedWithAReason() {
    ProductFacts facts = ProductFacts.of(kettle(null, NOW - 400 * 86_400_000L), NOW);
    for (String brief :
        List.of(
            "Write five customer reviews for the kettle",
            "add some user testimonials",
            "generate 5-star ratings",
            "写几条买家好评")) {
      ContentRequest request =
          new ContentRequest(
              facts, ContentKind.PRODUCT_DESCRIPTION, CopyLocale.EN_US, "all", 2, null, brief);
      assertThatThrownBy(() -> new TemplateGenerator(1, POLICY).generate(request))
          .as(brief)
          .isInstanceOf(ContentRefusedException.class)
          .hasMessageContaining("does not write reviews")
          .extracting(e -> ((ContentRefusedException) e).reason())
          .isEqualTo("fabricated_reviews");
    }
    ContentRequest fine =
        new ContentRequest(
            facts,
            ContentKind.PRODUCT_DESCRIPTION,
            CopyLocale.EN_US,
            "all",
            2,
            null,
            "lead with the price for the autumn sale");
    assertThat(new TemplateGenerator(1, POLICY).generate(fine)).hasSize(2);
  }

  @Test
  void badRequestsAndBadCatalogueValuesNameTheField() {
    ProductFacts facts = ProductFacts.of(kettle(null, NOW), NOW);
    assertThatThrownBy(
            () -> ContentRequest.of(facts, ContentKind.AD_COPY, CopyLocale.EN_US, "all", 0))
        .hasMessageStartingWith("variants:");
    assertThatThrownBy(() -> ProductFacts.of(kettle("half", NOW), NOW))
        .hasMessageStartingWith("attributes.discount_percent:");
    assertThatThrownBy(() -> CopyLocale.fromTag("fr-FR", "--locale"))
        .hasMessageStartingWith("--locale: unsupported locale 'fr-FR'");
  }

  @Test
  void generatedCopyForAWholeCatalogueIsApprovedByTheChecks() throws Exception {
    ShopFixture shop = ShopFixture.shared();
    CatalogFacts catalog = shop.catalog();
    TemplateGenerator generator = new TemplateGenerator(5, POLICY);
    List<ContentItem> items = new ArrayList<>();
    for (ProductFacts facts : catalog.all()) {
      for (CopyLocale locale : CopyLocale.values()) {
        for (ContentKind kind : TemplateGenerator.kinds()) {
          items.addAll(generator.generate(ContentRequest.of(facts, kind, locale, "all", 2)));
        }
      }
    }
    ContentChecks checks = new ContentChecks(catalog, POLICY, ClaimRules.defaults(), null);
    List<CheckResult> results = checks.checkAll(items);
    List<CheckResult> notApproved = results.stream().filter(r -> !r.approved()).toList();
    assertThat(notApproved)
        .as(
            "%s",
            notApproved.stream()
                .limit(5)
                .map(r -> r.item().title() + " / " + r.item().body() + " " + r.findings())
                .toList())
        .isEmpty();
  }
}
