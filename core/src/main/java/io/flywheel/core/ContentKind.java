package io.flywheel.core;

/** The kinds of marketing copy Flywheel generates, ranks and measures. */
public enum ContentKind implements WireNames.Named {
  PRODUCT_DESCRIPTION("product_description"),
  AD_COPY("ad_copy"),
  EMAIL("email"),
  BANNER_TEXT("banner_text"),
  ARTICLE("article");

  private final String wireName;

  ContentKind(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }

  public static ContentKind fromWire(String value, String field) {
    return WireNames.parse(ContentKind.class, value, field, "content kind");
  }
}
