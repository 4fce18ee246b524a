package io.flywheel.delivery;

import io.flywheel.content.ContentSearch;
import io.flywheel.content.CopyLocale;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Candidate products from the content index for a query (typed, or built from tastes). */
public interface ContentRetrieval {

  /** Products that answer {@code text}, best first, at most {@code k}. */
  List<String> products(String text, CopyLocale locale, int k) throws IOException;

  /**
   * Hybrid search (BM25 and kNN fused) over the content index; a copy hit stands for the products
   * it is about. Answers are kept for {@code ttl}: many shoppers share a taste, and the index
   * changes only when a campaign lands.
   */
  static ContentRetrieval search(ContentSearch search, Duration ttl) {
    return new CachedRetrieval(search, ttl);
  }
}
