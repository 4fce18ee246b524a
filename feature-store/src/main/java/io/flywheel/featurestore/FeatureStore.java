package io.flywheel.featurestore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flywheel's feature store: the view registry, the online store (latest values, milliseconds) and
 * the offline store (Parquet history and point-in-time training sets). Under the data folder it
 * uses {@code features/online} (RocksDB, unless {@code REDIS_URL} is set) and {@code
 * features/offline}.
 */
public final class FeatureStore implements AutoCloseable {
  private final FeatureRegistry registry;
  private final OnlineStore online;
  private final OfflineStore offline;

  public FeatureStore(FeatureRegistry registry, OnlineStore online, OfflineStore offline) {
    this.registry = registry;
    this.online = online;
    this.offline = offline;
  }

  /** The store under {@code home}, online on Redis at {@code redisUrl} (RocksDB when null). */
  public static FeatureStore open(Path home, String redisUrl) throws IOException {
    FeatureRegistry registry = FeatureRegistry.builtIn();
    Path dir = home.resolve("features");
    return new FeatureStore(
        registry,
        OnlineStore.open(dir, redisUrl, Clock.systemUTC()),
        new OfflineStore(dir.resolve("offline"), registry));
  }

  /**
   * Only the offline store under {@code home}: for readers of training data and partitions
   * (training, triggers, backfills), which must not take the online store's lock from the feature
   * job or a feature server using the same home.
   */
  public static OfflineStore offline(Path home) {
    return new OfflineStore(home.resolve("features").resolve("offline"), FeatureRegistry.builtIn());
  }

  public FeatureRegistry registry() {
    return registry;
  }

  public OnlineStore online() {
    return online;
  }

  public OfflineStore offline() {
    return offline;
  }

  /** Batch online lookup: the live vectors of {@code keys} in {@code view}. */
  public Map<String, FeatureVector> lookup(String view, Collection<String> keys) {
    return online.getMany(registry.view(view), keys);
  }

  public Optional<FeatureVector> lookup(String view, String key) {
    return online.get(registry.view(view), key);
  }

  /** Training examples of impressions dated from {@code from} to {@code to}, inclusive. */
  public List<TrainingExample> trainingSet(LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException(
          "training set: 'to' (" + to + ") is before 'from' (" + from + ")");
    }
    return offline.readTrainingSet(from, to);
  }

  @Override
  public void close() {
    online.close();
  }
}
