package io.flywheel.featurestore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest features of every entity, for serving in milliseconds. Writes are idempotent upserts:
 * a vector replaces the stored one only if it is at least as recent (as-of time), so replays and
 * retries never move a value back in time. Values expire {@link FeatureView#ttl()} after their last
 * write.
 */
public interface OnlineStore extends AutoCloseable {

  /** Writes {@code vector} unless a newer one is stored; returns whether it was written. */
  default boolean upsert(FeatureView view, FeatureVector vector) {
    return upsertAll(view, List.of(vector)) == 1;
  }

  /** Upserts many vectors of one view in one round trip. Returns how many were written. */
  int upsertAll(FeatureView view, Collection<FeatureVector> vectors);

  default Optional<FeatureVector> get(FeatureView view, String key) {
    return Optional.ofNullable(getMany(view, List.of(key)).get(key));
  }

  /** The live vectors among {@code keys}; missing or expired keys are absent from the map. */
  Map<String, FeatureVector> getMany(FeatureView view, Collection<String> keys);

  /** A short description for logs and /health, such as {@code rocksdb:/path}. */
  String describe();

  @Override
  void close();

  /** Redis when {@code redisUrl} is set (REDIS_URL), otherwise RocksDB under {@code home}. */
  static OnlineStore open(Path home, String redisUrl, Clock clock) throws IOException {
    if (redisUrl != null && !redisUrl.isBlank()) {
      return new RedisOnlineStore(redisUrl, clock);
    }
    return new RocksDbOnlineStore(home.resolve("online"), clock);
  }
}
