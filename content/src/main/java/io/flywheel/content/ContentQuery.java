package io.flywheel.content;

/**
 * A search of the content index.
 *
 * @param locale only copy in this locale (products match in any); null: the query's own language
 * @param kind only copy of this kind (e.g. ad_copy); {@code product} for products only; null: all
 * @param userId personalise by this shopper's category affinities (null: no personalisation)
 * @param mode hybrid (BM25 and kNN fused), or one of them alone (for comparison)
 */
public record ContentQuery(
    String text, CopyLocale locale, String kind, String userId, int k, SearchMode mode) {
  public static final int MAX_K = 100;

  public enum SearchMode {
    HYBRID,
    BM25,
    KNN
  }

  public ContentQuery {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("query: must not be blank");
    }
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k: must be 1 to " + MAX_K + ", got " + k);
    }
    mode = mode == null ? SearchMode.HYBRID : mode;
  }

  public static ContentQuery of(String text, int k) {
    return new ContentQuery(text, null, null, null, k, SearchMode.HYBRID);
  }

  public ContentQuery withMode(SearchMode m) {
    return new ContentQuery(text, locale, kind, userId, k, m);
  }
}
