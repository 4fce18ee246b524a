package io.flywheel.content;

import io.flywheel.core.ContentItem;
import io.flywheel.core.ContentKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * What a campaign writes: for every product, each kind in each locale for each segment, {@code
 * variants} pieces of copy.
 *
 * @param brief the marketer's brief, checked once before anything is written (null: none)
 */
public record ContentPlan(
    List<ContentKind> kinds,
    List<CopyLocale> locales,
    List<String> segments,
    int variants,
    String campaignId,
    String brief) {

  public ContentPlan {
    if (kinds == null || kinds.isEmpty()) {
      throw new IllegalArgumentException("kinds: name at least one");
    }
    if (locales == null || locales.isEmpty()) {
      throw new IllegalArgumentException("locales: name at least one");
    }
    segments = segments == null || segments.isEmpty() ? List.of("all") : List.copyOf(segments);
    kinds = List.copyOf(kinds);
    locales = List.copyOf(locales);
  }

  /** Every kind the template generator writes, in both locales, for everyone. */
  public static ContentPlan everything(int variants) {
    return new ContentPlan(
        List.of(TemplateGenerator.kinds()),
        List.of(CopyLocale.values()),
        List.of("all"),
        variants,
        null,
        null);
  }

  /** The requests this plan makes for {@code products}: products × kinds × locales × segments. */
  public long size(int products) {
    return (long) products * kinds.size() * locales.size() * segments.size();
  }

  /**
   * Writes the plan's copy with {@code generator}.
   *
   * @param progress called with the number of requests done
   * @throws ContentRefusedException when the brief asks for what must not be published
   */
  public List<ContentItem> generate(
      ContentGenerator generator, Collection<ProductFacts> products, LongConsumer progress) {
    List<ContentItem> items = new ArrayList<>();
    long done = 0;
    for (ProductFacts facts : products) {
      for (ContentKind kind : kinds) {
        for (CopyLocale locale : locales) {
          for (String segment : segments) {
            items.addAll(
                generator.generate(
                    new ContentRequest(facts, kind, locale, segment, variants, campaignId, brief)));
            progress.accept(++done);
          }
        }
      }
    }
    return items;
  }
}
