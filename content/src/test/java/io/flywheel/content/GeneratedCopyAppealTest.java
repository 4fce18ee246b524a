package io.flywheel.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import io.flywheel.core.CopyAppeal;
import io.flywheel.core.Product;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.WorldConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The simulator reads the generator's copy with a lexicon of its own: what the generator meant (its
 * angle, its true facts, its language) must come across, or simulated content experiments would
 * measure the reader rather than the copy.
 */
class GeneratedCopyAppealTest {
  private static final long NOW = ShopFixture.AS_OF;
  private static final SimulationConfig WORLD =
      new SimulationConfig(100, 10, 1, 7, 0, WorldConfig.defaults());

  @Test
  void theSimulatorReadsTheGeneratorsAnglesFactsAndLanguage() {
    Product onSale = TemplateGeneratorTest.kettle("20", NOW - 3 * 86_400_000L);
    ProductFacts facts = new ProductFacts(onSale, new Bestseller("Kitchen", 2, 14, 7), NOW);
    List<ContentItem> copy = new ArrayList<>();
    TemplateGenerator generator = new TemplateGenerator(5, ShopPolicy.defaults());
    for (CopyLocale locale : CopyLocale.values()) {
      for (ContentKind kind :
          List.of(
              ContentKind.PRODUCT_DESCRIPTION,
              ContentKind.AD_COPY,
              ContentKind.EMAIL,
              ContentKind.BANNER_TEXT,
              ContentKind.SEO_DESCRIPTION)) {
        for (String segment : List.of("all", "new", "returning", "vip")) {
          copy.addAll(generator.generate(ContentRequest.of(facts, kind, locale, segment, 7)));
        }
      }
    }
    CopyAppeal.Report report = CopyAppeal.judge(WORLD, List.of(onSale), copy);
    Map<String, ContentItem> byId =
        copy.stream().collect(Collectors.toMap(ContentItem::id, Function.identity()));
    long withAngle = copy.stream().filter(i -> i.angle() != null).count();
    long angleRead = 0;
    List<String> missed = new ArrayList<>();
    for (CopyAppeal.ItemAppeal item : report.items()) {
      ContentItem written = byId.get(item.contentId());
      assertThat(item.contradictsCatalogue())
          .as("%s: %s / %s", written.id(), written.title(), written.body())
          .isFalse();
      if (written.angle() != null && item.angles().contains(written.angle())) {
        angleRead++;
      } else if (written.angle() != null) {
        missed.add(written.angle().wireName() + ": " + written.title() + " / " + written.body());
      }
      String reader = written.locale().equals("zh-CN") ? "zh-CN" : "en-US";
      String other = reader.equals("zh-CN") ? "en-US" : "zh-CN";
      assertThat(item.expected().get("mainstream/" + reader))
          .as(
              "%s read by its own language's shoppers: %s / %s",
              written.id(), written.title(), written.body())
          .isGreaterThan(item.expected().get("mainstream/" + other));
    }
    assertThat(withAngle).isGreaterThan(100);
    // Nearly every item carries the angle it was written around, in words the reader knows.
    assertThat((double) angleRead / withAngle).as("missed: %s", missed).isGreaterThan(0.9);
  }
}
