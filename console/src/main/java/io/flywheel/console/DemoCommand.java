package io.flywheel.console;

import io.flywheel.content.ContentIndex;
import io.flywheel.content.MiniLmEmbedder;
import io.flywheel.core.LiveOptions;
import io.flywheel.core.LivePolicy;
import io.flywheel.core.LiveSummary;
import io.flywheel.core.LocalServices;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.ServiceHealth;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationSummary;
import io.flywheel.core.StreamAudit;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.FeatureServer;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import io.flywheel.flink.FeatureJob;
import io.flywheel.flink.FeatureJobOptions;
import io.flywheel.flink.FeatureJobResult;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.training.BaselineComparison;
import io.flywheel.training.ModelRegistration;
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.OracleCeiling;
import io.flywheel.training.PredictionTarget;
import io.flywheel.training.RecommenderTraining;
import io.flywheel.training.TrainingRun;
import io.flywheel.workflows.HomeDelivery;
import io.flywheel.workflows.ModelDeployment;
import io.flywheel.workflows.Orchestration;
import io.flywheel.workflows.PipelineSpec;
import io.flywheel.workflows.RunState;
import io.flywheel.workflows.TriggerHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel demo}: the whole product as far as it exists, on embedded defaults: one short
 * method per step, each a call into the module that owns it.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run Flywheel end to end on a small simulated shop (nothing to install).")
final class DemoCommand implements Callable<Integer> {

  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--users",
      defaultValue = "1000",
      description = "Shoppers (default: ${DEFAULT-VALUE}).")
  private int users;

  @Option(
      names = "--products",
      defaultValue = "200",
      description = "Products (default: ${DEFAULT-VALUE}).")
  private int products;

  @Option(names = "--days", defaultValue = "7", description = "Days (default: ${DEFAULT-VALUE}).")
  private int days;

  @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = "--min-auc",
      defaultValue = "0.55",
      description =
          "The retraining "
              + "pipeline's gate: the challenger's AUC floor (default: ${DEFAULT-VALUE}; tiny shops "
              + "need a lower one).")
  private double minAuc;

  @Option(
      names = "--serve",
      description =
          "Keep the platform (and its web console) up after the demo until Ctrl-C, and print"
              + " the console's URL.")
  private boolean serve;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path demoHome = root.home().resolve("demo");
    Path worldDir = demoHome.resolve("world");
    Path truthFile = worldDir.resolve("truth.jsonl");
    Writable.requireDirectory(spec.commandLine(), worldDir, "--home");

    step(out, "1. Simulate a shop (latent truth -> behaviour stream, with dirt mixed in)");
    simulate(worldDir, out);
    step(out, "2. Read the stream back as the platform's jobs will");
    StreamAudit audit = audit(demoHome, worldDir, out);
    step(out, "3. Streaming features and point-in-time training examples on Flink");
    features(demoHome, worldDir, out);
    step(out, "4. Serve features online (HTTP) and read a training set");
    List<TrainingExample> examples =
        serveAndReadTrainingSet(demoHome, audit.busiestUser(), truthFile, out);
    step(
        out,
        "5. Train CTR, conversion and ranking models (XGBoost), judge them against "
            + "the oracle, track and register them in MLflow");
    trainTrackAndRegister(demoHome, examples, truthFile, out);
    step(
        out,
        "6. Deploy the CTR champion (Triton model repository, KServe v2 gRPC) and "
            + "score through its rollout");
    deployAndScore(demoHome, examples, out);
    step(out, "7. Orchestrate: a DAG pipeline on Temporal (embedded service, real worker)");
    orchestrate(demoHome, truthFile, out);
    step(
        out,
        "8. Content: generate copy (templates, en-US and zh-CN), check it, index products and "
            + "approved copy in Elasticsearch, search it");
    DemoContentStep.run(demoHome, worldDir, seed, root.config(), out, spec.commandLine().getErr());
    step(
        out,
        "9. One local platform: `flywheel up` runs every service of the home; other commands "
            + "find them in services.json");
    platform(demoHome, out);

    out.println();
    out.println("Files: " + demoHome.toAbsolutePath().normalize());
    out.println(
        "Next steps of the loop (off-policy estimates of candidate rankers) join this demo as"
            + " they land.");
    return 0;
  }

  private void platform(Path demoHome, PrintWriter out) throws Exception {
    DemoExperimentStep.start(demoHome, out);
    // The services' token: the configured one, else one for this run only, so that the live
    // shoppers' pages can post their clicks to the delivery API's collector.
    String apiToken = root.config().apiToken();
    if (apiToken == null) {
      byte[] random = new byte[16];
      new java.security.SecureRandom().nextBytes(random);
      apiToken = java.util.HexFormat.of().formatHex(random);
    }
    try (UpProcess up =
        UpProcess.start(demoHome, Duration.ofMinutes(2), apiToken)
            .awaitHealthy(Duration.ofMinutes(1))) {
      var running = up.services();
      out.printf("  pid %d, %s%n", running.pid(), demoHome.resolve(LocalServices.FILE));
      for (ServiceHealth.Checked c : ServiceHealth.check(running.services())) {
        out.printf(
            Locale.ROOT, "  %-10s %-32s %s%n", c.service().name(), c.service().url(), c.state());
      }
      // What `flywheel features get` now does: ask the running feature server.
      String features = running.service(LocalServices.FEATURES).orElseThrow().url();
      var vector =
          io.flywheel.featurestore.FeatureServerClient.lookup(features, "product_stats", "p1");
      out.printf(
          "  features get (through %s): product_stats p1 %s%n",
          features, vector.map(v -> v.values().size() + " values").orElse("has no live values"));
      // What `flywheel content search` now does: use the running node, whose data step 8 left.
      String elasticsearch = running.service(LocalServices.ELASTICSEARCH).orElseThrow().url();
      try (ContentIndex index =
          ContentIndex.connect(elasticsearch, null, MiniLmEmbedder.shared().dimension())) {
        out.printf(
            Locale.ROOT,
            "  content index (through %s): %,d documents kept from step 8%n",
            elasticsearch,
            index.count());
      }
      step(
          out,
          "10. Delivery: live shoppers of the same world, a day later, answered by the delivery"
              + " API (ranker, content index, features), valued against the oracle and popularity");
      Path dayDir =
          liveDay(
              demoHome, running.service(LocalServices.DELIVERY).orElseThrow().url(), apiToken, out);
      step(
          out,
          "11. Conversion experiment: the campaign's generated copy, and a bandit over copy angles"
              + " learning from the shoppers' clicks, against delivery's usual copy, assigned and"
              + " logged by delivery during that day, read with CUPED, sequential and Bayesian"
              + " statistics");
      DemoExperimentStep.report(
          demoHome,
          dayDir,
          demoHome.resolve("world"),
          running.service(LocalServices.DELIVERY).orElseThrow().url(),
          out);
      step(
          out,
          "12. The web console: runs, models, pipelines, features, A/B results and content in one"
              + " UI, served by `flywheel up`");
      String console = running.service(LocalServices.CONSOLE).orElseThrow().url();
      consolePages(console, out);
      if (serve) {
        out.printf(
            "  open %s (sign in with FLYWHEEL_API_TOKEN to act%s); Ctrl-C stops%n",
            console,
            root.config().apiToken() == null
                ? ": none was set, so this demo used a one-off token and the console is for"
                    + " reading"
                : "");
        out.flush();
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      } else {
        out.printf("  it was at %s (`flywheel demo --serve` keeps it up)%n", console);
      }
    }
    out.println("  stopped (as `flywheel down` does)");
  }

  /** Asks the console for a page of each section and prints how long each took. */
  private static void consolePages(String console, PrintWriter out) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (String path :
        List.of(
            "/",
            "/runs",
            "/models",
            "/pipelines",
            "/features",
            "/ab/" + DemoExperimentStep.ID,
            "/content")) {
      long started = System.nanoTime();
      java.net.http.HttpResponse<String> page =
          http.send(
              java.net.http.HttpRequest.newBuilder(URI.create(console + path))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      long millis = (System.nanoTime() - started) / 1_000_000;
      var title =
          java.util.regex.Pattern.compile("<title>(.*?) · Flywheel</title>").matcher(page.body());
      out.printf(
          Locale.ROOT,
          "  %-22s HTTP %d in %4d ms  %s%n",
          path,
          page.statusCode(),
          millis,
          title.find() ? title.group(1).replace("&amp;", "&") : "");
    }
  }

  private Path liveDay(Path demoHome, String delivery, String apiToken, PrintWriter out)
      throws Exception {
    Path dayDir = demoHome.resolve("live").resolve("day-" + days);
    long impressionsBefore = HomeDelivery.loggedImpressions(demoHome);
    LiveSummary live;
    try (LivePolicy policy =
            LivePolicy.httpReportingEvents(URI.create(delivery), apiToken, Duration.ofSeconds(5));
        SimulationProgressBar progress =
            SimulationProgressBar.open(output.showProgress(), spec.commandLine().getErr())) {
      live =
          MarketplaceSimulator.runLive(
              world(), new LiveOptions(null, policy, days, 0, 1), dayDir, progress);
    }
    LiveReport.print(live, dayDir, out);
    out.printf(
        Locale.ROOT,
        "  the delivery API logged %,d impressions for it (%s); the simulator saw %,d shown%n",
        HomeDelivery.loggedImpressions(demoHome) - impressionsBefore,
        HomeDelivery.eventsFile(demoHome),
        live.impressions());
    return dayDir;
  }

  private static void step(PrintWriter out, String title) {
    out.println();
    out.println("== " + title);
    out.flush();
  }

  /**
   * The demo's world runs one day longer than its history: the last day is served live by the
   * delivery API in step 10, to shoppers of the same world.
   */
  private SimulationConfig world() {
    return new SimulationConfig(users, products, days + 1, seed, 0.01, WorldConfig.defaults());
  }

  private void simulate(Path worldDir, PrintWriter out) throws IOException {
    try (SimulationProgressBar progress =
        SimulationProgressBar.open(output.showProgress(), spec.commandLine().getErr())) {
      // The history: the shop's own popularity policy for the first `days` days.
      MarketplaceSimulator.runLive(
          world(), new LiveOptions("popularity", null, 0, 0, days), worldDir, progress);
    }
    SimulationSummary summary =
        TrainCommand.JSON.readValue(
            worldDir.resolve(MarketplaceSimulator.SUMMARY_FILE).toFile(), SimulationSummary.class);
    SummaryReport.print(summary, worldDir, out);
  }

  private static StreamAudit audit(Path demoHome, Path worldDir, PrintWriter out)
      throws IOException {
    Path deadLetters = demoHome.resolve("dead-letter").resolve("events.jsonl");
    StreamAudit audit =
        StreamAudit.of(worldDir.resolve(MarketplaceSimulator.EVENTS_FILE), deadLetters);
    out.printf(
        Locale.ROOT,
        "  %,d events accepted, %,d duplicates recognised by eventId, "
            + "%,d malformed lines dead-lettered to %s%n",
        audit.accepted(),
        audit.duplicates(),
        audit.rejected(),
        deadLetters);
    return audit;
  }

  private void features(Path demoHome, Path worldDir, PrintWriter out) throws Exception {
    FeatureJobOptions options =
        FeatureJobOptions.defaults(
                worldDir.resolve(MarketplaceSimulator.EVENTS_FILE).toString(),
                worldDir.resolve(MarketplaceSimulator.PRODUCTS_FILE).toString(),
                demoHome.toString())
            .on(root.config());
    FeatureJobResult features;
    try (JobProgressBar progress =
        new JobProgressBar(output.showProgress(), spec.commandLine().getErr())) {
      features = FeatureJob.run(options, progress);
    }
    FeaturesCommand.Run.print(features, demoHome, out);
  }

  /** Shows the busiest shopper's live vector over HTTP; returns every training example. */
  private List<TrainingExample> serveAndReadTrainingSet(
      Path demoHome, String user, Path truthFile, PrintWriter out) throws Exception {
    try (FeatureStore store = root.featureStore(demoHome);
        FeatureServer server = FeatureServer.start(store, "127.0.0.1", 0)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      String vector = get(http, base + "/v1/features/user_activity/" + user);
      out.println("  GET /health -> " + get(http, base + "/health"));
      out.println(
          "  GET /v1/features/user_activity/"
              + user
              + " -> "
              + (vector.length() > 160 ? vector.substring(0, 157) + "..." : vector));
      List<TrainingExample> examples = store.trainingSet(LocalDate.MIN, LocalDate.MAX);
      out.printf(
          Locale.ROOT,
          "  training set: %,d examples, %,d clicked, %,d purchased, %d "
              + "feature columns each%n",
          examples.size(),
          examples.stream().filter(TrainingExample::clicked).count(),
          examples.stream().filter(TrainingExample::purchased).count(),
          examples.isEmpty() ? 0 : examples.get(0).features().size());
      Optional<OracleCeiling> oracle = OracleCeiling.of(examples, truthFile);
      oracle.ifPresent(
          o ->
              out.printf(
                  Locale.ROOT,
                  "  oracle (the simulator's true click "
                      + "probability) on these examples: ROC AUC %.3f (95%% CI %.3f-%.3f), log loss %.4f, "
                      + "calibration error %.4f: the ceiling for any CTR model%n",
                  o.auc().estimate(),
                  o.auc().lower(),
                  o.auc().upper(),
                  o.report().logLoss(),
                  o.report().expectedCalibrationError()));
      return examples;
    }
  }

  /**
   * Trains the CTR, conversion and ranking models through the same path as {@code flywheel train},
   * compares the CTR trees with a logistic baseline, and judges the recommenders.
   */
  private void trainTrackAndRegister(
      Path demoHome, List<TrainingExample> examples, Path truthFile, PrintWriter out)
      throws Exception {
    try (ModelRegistry registry = root.registry(demoHome)) {
      out.println(
          "  tracking server: "
              + (registry.isEmbedded()
                  ? "embedded MLflow-compatible server at "
                      + registry.trackingUri()
                      + " (data in "
                      + demoHome.resolve("mlflow").toAbsolutePath().normalize()
                      + ")"
                  : registry.trackingUri()));
      TrainingRun.Outcome ctr = null;
      for (PredictionTarget target :
          List.of(PredictionTarget.CTR, PredictionTarget.CVR, PredictionTarget.RANK)) {
        out.println("  " + target.modelName() + " (" + target.meaning() + "):");
        try {
          TrainingRun.Outcome outcome =
              TrainingRun.trainAndRegister(
                  demoHome,
                  registry,
                  target,
                  ModelTrainer.Options.defaults(),
                  TrainingRun.EngineChoice.local(),
                  truthFile,
                  Map.of("flywheel.source", "demo"));
          TrainCommand.print(outcome, out);
          ctr = target == PredictionTarget.CTR ? outcome : ctr;
        } catch (IllegalArgumentException e) {
          // A small shop may not have enough clicks or purchases to learn from; the run is
          // marked FAILED and the demo goes on.
          out.println("  not trained: " + e.getMessage());
        }
      }
      if (ctr != null) {
        BaselineComparison baseline =
            BaselineComparison.of(
                ModelRegistration.load(registry, ctr.version()),
                examples,
                ShopCatalog.ofHome(demoHome));
        out.printf(
            Locale.ROOT,
            "  logistic baseline (gblinear) on the same rows: ROC AUC "
                + "%.3f; trees %+.3f (95%% CI %.3f to %.3f): %s%n",
            baseline.baselineAuc(),
            baseline.lift().estimate(),
            baseline.lift().lower(),
            baseline.lift().upper(),
            baseline.verdict().text());
      }
      out.println("  recommenders (fitted before the last 20% of the week, judged on it):");
      TrainCommand.print(
          RecommenderTraining.run(
              demoHome,
              registry,
              demoHome.resolve("world").resolve(MarketplaceSimulator.EVENTS_FILE),
              truthFile),
          out);
      out.print("  registry:");
      registry
          .models()
          .forEach(
              m ->
                  out.printf(
                      Locale.ROOT,
                      " %s v%d %s;",
                      m.name(),
                      m.latestVersion(),
                      m.aliases().keySet()));
      out.println();
    }
  }

  /**
   * Deploys the CTR champion to the inference server and scores the latest examples over gRPC
   * against the same model in process.
   */
  private void deployAndScore(Path demoHome, List<TrainingExample> examples, PrintWriter out)
      throws Exception {
    try (ModelRegistry registry = root.registry(demoHome);
        ModelDeployment deployment = ModelDeployment.open(demoHome, root.config())) {
      Optional<ModelVersionInfo> champion =
          registry.aliased("flywheel-ctr", ModelRegistry.CHAMPION);
      if (champion.isEmpty()) {
        out.println("  no CTR champion to deploy (the CTR model was not trained)");
        return;
      }
      deployment.ensureLive(registry, champion.get());
      out.printf(
          Locale.ROOT,
          "  %s v%d live on the %s (repository %s)%n",
          champion.get().model(),
          champion.get().version(),
          deployment.server(),
          deployment.repository().root());
      ModelDeployment.Parity parity =
          deployment.parity(
              registry,
              champion.get(),
              examples.subList(Math.max(0, examples.size() - 512), examples.size()),
              ShopCatalog.ofHome(demoHome));
      out.printf(
          Locale.ROOT,
          "  scored %d examples over gRPC: largest difference from "
              + "in-process xgboost4j %.2e%n",
          parity.rows(),
          parity.largestDifference());
      out.println(
          "  config.pbtxt: backend fil, input__0 FP32 ["
              + parity.features()
              + "], output__0 FP32 [1], KIND_CPU here (KIND_GPU when TRITON_GRPC_ADDRESS is set), "
              + "dynamic batching");
    }
  }

  /**
   * A smoke-test DAG, then the retraining loop as a pipeline (a challenger judged against the
   * champion, gated, deployed as a canary on replayed traffic, its outcome written onto its MLflow
   * run), then its drift trigger armed until its first check.
   */
  private void orchestrate(Path demoHome, Path truthFile, PrintWriter out) throws Exception {
    LocalDate day = LocalDate.of(2026, 1, 12);
    try (Orchestration orchestration = Orchestration.open(demoHome, root.config())) {
      Map<String, PipelineSpec> specs = Orchestration.pipelineSpecs(demoHome);
      String smoke = orchestration.pipelines().submit(specs.get("smoke-test"), Map.of(), day);
      out.println("  on " + orchestration.where());
      PipelinesCommand.print(orchestration.pipelines().await(smoke, Duration.ofMinutes(2)), out);
      PipelineSpec ml = specs.get("train-evaluate-deploy");
      String mlRun =
          orchestration
              .pipelines()
              .submit(
                  ml,
                  Map.of(
                      "model",
                      "ctr",
                      "truth",
                      truthFile.toString(),
                      "min_metric",
                      Double.toString(minAuc)),
                  day);
      RunState mlState = orchestration.pipelines().await(mlRun, Duration.ofMinutes(10));
      out.println();
      PipelinesCommand.print(mlState, out);
      RunState.TaskRun record = mlState.tasks().get("record");
      if (record != null && record.outputs().containsKey("outcome")) {
        out.println(
            "  outcome on MLflow run "
                + record.outputs().get("run_id")
                + ": "
                + record.outputs().get("outcome"));
      }
      orchestration.pipelines().arm(ml);
      Optional<TriggerHistory> history =
          orchestration.pipelines().awaitTriggerCheck(ml.name(), "drift", Duration.ofSeconds(60));
      orchestration.pipelines().disarm(ml);
      history.ifPresent(
          h ->
              out.println(
                  "  drift trigger armed and checked: "
                      + h.fired().size()
                      + " retraining runs started"
                      + (h.lastError() == null
                          ? " (the newest data is "
                              + "inside the champion's training window, so nothing has drifted yet)"
                          : ", error: " + h.lastError())));
    }
  }

  private static String get(HttpClient http, String url) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
