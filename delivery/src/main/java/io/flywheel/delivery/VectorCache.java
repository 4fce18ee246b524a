package io.flywheel.delivery;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.OnlineStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catalogue side's vectors (products, copy, variants) kept for a few seconds: every request
 * scores hundreds of them, they change only as fast as the feature job writes, and reading and
 * decoding them per request was most of a request's time. A shopper's own vectors are never cached.
 * A key the store does not have is remembered as missing for the same time.
 */
final class VectorCache {
  private record Entry(FeatureVector vector, long readAt) {}

  private final OnlineStore store;
  private final FeatureRegistry registry;
  private final long ttlNanos;
  private final Map<String, Map<String, Entry>> views = new ConcurrentHashMap<>();

  VectorCache(OnlineStore store, FeatureRegistry registry, long ttlNanos) {
    this.store = store;
    this.registry = registry;
    this.ttlNanos = ttlNanos;
  }

  /** The live vectors of {@code keys}: cached ones, the rest in one multi-get. */
  Map<String, FeatureVector> getMany(String view, Collection<String> keys) {
    Map<String, Entry> cache = views.computeIfAbsent(view, v -> new ConcurrentHashMap<>());
    long now = System.nanoTime();
    Map<String, FeatureVector> out = new HashMap<>(keys.size() * 2);
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      Entry e = cache.get(key);
      if (e != null && now - e.readAt() < ttlNanos) {
        if (e.vector() != null) {
          out.put(key, e.vector());
        }
      } else {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      Map<String, FeatureVector> read = store.getMany(registry.view(view), missing);
      for (String key : missing) {
        FeatureVector v = read.get(key);
        cache.put(key, new Entry(v, now));
        if (v != null) {
          out.put(key, v);
        }
      }
    }
    return out;
  }
}
