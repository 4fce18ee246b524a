package io.flywheel.flink;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the feature jobs run.
 *
 * @param events events.jsonl to replay (bounded)
 * @param products products.jsonl: the catalogue that maps products to categories
 * @param home Flywheel's data folder; stores live under {@code home/features}
 * @param redisUrl online store on Redis instead of RocksDB (null for RocksDB)
 * @param outOfOrderness how far behind the newest event an event may arrive and still be on
 *     time (the watermark lag)
 * @param allowedLateness how far behind the watermark an event is still accepted; later ones
 *     go to the late output
 * @param clickWindow a click within this long after an impression labels it clicked
 * @param purchaseWindow a purchase within this long after an impression labels it purchased
 * @param sessionGap inactivity that ends a session (co-visitation)
 * @param parallelism operator parallelism
 * @param checkpointInterval checkpoint every so often (RocksDB state backend)
 */
public record FeatureJobOptions(
    String events,
    String products,
    String home,
    String redisUrl,
    Duration outOfOrderness,
    Duration allowedLateness,
    Duration clickWindow,
    Duration purchaseWindow,
    Duration sessionGap,
    int parallelism,
    Duration checkpointInterval) implements Serializable {

  private static final long serialVersionUID = 1L;

  public FeatureJobOptions {
    if (events == null || products == null || home == null) {
      throw new IllegalArgumentException("events, products and home are required");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    if (purchaseWindow.compareTo(clickWindow) < 0) {
      throw new IllegalArgumentException("purchaseWindow must not be shorter than clickWindow");
    }
  }

  /** Defaults: 5 s out of order, 1 h allowed lateness, 30 min clicks, 24 h purchases. */
  public static FeatureJobOptions defaults(String events, String products, String home) {
    return new FeatureJobOptions(events, products, home, System.getenv("REDIS_URL"),
        Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofHours(24),
        Duration.ofMinutes(30), 2, Duration.ofSeconds(10));
  }

  public FeatureJobOptions withParallelism(int newParallelism) {
    return new FeatureJobOptions(events, products, home, redisUrl, outOfOrderness,
        allowedLateness, clickWindow, purchaseWindow, sessionGap, newParallelism,
        checkpointInterval);
  }

  /** The online store on Redis at {@code url}, or embedded RocksDB when null. */
  public FeatureJobOptions withRedisUrl(String url) {
    return new FeatureJobOptions(events, products, home, url, outOfOrderness, allowedLateness,
        clickWindow, purchaseWindow, sessionGap, parallelism, checkpointInterval);
  }

  public FeatureJobOptions withLateness(Duration newOutOfOrderness,
      Duration newAllowedLateness) {
    return new FeatureJobOptions(events, products, home, redisUrl, newOutOfOrderness,
        newAllowedLateness, clickWindow, purchaseWindow, sessionGap, parallelism,
        checkpointInterval);
  }

  public FeatureJobOptions withCheckpointInterval(Duration interval) {
    return new FeatureJobOptions(events, products, home, redisUrl, outOfOrderness,
        allowedLateness, clickWindow, purchaseWindow, sessionGap, parallelism, interval);
  }
}
