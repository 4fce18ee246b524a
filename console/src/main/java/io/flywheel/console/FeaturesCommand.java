package io.flywheel.console;

import io.flywheel.featurestore.FeatureServer;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.flink.FeatureJob;
import io.flywheel.flink.FeatureJobOptions;
import io.flywheel.flink.FeatureJobResult;
import io.flywheel.flink.StreamingFeatureJobs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel features}: run the feature jobs, look features up, serve them. */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = "Compute streaming features and training examples on Flink, and serve them.",
    subcommands = {
      FeaturesCommand.Run.class,
      FeaturesCommand.Get.class,
      FeaturesCommand.Serve.class,
      FeaturesCommand.BenchRead.class,
      FeaturesCommand.BenchFreshness.class,
      FeaturesCommand.BenchCeiling.class
    })
final class FeaturesCommand implements Runnable {
  @ParentCommand FlywheelCli root;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code features run}: the bounded jobs on a local MiniCluster. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Replay events through the feature jobs (local Flink MiniCluster), filling "
              + "the online and offline stores under HOME/features.")
  static final class Run implements Callable<Integer> {
    @ParentCommand FeaturesCommand parent;

    @Spec CommandSpec spec;

    @Mixin EventsFileOption events;

    @Option(
        names = "--products",
        paramLabel = "FILE",
        description =
            "products.jsonl, for categories (default: next to the events file, else the "
                + "catalogue a replay published in HOME/catalog).")
    Path products;

    @Option(
        names = "--parallelism",
        defaultValue = "2",
        description = "Operator parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
        names = "--out-of-orderness",
        defaultValue = "5s",
        converter = OptionTypes.ShortDuration.class,
        description = "Watermark lag behind the newest event (default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness;

    @Option(
        names = "--allowed-lateness",
        defaultValue = "1h",
        converter = OptionTypes.ShortDuration.class,
        description =
            "Events further behind the watermark go to the late output "
                + "(default: ${DEFAULT-VALUE}).")
    Duration allowedLateness;

    @Option(
        names = "--state-backend",
        defaultValue = "rocksdb",
        description =
            "Where keyed state lives: rocksdb or hashmap (heap) " + "(default: ${DEFAULT-VALUE}).")
    OptionTypes.StateBackend stateBackend;

    @Option(
        names = "--discard-outputs",
        description = "Benchmarks only: compute everything but store nothing.")
    boolean discardOutputs;

    @Option(
        names = "--wait-lock",
        defaultValue = "0s",
        paramLabel = "DURATION",
        converter = OptionTypes.ShortDuration.class,
        description =
            "When another process is writing this home's feature store, wait up to "
                + "this long for it (default: fail at once, naming the writer).")
    Duration waitLock;

    @Option(
        names = "--kafka-topic",
        paramLabel = "TOPIC",
        description =
            "Read events from this Kafka topic instead of a file, and keep running "
                + "(Ctrl-C stops) on the brokers of --kafka-bootstrap.")
    String kafkaTopic;

    @Option(
        names = "--kafka-bootstrap",
        paramLabel = "HOST:PORT[,...]",
        description = "Kafka brokers (default: the configured KAFKA_BOOTSTRAP_SERVERS).")
    String kafkaBootstrap;

    @Option(
        names = "--kafka-group",
        defaultValue = "flywheel-features",
        description = "Consumer group prefix for committed offsets (default: ${DEFAULT-VALUE}).")
    String kafkaGroup;

    @Option(
        names = "--follow",
        description =
            "Read the events file to its end, then keep reading what is appended to it "
                + "(delivery's impression log, a shop's collector) until Ctrl-C, keeping the "
                + "online store fresh.")
    boolean follow;

    @Mixin OutputOptions output;

    @Override
    public Integer call() throws Exception {
      if (kafkaTopic != null) {
        if (follow) {
          throw new ParameterException(
              spec.commandLine(), "--follow: follows a file; it cannot be used with --kafka-topic");
        }
        return streamFromKafka();
      }
      Path home = parent.root.home();
      Path eventsFile =
          follow ? events.resolveToFollow(home) : events.resolve(home, spec.commandLine());
      Path productsFile = products != null ? products : defaultProducts(eventsFile, home);
      InputFiles.require(spec.commandLine(), "--products", productsFile);
      if (parallelism < 1) {
        throw new ParameterException(
            spec.commandLine(), "--parallelism must be at least 1, got " + parallelism);
      }
      Writable.requireDirectory(spec.commandLine(), home.resolve("features"), "--home");
      FeatureJobOptions options =
          FeatureJobOptions.defaults(
                  eventsFile.toString(), productsFile.toString(), home.toString())
              .on(parent.root.config())
              .withLateness(outOfOrderness, allowedLateness)
              .withParallelism(parallelism)
              .forBenchmark(stateBackend(), discardOutputs);
      if (follow) {
        return stream(options.following(), "following " + eventsFile);
      }
      FeatureJobResult result;
      try (JobProgressBar progress =
          new JobProgressBar(output.showProgress(), spec.commandLine().getErr())) {
        result = FeatureJob.run(options, progress, waitLock);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        out.println(SummaryReport.json(result));
      } else {
        print(result, home, out);
      }
      return 0;
    }

    /** products.jsonl beside the events, else the catalogue the home's last replay published. */
    private static Path defaultProducts(Path eventsFile, Path home) {
      Path beside = eventsFile.toAbsolutePath().getParent().resolve("products.jsonl");
      Path published = home.resolve(io.flywheel.featurestore.ShopCatalog.HOME_FILE);
      return Files.isRegularFile(beside) || !Files.isRegularFile(published) ? beside : published;
    }

    private String stateBackend() {
      return stateBackend.name();
    }

    /** Runs on the topic until interrupted. */
    private int streamFromKafka() throws Exception {
      if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
        kafkaBootstrap = parent.root.config().kafkaBootstrapServers();
      }
      if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
        throw new ParameterException(
            spec.commandLine(),
            "--kafka-bootstrap: required with " + "--kafka-topic (or set KAFKA_BOOTSTRAP_SERVERS)");
      }
      if (products == null || !Files.isRegularFile(products)) {
        throw new ParameterException(
            spec.commandLine(),
            "--products: a products.jsonl file "
                + "is required with --kafka-topic (got "
                + products
                + ")");
      }
      Path home = parent.root.home();
      Writable.requireDirectory(spec.commandLine(), home.resolve("features"), "--home");
      FeatureJobOptions options =
          FeatureJobOptions.streaming(
                  new FeatureJobOptions.KafkaTopic(kafkaBootstrap, kafkaTopic, kafkaGroup),
                  products.toString(),
                  home.toString())
              .on(parent.root.config())
              .withLateness(outOfOrderness, allowedLateness)
              .withParallelism(parallelism)
              .forBenchmark(stateBackend(), discardOutputs);
      return stream(options, "reading topic " + kafkaTopic + " on " + kafkaBootstrap);
    }

    /** Runs the unbounded jobs until interrupted, with a status line every few seconds. */
    private int stream(FeatureJobOptions options, String source) throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      StreamingFeatureJobs jobs = FeatureJob.start(options);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      jobs.close();
                    } catch (Exception e) {
                      err.println("stopping the feature jobs: " + e.getMessage());
                    }
                  },
                  "stop-feature-jobs"));
      jobs.awaitRunning(Duration.ofMinutes(2));
      err.printf(
          Locale.ROOT,
          "features: %s (%s); Ctrl-C stops%n",
          source,
          options.flinkRestUrl() == null ? "local Flink" : "Flink at " + options.flinkRestUrl());
      err.flush();
      long began = System.nanoTime();
      while (jobs.running()) {
        Thread.sleep(5_000);
        long read = jobs.eventsRead();
        double seconds = (System.nanoTime() - began) / 1e9;
        if (output.showProgress()) {
          err.printf(
              Locale.ROOT,
              "features: %,d events read (%,.0f ev/s), %,d accepted, " + "%,d training examples%n",
              read,
              read / seconds,
              jobs.accepted(),
              jobs.trainingExamples());
          err.flush();
        }
      }
      err.println("features: the jobs stopped (see the Flink logs for why)");
      return 1;
    }

    static void print(FeatureJobResult r, Path home, PrintWriter out) {
      out.printf(
          Locale.ROOT,
          "  events     %,d accepted, %,d malformed (dead-lettered), "
              + "%,d duplicates dropped, %,d late (late output)%n",
          r.accepted(),
          r.malformed(),
          r.duplicates(),
          r.late());
      out.printf(
          Locale.ROOT,
          "  training   %,d labelled examples (%,d impressions too close to "
              + "the end to label, %,d arrived behind the watermark)%n",
          r.trainingExamples(),
          r.openAttributionWindows(),
          r.examplesBehindWatermark());
      out.printf(Locale.ROOT, "  sessions   %,d closed for co-visitation%n", r.sessions());
      out.printf(
          Locale.ROOT,
          "  stores     online %s, offline %s (%.1f s)%n",
          home.resolve("features").resolve("online"),
          home.resolve("features").resolve("offline"),
          r.elapsedMillis() / 1000.0);
      out.flush();
    }
  }

  /** {@code features get}: one entity's online features. */
  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Print one entity's online features.")
  static final class Get implements Callable<Integer> {
    @ParentCommand FeaturesCommand parent;

    @Spec CommandSpec spec;

    @Option(names = "--view", required = true, description = "Feature view, e.g. user_activity.")
    String view;

    @Option(names = "--key", required = true, description = "Entity key, e.g. u42.")
    String key;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      try {
        io.flywheel.featurestore.FeatureRegistry.builtIn().view(view);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--view: " + e.getMessage());
      }
      if (!Files.isDirectory(parent.root.home().resolve("features"))) {
        // Reading must not create a home: a mistyped --home would leave an empty store behind.
        throw new ParameterException(
            spec.commandLine(),
            "--home "
                + parent.root.home()
                + ": no feature store here (run `flywheel features run` first)");
      }
      var server =
          io.flywheel.core.LocalServices.find(
              parent.root.home(), io.flywheel.core.LocalServices.FEATURES);
      if (server.isPresent()) {
        // `flywheel up` holds the online store: ask its feature server.
        return print(
            io.flywheel.featurestore.FeatureServerClient.lookup(server.get().url(), view, key));
      }
      try (FeatureStore store = parent.root.featureStore(parent.root.home())) {
        try {
          store.registry().view(view);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "--view: " + e.getMessage());
        }
        return print(store.lookup(view, key));
      }
    }

    private int print(java.util.Optional<FeatureVector> found) {
      if (found.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("error: no live features for --key " + key + " in view " + view);
        return 1;
      }
      FeatureVector vector = found.get();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(SummaryReport.json(vector));
      } else {
        out.printf("%s %s as of %s%n", view, key, java.time.Instant.ofEpochMilli(vector.asOf()));
        for (Map.Entry<String, Object> value : vector.values().entrySet()) {
          out.printf("  %-30s %s%n", value.getKey(), value.getValue());
        }
      }
      return 0;
    }
  }

  /** {@code features serve}: the HTTP feature server, until interrupted. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Serve online features over HTTP (GET /v1/features/{view}/{key}, /health, "
              + "/metrics) until interrupted.")
  static final class Serve implements Callable<Integer> {
    @ParentCommand FeaturesCommand parent;

    @Spec CommandSpec spec;

    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
        names = "--port",
        defaultValue = "8081",
        description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    public Integer call() throws Exception {
      if (port < 0 || port > 65535) {
        throw new ParameterException(spec.commandLine(), "--port must be 0-65535, got " + port);
      }
      FeatureStore store = parent.root.featureStore(parent.root.home());
      FeatureServer server = FeatureServer.start(store, host, port);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    store.close();
                    stopped.countDown();
                  }));
      spec.commandLine()
          .getOut()
          .printf(
              "Feature server on http://%s:%d (online store %s)%n",
              host, server.port(), store.online().describe());
      spec.commandLine().getOut().flush();
      stopped.await();
      return 0;
    }
  }

  /** {@code features bench-read}: online read latency, in-process and over HTTP. */
  @Command(
      name = "bench-read",
      mixinStandardHelpOptions = true,
      description =
          "Benchmark online reads of one entity's ~100-feature vector, in-process and "
              + "over HTTP (p50/p95/p99 per round). Uses a scratch store under HOME/bench.")
  static final class BenchRead implements Callable<Integer> {
    @ParentCommand FeaturesCommand parent;

    @Spec CommandSpec spec;

    @Option(
        names = "--entities",
        defaultValue = "100000",
        description = "Entities written first (default: ${DEFAULT-VALUE}).")
    int entities;

    @Option(
        names = "--features",
        defaultValue = "100",
        description = "Features per vector (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(
        names = "--reads",
        defaultValue = "20000",
        description = "Reads per round (default: ${DEFAULT-VALUE}).")
    int reads;

    @Option(
        names = "--rounds",
        defaultValue = "5",
        description = "Measured rounds after one warm-up (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
      if (entities < 1 || features < 1 || reads < 1 || rounds < 1) {
        throw new ParameterException(
            spec.commandLine(), "--entities, --features, --reads and --rounds must be at least 1");
      }
      Path scratch = parent.root.home().resolve("bench").resolve("online-read");
      io.flywheel.benchmarks.OnlineReadBenchmark.run(
          scratch,
          parent.root.config().redisUrl(),
          entities,
          features,
          reads,
          rounds,
          spec.commandLine().getOut());
      return 0;
    }
  }

  /** {@code features bench-freshness}: event → readable online, replayed as if live. */
  @Command(
      name = "bench-freshness",
      mixinStandardHelpOptions = true,
      description =
          "Replay events at a fixed rate as if live (local MiniCluster) and measure "
              + "how long each takes to become readable in the online store (p50, p99).")
  static final class BenchFreshness implements Callable<Integer> {
    @ParentCommand FeaturesCommand parent;

    @Spec CommandSpec spec;

    @Mixin EventsFileOption events;

    @Option(
        names = "--rate",
        defaultValue = "2000",
        description = "Events per second handed to the job (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
        names = "--out-of-orderness",
        defaultValue = "100ms",
        converter = OptionTypes.ShortDuration.class,
        description =
            "Watermark lag: a live stream in order needs little " + "(default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness;

    @Option(
        names = "--warm-up",
        defaultValue = "10s",
        converter = OptionTypes.ShortDuration.class,
        description =
            "Samples in the first part of the run are not counted "
                + "(default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Override
    public Integer call() throws Exception {
      Path home = parent.root.home();
      Path eventsFile = events.resolve(home, spec.commandLine());
      if (!(rate > 0)) {
        throw new ParameterException(spec.commandLine(), "--rate must be positive, got " + rate);
      }
      FeatureJobOptions options =
          benchOptions(home, eventsFile, "freshness", spec)
              .withRedisUrl(parent.root.config().redisUrl())
              .withFlinkRestUrl(null)
              .withLateness(outOfOrderness, Duration.ofHours(1));
      var r =
          io.flywheel.benchmarks.FreshnessBenchmark.run(
              options, rate, warmUp.toMillis(), spec.commandLine().getErr());
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          Locale.ROOT,
          "freshness at %,.0f events/s (achieved %,.0f): p50 %.0f ms, "
              + "p99 %.0f ms, max %.0f ms over %,d watched events (%,d never seen)%n",
          r.targetRate(),
          r.achievedRate(),
          r.p50Millis(),
          r.p99Millis(),
          r.maxMillis(),
          r.samples(),
          r.unseen());
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "bench-ceiling",
      mixinStandardHelpOptions = true,
      description =
          "How fast Flink goes here with the feature job's skeleton only (read, "
              + "parse, key by each entity, count): the ceiling for the feature job's throughput.")
  static final class BenchCeiling implements Callable<Integer> {
    @ParentCommand FeaturesCommand parent;

    @Spec CommandSpec spec;

    @Mixin EventsFileOption events;

    @Option(
        names = "--state-backend",
        defaultValue = "rocksdb",
        description = "rocksdb or hashmap (default: ${DEFAULT-VALUE}).")
    OptionTypes.StateBackend stateBackend;

    @Option(
        names = "--parallelism",
        defaultValue = "2",
        description = "Parallelism of the keyed stages (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
        names = "--with-job",
        description =
            "Run the real feature job after the ceiling on the same events (both stores written"
                + " with rocksdb, outputs discarded with hashmap) and print the ratio.")
    boolean withJob;

    @Mixin OutputOptions output;

    @Override
    public Integer call() throws Exception {
      Path home = parent.root.home();
      Path eventsFile = events.resolve(home, spec.commandLine());
      boolean discard = !withJob || stateBackend.name().equals("hashmap");
      FeatureJobOptions options =
          benchOptions(home, eventsFile, "ceiling", spec)
              .forBenchmark(stateBackend.name(), discard)
              .withParallelism(parallelism)
              .withFlinkRestUrl(null);
      long lines;
      try (var all = java.nio.file.Files.lines(eventsFile)) {
        lines = all.count();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (withJob) {
        var c = io.flywheel.benchmarks.PipelineCeiling.compare(options, lines);
        if (output.json()) {
          out.println(TrainCommand.JSON.writeValueAsString(c));
        } else {
          out.printf(
              Locale.ROOT,
              "%s state, %s: ceiling %,.0f events/s, feature job %,.0f events/s, ratio %.3f"
                  + " (%,d events)%n",
              c.stateBackend(),
              c.outputsWritten() ? "both stores written" : "outputs discarded",
              c.ceilingEventsPerSecond(),
              c.jobEventsPerSecond(),
              c.ratio(),
              c.events());
        }
        return 0;
      }
      for (var r : io.flywheel.benchmarks.PipelineCeiling.measure(options, lines)) {
        out.printf(
            Locale.ROOT,
            "%-58s %,12.0f events/s  (%,d events in %.2f s)%n",
            r.pipeline(),
            r.eventsPerSecond(),
            r.events(),
            r.millis() / 1000.0);
        out.flush();
      }
      return 0;
    }
  }

  /**
   * Job options for a benchmark over {@code eventsFile} (its products beside it) with its stores
   * under {@code HOME/bench/NAME}, which must be writable.
   */
  static FeatureJobOptions benchOptions(Path home, Path eventsFile, String name, CommandSpec spec) {
    Path scratch = home.resolve("bench").resolve(name);
    Writable.requireDirectory(spec.commandLine(), scratch, "--home");
    return FeatureJobOptions.defaults(
        eventsFile.toString(),
        eventsFile.toAbsolutePath().getParent().resolve("products.jsonl").toString(),
        scratch.toString());
  }
}
