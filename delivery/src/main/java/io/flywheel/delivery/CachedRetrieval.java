package io.flywheel.delivery;

import io.flywheel.content.ContentHit;
import io.flywheel.content.ContentQuery;
import io.flywheel.content.ContentSearch;
import io.flywheel.content.CopyLocale;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The index answer cache behind {@link ContentRetrieval#search}: answers kept for a while. */
final class CachedRetrieval implements ContentRetrieval {
  private static final int MAX_ENTRIES = 20_000;

  private record Key(String text, CopyLocale locale, int k) {}

  private record Answer(List<String> products, long at) {}

  private final ContentSearch search;
  private final long ttlNanos;
  private final Map<Key, Answer> cache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Answer> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  CachedRetrieval(ContentSearch search, Duration ttl) {
    this.search = search;
    this.ttlNanos = ttl.toNanos();
  }

  @Override
  public List<String> products(String text, CopyLocale locale, int k) throws IOException {
    Key key = new Key(text, locale, k);
    long now = System.nanoTime();
    synchronized (cache) {
      Answer a = cache.get(key);
      if (a != null && now - a.at() < ttlNanos) {
        return a.products();
      }
    }
    List<ContentHit> hits =
        search.search(
            new ContentQuery(
                text,
                locale,
                null,
                null,
                Math.min(k, ContentQuery.MAX_K),
                ContentQuery.SearchMode.HYBRID));
    Set<String> products = new LinkedHashSet<>();
    for (ContentHit hit : hits) {
      products.addAll(hit.productIds());
    }
    List<String> answer = List.copyOf(new ArrayList<>(products));
    synchronized (cache) {
      cache.put(key, new Answer(answer, now));
    }
    return answer;
  }
}
