package io.flywheel.content;

import io.flywheel.core.ContentKind;

/**
 * What to write: {@code variants} distinct pieces of copy of one kind, for one product and segment,
 * in one locale.
 *
 * @param segment who reads it ({@code all}, {@code new}, {@code returning}, {@code vip}): sets the
 *     tone and which angles lead
 * @param campaignId the campaign the copy is written for (null: none)
 * @param instructions a brief in the marketer's words (null: none); requests a shop must not
 *     publish, such as invented reviews, are refused
 */
public record ContentRequest(
    ProductFacts facts,
    ContentKind kind,
    CopyLocale locale,
    String segment,
    int variants,
    String campaignId,
    String instructions) {
  public static final int MAX_VARIANTS = 12;

  public ContentRequest {
    if (facts == null) {
      throw new IllegalArgumentException("facts: is required");
    }
    if (kind == null || kind == ContentKind.ARTICLE) {
      throw new IllegalArgumentException(
          "kind: expected product_description, ad_copy, email, banner_text or seo_description,"
              + " got "
              + (kind == null ? "none" : kind.wireName()));
    }
    if (locale == null) {
      throw new IllegalArgumentException("locale: is required");
    }
    segment = segment == null || segment.isBlank() ? "all" : segment;
    if (variants < 1 || variants > MAX_VARIANTS) {
      throw new IllegalArgumentException(
          "variants: must be 1 to " + MAX_VARIANTS + ", got " + variants);
    }
  }

  public static ContentRequest of(
      ProductFacts facts, ContentKind kind, CopyLocale locale, String segment, int variants) {
    return new ContentRequest(facts, kind, locale, segment, variants, null, null);
  }
}
