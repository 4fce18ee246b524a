package io.flywheel.core;

/** The kinds of marketing copy Flywheel generates, ranks and measures. */
public enum ContentKind {
  PRODUCT_DESCRIPTION("product_description"),
  AD_COPY("ad_copy"),
  EMAIL("email"),
  BANNER_TEXT("banner_text"),
  ARTICLE("article");

  private final String wireName;

  ContentKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static ContentKind fromWire(String value, String field) {
    for (ContentKind kind : values()) {
      if (kind.wireName.equals(value)) {
        return kind;
      }
    }
    throw new InvalidRecordException(field, "unknown content kind \"" + value
        + "\" (expected product_description, ad_copy, email, banner_text or article)");
  }
}
