package io.flywheel.flink;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.StoreLock;
import io.flywheel.featurestore.StoreReplacement;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The streaming feature pipeline, as wiring only (the arithmetic lives in the feature store's state
 * classes): events → parse (dead letters) → watermarks → de-duplicate (late output) → user,
 * product, content and variant stages in event-time order → online and offline stores; impressions
 * travel the same stages collecting point-in-time features and are labelled when their attribution
 * windows close. Co-visitation runs as its own job ({@link #buildCoVisitation}).
 */
public final class FeatureJob {
  private FeatureJob() {}

  /** Every class that crosses an operator boundary or lives in state (order is part of state). */
  private static final List<Class<?>> KRYO_TYPES =
      List.of(
          Event.class,
          EventType.class,
          SlotInput.class,
          ExamplePart.class,
          FeatureVector.class,
          TrainingExample.class,
          io.flywheel.featurestore.ScoredItem.class,
          CoVisitationStages.Pair.class,
          UserStage.UserState.class,
          io.flywheel.featurestore.UserActivity.class,
          io.flywheel.featurestore.CategoryAffinity.class,
          io.flywheel.featurestore.TiledWindow.class,
          io.flywheel.featurestore.ProductStats.class,
          io.flywheel.featurestore.ResponseCounts.class,
          io.flywheel.featurestore.CoVisitation.class,
          io.flywheel.featurestore.CoVisitation.Basket.class,
          java.util.LinkedHashMap.class,
          java.util.HashMap.class,
          java.util.TreeMap.class,
          java.util.TreeSet.class,
          java.util.ArrayList.class,
          double[].class,
          long[].class,
          Object[].class);

  /**
   * Runs both jobs over a bounded replay (on a local MiniCluster, or on the cluster named by {@link
   * FeatureJobOptions#flinkRestUrl()}) and reports what they did.
   */
  public static FeatureJobResult run(FeatureJobOptions options) throws Exception {
    return run(options, JobProgress.NONE);
  }

  public static FeatureJobResult run(FeatureJobOptions options, JobProgress progress)
      throws Exception {
    return run(options, progress, Duration.ZERO);
  }

  /**
   * As above, holding the home's writer lock for the whole run: a second writer of the same store
   * is refused, naming the process that writes it, unless it waits up to {@code lockWait} for its
   * turn.
   */
  public static FeatureJobResult run(
      FeatureJobOptions options, JobProgress progress, Duration lockWait) throws Exception {
    try (StoreLock writer =
        StoreLock.acquire(
            Path.of(options.home()).resolve("features"),
            "writer",
            "the feature store's writer",
            lockWait)) {
      if (options.discardOutputs() || !options.bounded()) {
        return run(options, progress, UnaryOperator.identity());
      }
      requireOnlineStore(options);
      Optional<LocalDate[]> days = EventDays.of(Path.of(options.events()));
      return days.isEmpty()
          ? replay(options, progress, LocalDate.MAX, LocalDate.MIN, true)
          : replay(options, progress, days.get()[0], days.get()[1], true);
    }
  }

  /**
   * Replays the events file but replaces only the offline partitions of [from, to] (a backfill):
   * the file should hold the days before {@code from} that features look back on and the purchase
   * window after {@code to} that labels need; what it gives for other days is dropped, and the
   * store's dead-letter and late files are left as they are.
   */
  public static FeatureJobResult replayDays(
      FeatureJobOptions options,
      JobProgress progress,
      Duration lockWait,
      LocalDate from,
      LocalDate to)
      throws Exception {
    if (!options.bounded() || options.discardOutputs()) {
      throw new IllegalArgumentException("replayDays: a file replay that stores its outputs");
    }
    try (StoreLock writer =
        StoreLock.acquire(
            Path.of(options.home()).resolve("features"),
            "writer",
            "the feature store's writer",
            lockWait)) {
      requireOnlineStore(options);
      return replay(options, progress, from, to, false);
    }
  }

  /** The embedded online store must be free (e.g. not held by `features serve` or `up`). */
  private static void requireOnlineStore(FeatureJobOptions options) {
    if (options.redisUrl() == null) {
      StoreLock.requireFree(
          Path.of(options.home()).resolve("features"), "online", "the embedded online store");
    }
  }

  /**
   * A replay replaces the offline partitions of [from, to], so running the same events twice gives
   * the store once. It writes beside the store and commits at the end, so a run killed at any point
   * leaves the last committed store readable; what a killed run left is finished or cleared first.
   */
  private static FeatureJobResult replay(
      FeatureJobOptions options,
      JobProgress progress,
      LocalDate from,
      LocalDate to,
      boolean sideOutputs)
      throws Exception {
    Path features = Path.of(options.home()).resolve("features");
    StoreReplacement.recover(features);
    StoreReplacement replacement = StoreReplacement.begin(features, from, to, sideOutputs);
    FeatureJobResult result;
    try {
      result =
          run(
              options.withOutputDir(replacement.outputDir().toString()),
              progress,
              UnaryOperator.identity());
    } catch (Exception | Error e) {
      replacement.abandon();
      throw e;
    }
    return result.replacing(replacement.commit());
  }

  /** As above, with {@code tap} applied to the parsed events (tests inject failures there). */
  static FeatureJobResult run(
      FeatureJobOptions options, JobProgress progress, UnaryOperator<DataStream<Event>> tap)
      throws Exception {
    if (!options.bounded()) {
      throw new IllegalArgumentException(
          "an unbounded source (kafka, a followed file) never ends; use start()");
    }
    long began = System.nanoTime();
    // Training and scoring read the catalogue from the store's home, not from wherever the
    // events came from.
    ShopCatalog.publish(Path.of(options.products()), Path.of(options.home()));
    StreamExecutionEnvironment env = environment(options, "features");
    JobExecutionResult features =
        watch(env.executeAsync(buildFeatures(env, options, tap)), "features", options, progress);
    StreamExecutionEnvironment covisitEnv = environment(options, "covisit");
    buildCoVisitation(covisitEnv, options);
    JobExecutionResult covisit =
        watch(covisitEnv.executeAsync("flywheel-covisitation"), "co-visitation", options, progress);
    return new FeatureJobResult(
        counter(features, JobCounters.ACCEPTED),
        counter(features, JobCounters.MALFORMED),
        counter(features, JobCounters.DUPLICATES),
        counter(features, JobCounters.LATE),
        counter(features, JobCounters.EXAMPLES),
        counter(features, JobCounters.OPEN_WINDOWS),
        counter(features, JobCounters.EXAMPLES_BEHIND_WATERMARK),
        counter(covisit, JobCounters.SESSIONS),
        (System.nanoTime() - began) / 1_000_000,
        0);
  }

  /**
   * Starts both jobs and returns at once: for an unbounded source (Kafka) they run until cancelled
   * through the returned handle.
   */
  public static StreamingFeatureJobs start(FeatureJobOptions options) throws Exception {
    StreamExecutionEnvironment env = environment(options, "features");
    JobClient features = env.executeAsync(buildFeatures(env, options));
    StreamExecutionEnvironment covisitEnv = environment(options, "covisit");
    buildCoVisitation(covisitEnv, options);
    JobClient covisit;
    try {
      covisit = covisitEnv.executeAsync("flywheel-covisitation");
    } catch (Exception e) {
      features.cancel();
      throw e;
    }
    return new StreamingFeatureJobs(features, covisit);
  }

  /** Polls a running job's progress until it ends, then returns its result. */
  private static JobExecutionResult watch(
      JobClient client, String job, FeatureJobOptions options, JobProgress progress)
      throws Exception {
    long total = java.nio.file.Files.size(Path.of(options.events()));
    var result = client.getJobExecutionResult();
    while (!result.isDone()) {
      try {
        Map<String, Object> counters = client.getAccumulators().get(5, TimeUnit.SECONDS);
        progress.update(
            job,
            number(counters.get(JobCounters.BYTES_READ)),
            total,
            number(counters.get(JobCounters.LINES_READ)));
      } catch (java.util.concurrent.ExecutionException
          | java.util.concurrent.TimeoutException
          | IllegalStateException notYet) {
        // The job may not be running yet, or it has just ended and its local MiniCluster is
        // shutting down (which throws IllegalStateException); the result tells which below.
      }
      try {
        result.get(500, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException running) {
        // still running
      }
    }
    JobExecutionResult done = result.get();
    progress.update(job, total, total, counter(done, JobCounters.LINES_READ));
    return done;
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  private static long counter(JobExecutionResult result, String name) {
    Object value = result.getAccumulatorResult(name);
    return value instanceof Number n ? n.longValue() : 0;
  }

  /**
   * A local (or, with {@code flinkRestUrl}, remote) environment with the chosen state backend and
   * checkpoints under the data folder.
   */
  public static StreamExecutionEnvironment environment(FeatureJobOptions options, String job) {
    Configuration config = new Configuration();
    config.set(StateBackendOptions.STATE_BACKEND, options.stateBackend());
    // With Flink-managed memory a local MiniCluster hands each RocksDB instance a sliver of
    // memory, and writes stall (measured: 4x slower). Fixed write buffers bound memory instead:
    // up to 32 MB per state per parallel instance (4 MB buffers compacted constantly).
    config.setString("state.backend.rocksdb.memory.managed", "false");
    config.setString("state.backend.rocksdb.writebuffer.size", "16mb");
    config.setString("state.backend.rocksdb.writebuffer.count", "2");
    // Timers on the heap (checkpointed with the state): RocksDB-kept timers cost a RocksDB
    // lookup per registration, and every buffered event registers one.
    config.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
    // A bounded replay that keeps failing should fail, not restart forever.
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    config.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        Path.of(options.home())
            .resolve("features")
            .resolve("checkpoints")
            .resolve(job)
            .toAbsolutePath()
            .toUri()
            .toString());
    StreamExecutionEnvironment env =
        options.flinkRestUrl() == null
            ? StreamExecutionEnvironment.getExecutionEnvironment(config)
            : remote(options.flinkRestUrl(), options.jobJar(), config);
    // Flywheel's data are records; Flink's Kryo needs a serializer that knows records.
    env.getConfig().enableForceKryo();
    // Flywheel's records are immutable: chained operators may pass them on without a deep copy.
    env.getConfig().enableObjectReuse();
    env.getConfig()
        .getSerializerConfig()
        .addDefaultKryoSerializer(Record.class, RecordKryoSerializer.class);
    // Registered classes are written as small ids instead of their names.
    for (Class<?> type : KRYO_TYPES) {
      env.getConfig().getSerializerConfig().registerKryoType(type);
    }
    env.getConfig()
        .getSerializerConfig()
        .registerTypeWithKryoSerializer(Event.class, EventKryoSerializer.class);
    env.getConfig()
        .getSerializerConfig()
        .registerTypeWithKryoSerializer(
            FeatureVector.class, CompactKryoSerializers.FeatureVectors.class);
    env.getConfig()
        .getSerializerConfig()
        .registerTypeWithKryoSerializer(
            ExamplePart.class, CompactKryoSerializers.ExampleParts.class);
    env.setParallelism(options.parallelism());
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
    env.enableCheckpointing(options.checkpointInterval().toMillis());
    return env;
  }

  /** Parsed, watermarked, de-duplicated events; dead letters and late events go to files. */
  static DataStream<Event> acceptedEvents(
      StreamExecutionEnvironment env,
      FeatureJobOptions options,
      String job,
      UnaryOperator<DataStream<Event>> tap) {
    String sourceName =
        options.kafka() == null ? options.events() : "kafka:" + options.kafka().topic();
    // One reader: a replayed file is one split, and an idle second reader would hold the
    // watermark back until it finished, making lateness depend on start-up timing. A topic is
    // read by one reader too, so the watermark follows the order records were produced in.
    SingleOutputStreamOperator<Event> parsed =
        lines(env, options, job)
            .setParallelism(1)
            .process(new EventParser(sourceName))
            .name("parse")
            .setParallelism(1);
    String outDir = options.sideOutputDir(job);
    parsed
        .getSideOutput(EventParser.DEAD_LETTERS)
        .sinkTo(new LinesFileSink(outDir, "dead-letters"))
        .name("dead letters");
    SingleOutputStreamOperator<Event> accepted =
        tap.apply(parsed)
            .transform(
                "event-time clock",
                TypeInformation.of(Event.class),
                new LogicalClock(options.outOfOrderness().toMillis()))
            .setParallelism(1)
            .keyBy(Event::eventId)
            .process(
                new Deduplicate(
                    options.allowedLateness().toMillis(), Duration.ofDays(2).toMillis()))
            .name("deduplicate");
    accepted
        .getSideOutput(Deduplicate.LATE)
        .map(e -> io.flywheel.core.Codecs.encodeLine(io.flywheel.core.Codecs.EVENTS, e))
        .sinkTo(new LinesFileSink(outDir, "late"))
        .name("late events");
    return accepted;
  }

  /** Raw JSON lines from the events file or the Kafka topic. */
  private static SingleOutputStreamOperator<String> lines(
      StreamExecutionEnvironment env, FeatureJobOptions options, String job) {
    if (options.follow()) {
      return env.addSource(new FollowedFileSource(options.events()), "follow " + options.events());
    }
    if (options.kafka() == null) {
      FileSource<String> file =
          FileSource.forRecordStreamFormat(
                  new TextLineInputFormat(),
                  new org.apache.flink.core.fs.Path(
                      Path.of(options.events()).toAbsolutePath().toUri()))
              .build();
      return env.fromSource(file, WatermarkStrategy.noWatermarks(), "events.jsonl");
    }
    FeatureJobOptions.KafkaTopic topic = options.kafka();
    KafkaSource<String> kafka =
        KafkaSource.<String>builder()
            .setBootstrapServers(topic.bootstrapServers())
            .setTopics(topic.topic())
            // Each job keeps its own position: the feature and co-visitation jobs read all events.
            .setGroupId(topic.groupId() + "-" + job)
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setValueOnlyDeserializer(new SimpleStringSchema())
            .build();
    return env.fromSource(kafka, WatermarkStrategy.noWatermarks(), "kafka " + topic.topic());
  }

  /** An environment that submits to the session cluster at {@code restUrl}. */
  private static StreamExecutionEnvironment remote(
      String restUrl, String jobJar, Configuration config) {
    java.net.URI uri = java.net.URI.create(restUrl);
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(
          "FLINK_REST_URL: expected http://host:port, got " + restUrl);
    }
    return StreamExecutionEnvironment.createRemoteEnvironment(
        uri.getHost(), uri.getPort(), config, JobJar.locate(jobJar).toString());
  }

  /** Wires the feature job into {@code env} and returns its name. */
  public static String buildFeatures(StreamExecutionEnvironment env, FeatureJobOptions options) {
    return buildFeatures(env, options, UnaryOperator.identity());
  }

  /** As above, with {@code tap} applied to the accepted events (benchmarks pace them). */
  public static String buildFeatures(
      StreamExecutionEnvironment env,
      FeatureJobOptions options,
      UnaryOperator<DataStream<Event>> tap) {
    DataStream<Event> events = acceptedEvents(env, options, "features", tap);
    BroadcastStream<Long> streamEnd =
        events
            .keyBy(e -> 0)
            .process(new StreamClock())
            .name("stream clock")
            .setParallelism(1)
            .broadcast(EventTimeStage.STREAM_END);

    // Four keyed stages read the accepted events side by side; each sends its part of every
    // impression's training example to the attribution join, which assembles and labels it.
    UserStage userStage = new UserStage(options.products());
    List<EventTimeStage<?>> stages =
        List.of(userStage, new ProductStage(), ResponseStage.content(), ResponseStage.variant());
    List<String> names =
        List.of("user features", "product features", "content features", "variant features");
    DataStream<FeatureVector> vectors = null;
    // Impressions (which open the attribution windows) and their follow-ups, by slot.
    DataStream<SlotInput> toJoin =
        events
            .filter(e -> e.requestId() != null && e.contentId() != null)
            .map(SlotInput::of)
            .name("impressions and follow-ups");
    for (int i = 0; i < stages.size(); i++) {
      EventTimeStage<?> function = stages.get(i);
      SingleOutputStreamOperator<FeatureVector> stage =
          events.keyBy(function::keyOf).connect(streamEnd).process(function).name(names.get(i));
      vectors = vectors == null ? stage : vectors.union(stage);
      toJoin =
          toJoin.union(
              stage
                  .getSideOutput(EventTimeStage.EXAMPLES)
                  .map(SlotInput::of)
                  .name(names.get(i) + ": example parts"));
    }
    if (options.discardOutputs()) {
      vectors.sinkTo(new DiscardingSink<>()).name("features discarded");
    } else {
      vectors
          .sinkTo(new FeatureStoreSink(options.home(), options.offlineDir(), options.redisUrl()))
          .name("feature store");
    }

    toJoin
        .keyBy(SlotInput::slot)
        .connect(streamEnd)
        .process(
            new AttributionJoin(
                options.clickWindow().toMillis(), options.purchaseWindow().toMillis()))
        .returns(TypeInformation.of(TrainingExample.class))
        .name("attribution")
        .sinkTo(
            options.discardOutputs()
                ? new DiscardingSink<>()
                : new TrainingExampleSink(options.offlineDir()))
        .name("training examples");
    return "flywheel-features";
  }

  /** Wires the co-visitation job: sessions of product interactions → neighbour lists. */
  public static void buildCoVisitation(StreamExecutionEnvironment env, FeatureJobOptions options) {
    acceptedEvents(env, options, "covisit", UnaryOperator.identity())
        .filter(e -> e.sessionId() != null && e.productId() != null && e.type().showsInterest())
        .keyBy(Event::sessionId)
        .window(EventTimeSessionWindows.withGap(options.sessionGap()))
        .process(new CoVisitationStages.SessionPairs())
        .name("sessions")
        .keyBy(CoVisitationStages.Pair::product)
        .process(new CoVisitationStages.Neighbours())
        .name("neighbours")
        .sinkTo(
            options.discardOutputs()
                ? new DiscardingSink<>()
                : new FeatureStoreSink(options.home(), options.offlineDir(), options.redisUrl()))
        .name("feature store");
  }
}
