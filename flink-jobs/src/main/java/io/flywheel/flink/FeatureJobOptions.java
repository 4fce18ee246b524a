package io.flywheel.flink;

import io.flywheel.core.FlywheelConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the feature jobs run.
 *
 * @param events events.jsonl to replay (bounded); ignored when {@code kafka} is set
 * @param products products.jsonl: the catalogue that maps products to categories
 * @param home Flywheel's data folder; stores live under {@code home/features} (with a remote
 *     cluster it must be a folder every TaskManager can write, such as a shared mount)
 * @param redisUrl online store on Redis instead of RocksDB (null for RocksDB)
 * @param kafka read events from this Kafka topic (unbounded) instead of the file; null for the file
 * @param flinkRestUrl submit to this Flink session cluster's REST endpoint instead of a local
 *     MiniCluster; null for local
 * @param outOfOrderness how far behind the newest event an event may arrive and still be on time
 *     (the watermark lag)
 * @param allowedLateness how far behind the watermark an event is still accepted; later ones go to
 *     the late output
 * @param clickWindow a click within this long after an impression labels it clicked
 * @param purchaseWindow a purchase within this long after an impression labels it purchased
 * @param sessionGap inactivity that ends a session (co-visitation)
 * @param parallelism operator parallelism
 * @param checkpointInterval checkpoint every so often
 * @param stateBackend {@code rocksdb} (the default: state larger than memory) or {@code hashmap}
 *     (state on the heap)
 * @param discardOutputs throw features and examples away instead of storing them (only for
 *     measuring the jobs themselves)
 * @param jobJar the job jar a remote cluster runs (null: found beside Flywheel's own jar)
 * @param outputDir where the offline store and the dead-letter and late files are written; null for
 *     their places under {@code home/features}. A replay writes into a staging folder here and
 *     commits it into the store when it has finished (see {@link FeatureJob#run}).
 * @param follow keep reading {@code events} as it grows instead of ending at its last line
 */
public record FeatureJobOptions(
    String events,
    String products,
    String home,
    String redisUrl,
    KafkaTopic kafka,
    String flinkRestUrl,
    Duration outOfOrderness,
    Duration allowedLateness,
    Duration clickWindow,
    Duration purchaseWindow,
    Duration sessionGap,
    int parallelism,
    Duration checkpointInterval,
    String stateBackend,
    boolean discardOutputs,
    String jobJar,
    String outputDir,
    boolean follow)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * An events topic.
   *
   * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
   * @param topic the topic holding one JSON event per record value
   * @param groupId consumer group prefix; each job commits its offsets under its own group
   */
  public record KafkaTopic(String bootstrapServers, String topic, String groupId)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public KafkaTopic {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException("kafka bootstrapServers: required");
      }
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException("kafka topic: required");
      }
      if (groupId == null || groupId.isBlank()) {
        throw new IllegalArgumentException("kafka groupId: required");
      }
    }
  }

  public FeatureJobOptions {
    if (products == null || home == null) {
      throw new IllegalArgumentException("products and home are required");
    }
    if (events == null && kafka == null) {
      throw new IllegalArgumentException("events: a file is required unless kafka is set");
    }
    if (follow && kafka != null) {
      throw new IllegalArgumentException("follow: a file source only; kafka is set");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    if (!"rocksdb".equals(stateBackend) && !"hashmap".equals(stateBackend)) {
      throw new IllegalArgumentException("stateBackend: rocksdb or hashmap, got " + stateBackend);
    }
    if (purchaseWindow.compareTo(clickWindow) < 0) {
      throw new IllegalArgumentException("purchaseWindow must not be shorter than clickWindow");
    }
  }

  /**
   * Defaults: 5 s out of order, 1 h allowed lateness, 30 min clicks, 24 h purchases; the online
   * store in RocksDB under the home and a local MiniCluster (see {@link #on}).
   */
  public static FeatureJobOptions defaults(String events, String products, String home) {
    return defaults(events, null, products, home);
  }

  /** The same defaults, reading events from a Kafka topic (unbounded) instead of a file. */
  public static FeatureJobOptions streaming(KafkaTopic topic, String products, String home) {
    return defaults(null, topic, products, home);
  }

  private static FeatureJobOptions defaults(
      String events, KafkaTopic kafka, String products, String home) {
    return new FeatureJobOptions(
        events,
        products,
        home,
        null,
        kafka,
        null,
        Duration.ofSeconds(5),
        Duration.ofHours(1),
        Duration.ofMinutes(30),
        Duration.ofHours(24),
        Duration.ofMinutes(30),
        2,
        Duration.ofSeconds(10),
        "rocksdb",
        false,
        null,
        null,
        false);
  }

  /**
   * The engines of {@code config}: the online store on its Redis and the jobs on its Flink cluster
   * (with its job jar) where it names them, embedded otherwise.
   */
  public FeatureJobOptions on(FlywheelConfig config) {
    return edit(
        d -> {
          d.redisUrl = config.redisUrl();
          d.flinkRestUrl = config.flinkRestUrl();
          d.jobJar = config.jobJar();
        });
  }

  /** The same options writing their offline output and side outputs under {@code dir}. */
  public FeatureJobOptions withOutputDir(String dir) {
    return edit(d -> d.outputDir = dir);
  }

  /** The folder of the offline store the job writes. */
  public String offlineDir() {
    return outputDir == null
        ? java.nio.file.Path.of(home).resolve("features").resolve("offline").toString()
        : java.nio.file.Path.of(outputDir).resolve("offline").toString();
  }

  /** The folder of a job's dead-letter and late-event files. */
  public String sideOutputDir(String job) {
    return (outputDir == null
            ? java.nio.file.Path.of(home).resolve("features")
            : java.nio.file.Path.of(outputDir))
        .resolve(job)
        .toString();
  }

  /** Whether the source ends (a file replay) or runs until cancelled (Kafka, a followed file). */
  public boolean bounded() {
    return kafka == null && !follow;
  }

  /**
   * The events file read to its end and then followed as it grows (what an append-only log such as
   * delivery's impressions is), until cancelled.
   */
  public FeatureJobOptions following() {
    if (kafka != null) {
      throw new IllegalArgumentException("follow: a file source only; kafka is set");
    }
    return edit(d -> d.follow = true);
  }

  public FeatureJobOptions withParallelism(int newParallelism) {
    return edit(d -> d.parallelism = newParallelism);
  }

  /** The online store on Redis at {@code url}, or embedded RocksDB when null. */
  public FeatureJobOptions withRedisUrl(String url) {
    return edit(d -> d.redisUrl = url);
  }

  /** Events from {@code topic} (unbounded) instead of the file; null for the file. */
  public FeatureJobOptions withKafka(KafkaTopic topic) {
    return edit(d -> d.kafka = topic);
  }

  /** Submit to the session cluster at {@code url}; null for a local MiniCluster. */
  public FeatureJobOptions withFlinkRestUrl(String url) {
    return edit(d -> d.flinkRestUrl = url);
  }

  public FeatureJobOptions withLateness(Duration newOutOfOrderness, Duration newAllowedLateness) {
    return edit(
        d -> {
          d.outOfOrderness = newOutOfOrderness;
          d.allowedLateness = newAllowedLateness;
        });
  }

  public FeatureJobOptions withCheckpointInterval(Duration interval) {
    return edit(d -> d.checkpointInterval = interval);
  }

  /** For benchmarks: state on {@code backend} and, when {@code discard}, no stores written. */
  public FeatureJobOptions forBenchmark(String backend, boolean discard) {
    return edit(
        d -> {
          d.stateBackend = backend;
          d.discardOutputs = discard;
        });
  }

  /** A copy of these options with {@code change} applied (records have no withers). */
  private FeatureJobOptions edit(java.util.function.Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** The options' fields, to change before building new options (checked again then). */
  private static final class Draft {
    String events;
    String products;
    String home;
    String redisUrl;
    KafkaTopic kafka;
    String flinkRestUrl;
    Duration outOfOrderness;
    Duration allowedLateness;
    Duration clickWindow;
    Duration purchaseWindow;
    Duration sessionGap;
    int parallelism;
    Duration checkpointInterval;
    String stateBackend;
    boolean discardOutputs;
    String jobJar;
    String outputDir;
    boolean follow;

    Draft(FeatureJobOptions o) {
      events = o.events;
      products = o.products;
      home = o.home;
      redisUrl = o.redisUrl;
      kafka = o.kafka;
      flinkRestUrl = o.flinkRestUrl;
      outOfOrderness = o.outOfOrderness;
      allowedLateness = o.allowedLateness;
      clickWindow = o.clickWindow;
      purchaseWindow = o.purchaseWindow;
      sessionGap = o.sessionGap;
      parallelism = o.parallelism;
      checkpointInterval = o.checkpointInterval;
      stateBackend = o.stateBackend;
      discardOutputs = o.discardOutputs;
      jobJar = o.jobJar;
      outputDir = o.outputDir;
      follow = o.follow;
    }

    FeatureJobOptions build() {
      return new FeatureJobOptions(
          events,
          products,
          home,
          redisUrl,
          kafka,
          flinkRestUrl,
          outOfOrderness,
          allowedLateness,
          clickWindow,
          purchaseWindow,
          sessionGap,
          parallelism,
          checkpointInterval,
          stateBackend,
          discardOutputs,
          jobJar,
          outputDir,
          follow);
    }
  }
}
