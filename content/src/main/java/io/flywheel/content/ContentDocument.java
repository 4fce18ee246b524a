package io.flywheel.content;

import io.flywheel.core.ContentItem;
import io.flywheel.core.Product;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One document of the content index: a product, or an approved piece of copy about products, with
 * its analysed terms (English and Chinese, see {@link TextAnalysis}), its filters and its
 * embedding.
 *
 * @param type {@code product} or {@code copy}
 * @param locale the copy's locale; {@code any} for a product (searchable in every locale)
 */
public record ContentDocument(
    String id,
    String type,
    String kind,
    String locale,
    String title,
    String body,
    List<String> productIds,
    String category,
    String department,
    String brand,
    String segment,
    String angle,
    String campaign,
    double price,
    long createdAt,
    String termsEn,
    String termsZh,
    float[] embedding) {

  public static final String PRODUCT = "product";
  public static final String COPY = "copy";

  /** The text that is embedded: what a shopper reads. */
  public String embeddedText() {
    return title + "\n" + body;
  }

  public ContentDocument withEmbedding(float[] vector) {
    return new ContentDocument(
        id,
        type,
        kind,
        locale,
        title,
        body,
        productIds,
        category,
        department,
        brand,
        segment,
        angle,
        campaign,
        price,
        createdAt,
        termsEn,
        termsZh,
        vector);
  }

  public static ContentDocument ofProduct(Product p) {
    String described =
        p.title()
            + " "
            + p.description()
            + " "
            + String.join(" ", p.categoryPath())
            + " "
            + String.join(" ", p.attributes().values());
    String gloss = TextAnalysis.chineseGlossOf(p);
    return new ContentDocument(
        p.id(),
        PRODUCT,
        null,
        "any",
        p.title(),
        p.description(),
        List.of(p.id()),
        p.leafCategory(),
        p.topCategory(),
        p.brand(),
        null,
        null,
        null,
        p.price(),
        p.listedAt(),
        TextAnalysis.terms(described, CopyLocale.EN_US),
        TextAnalysis.terms(gloss + " " + p.brand(), CopyLocale.ZH_CN),
        null);
  }

  /**
   * Approved copy, searchable by its own words and by what its (first) product is.
   *
   * @param about the facts of the copy's first product (null when it names none)
   */
  public static ContentDocument ofCopy(ContentItem item, ProductFacts about) {
    CopyLocale locale = CopyLocale.fromTag(item.locale(), "locale");
    Product p = about == null ? null : about.product();
    String own = item.title() + " " + item.body();
    String productWords =
        p == null ? "" : p.title() + " " + String.join(" ", p.categoryPath()) + " " + p.brand();
    String en = locale == CopyLocale.EN_US ? own + " " + productWords : productWords;
    String zh =
        (locale == CopyLocale.ZH_CN ? own + " " : "")
            + (p == null ? "" : TextAnalysis.chineseGlossOf(p) + " " + p.brand());
    return new ContentDocument(
        item.id(),
        COPY,
        item.kind().wireName(),
        item.locale(),
        item.title(),
        item.body(),
        item.productIds(),
        p == null ? null : p.leafCategory(),
        p == null ? null : p.topCategory(),
        p == null ? null : p.brand(),
        item.targetSegment(),
        item.angle() == null ? null : item.angle().wireName(),
        item.campaignId(),
        p == null ? 0 : about.salePrice(),
        item.createdAt(),
        TextAnalysis.terms(en, CopyLocale.EN_US),
        TextAnalysis.terms(zh, CopyLocale.ZH_CN),
        null);
  }

  /** The JSON source the index stores (snake_case, nulls left out). */
  Map<String, Object> source() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    s.put("type", type);
    put(s, "kind", kind);
    s.put("locale", locale);
    s.put("title", title);
    s.put("body", body);
    s.put("product_ids", productIds);
    put(s, "category", category);
    put(s, "department", department);
    put(s, "brand", brand);
    put(s, "segment", segment);
    put(s, "angle", angle);
    put(s, "campaign", campaign);
    s.put("price", price);
    s.put("created_at", createdAt);
    s.put("terms_en", termsEn);
    s.put("terms_zh", termsZh);
    if (embedding != null) {
      s.put("embedding", embedding);
    }
    return s;
  }

  private static void put(Map<String, Object> s, String key, Object value) {
    if (value != null) {
      s.put(key, value);
    }
  }
}
