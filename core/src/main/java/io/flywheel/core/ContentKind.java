package io.flywheel.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of marketing copy Flywheel generates, ranks and measures. */
public enum ContentKind implements WireNames.Named {
  PRODUCT_DESCRIPTION("product_description"),
  AD_COPY("ad_copy"),
  EMAIL("email"),
  BANNER_TEXT("banner_text"),
  SEO_DESCRIPTION("seo_description"),
  ARTICLE("article");

  private final String wireName;

  ContentKind(String wireName) {
    this.wireName = wireName;
  }

  @Override
  @JsonValue
  public String wireName() {
    return wireName;
  }

  public static ContentKind fromWire(String value, String field) {
    return WireNames.parse(ContentKind.class, value, field, "content kind");
  }

  /** How JSON names it; the codec puts the field's name on an unknown one. */
  @JsonCreator
  static ContentKind fromJson(String value) {
    return fromWire(value, WireNames.UNNAMED_FIELD);
  }
}
