package io.flywheel.console;

import io.flywheel.training.ModelRegistration;
import io.flywheel.training.ModelTrainer;
import io.flywheel.training.PredictionTarget;
import io.flywheel.training.RecommenderTraining;
import io.flywheel.training.ScoringModel;
import io.flywheel.training.TrainingRun;
import io.flywheel.workflows.ModelDeployment;
import io.flywheel.core.Codecs;
import io.flywheel.core.DeadLetterFile;
import io.flywheel.core.Event;
import io.flywheel.core.GroundTruth;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationSummary;
import io.flywheel.core.WorldConfig;
import io.flywheel.evaluation.Bootstrap;
import io.flywheel.evaluation.ClassificationMetrics;
import io.flywheel.evaluation.ClassificationReport;
import io.flywheel.featurestore.FeatureServer;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import io.flywheel.flink.FeatureJob;
import io.flywheel.flink.FeatureJobOptions;
import io.flywheel.flink.FeatureJobResult;
import io.flywheel.registry.ModelRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel demo}: the whole product as far as it exists, on embedded defaults. Today:
 * simulate a small shop with some dirt in its stream, then read the stream back the way the
 * platform's jobs will, dead-lettering what is broken and counting duplicates.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run Flywheel end to end on a small simulated shop (nothing to install).")
final class DemoCommand implements Callable<Integer> {

  @ParentCommand
  private FlywheelCli root;

  @Spec
  private CommandSpec spec;

  @Option(names = "--users", defaultValue = "1000", description = "Shoppers (default: ${DEFAULT-VALUE}).")
  private int users;

  @Option(names = "--products", defaultValue = "200", description = "Products (default: ${DEFAULT-VALUE}).")
  private int products;

  @Option(names = "--days", defaultValue = "7", description = "Days (default: ${DEFAULT-VALUE}).")
  private int days;

  @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--min-auc", defaultValue = "0.55", description = "The retraining "
      + "pipeline's gate: the challenger's AUC floor (default: ${DEFAULT-VALUE}; tiny shops "
      + "need a lower one).")
  private double minAuc;

  @Mixin
  private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path demoHome = root.home().resolve("demo");
    Path worldDir = demoHome.resolve("world");
    Writable.requireDirectory(spec.commandLine(), worldDir, "--home");

    out.println("== 1. Simulate a shop (latent truth -> behaviour stream, with dirt mixed in)");
    out.flush();
    SimulationConfig config = new SimulationConfig(users, products, days, seed, 0.01,
        WorldConfig.defaults());
    SimulationSummary summary;
    try (SimulationProgressBar progress = SimulationProgressBar.open(output.showProgress(),
        spec.commandLine().getErr())) {
      summary = MarketplaceSimulator.run(config, worldDir, progress);
    }
    SummaryReport.print(summary, worldDir, out);

    out.println();
    out.println("== 2. Read the stream back as the platform's jobs will");
    Path deadLetters = demoHome.resolve("dead-letter").resolve("events.jsonl");
    Set<String> seen = new HashSet<>();
    Map<String, Integer> eventsPerUser = new HashMap<>();
    long[] duplicates = {0};
    long accepted;
    long rejected;
    try (DeadLetterFile dead = new DeadLetterFile(deadLetters);
        JsonLinesReader<Event> reader = JsonLinesReader.open(
            worldDir.resolve(MarketplaceSimulator.EVENTS_FILE), Codecs.EVENTS, dead)) {
      reader.forEachRemaining(event -> {
        eventsPerUser.merge(event.userId(), 1, Integer::sum);
        if (!seen.add(event.eventId())) {
          duplicates[0]++;
        }
      });
      accepted = reader.accepted();
      rejected = reader.rejected();
    }
    out.printf(Locale.ROOT, "  %,d events accepted, %,d duplicates recognised by eventId, "
        + "%,d malformed lines dead-lettered to %s%n", accepted, duplicates[0], rejected,
        deadLetters);
    out.println();
    out.println("== 3. Streaming features and point-in-time training examples on Flink");
    out.flush();
    FeatureJobResult features;
    FeatureJobOptions options = FeatureJobOptions.defaults(
        worldDir.resolve(MarketplaceSimulator.EVENTS_FILE).toString(),
        worldDir.resolve(MarketplaceSimulator.PRODUCTS_FILE).toString(), demoHome.toString());
    try (JobProgressBar progress = new JobProgressBar(output.showProgress(),
        spec.commandLine().getErr())) {
      features = FeatureJob.run(options, progress);
    }
    FeaturesCommand.Run.print(features, demoHome, out);

    out.println();
    out.println("== 4. Serve features online (HTTP) and read a training set");
    List<TrainingExample> examples;
    try (FeatureStore store = FeatureStore.open(demoHome);
        FeatureServer server = FeatureServer.start(store, "127.0.0.1", 0)) {
      // The busiest shopper, so the demo shows a lively feature vector.
      String user = eventsPerUser.entrySet().stream().max(Map.Entry.comparingByValue())
          .orElseThrow().getKey();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      String health = get(http, base + "/health");
      String vector = get(http, base + "/v1/features/user_activity/" + user);
      out.println("  GET /health -> " + health);
      out.println("  GET /v1/features/user_activity/" + user + " -> "
          + (vector.length() > 160 ? vector.substring(0, 157) + "..." : vector));
      examples = store.trainingSet(LocalDate.MIN, LocalDate.MAX);
      long clicked = examples.stream().filter(TrainingExample::clicked).count();
      long purchased = examples.stream().filter(TrainingExample::purchased).count();
      out.printf(Locale.ROOT, "  training set: %,d examples, %,d clicked, %,d purchased, %d "
          + "feature columns each%n", examples.size(), clicked, purchased,
          examples.isEmpty() ? 0 : examples.get(0).features().size());
      printOracle(examples, worldDir.resolve("truth.jsonl"), out);
    }

    out.println();
    out.println("== 5. Train CTR, conversion and ranking models (XGBoost), judge them against "
        + "the oracle, track and register them in MLflow");
    trainTrackAndRegister(demoHome, examples, worldDir.resolve("truth.jsonl"), out);
    out.println();
    out.println("== 6. Deploy the CTR champion (Triton model repository, KServe v2 gRPC) and "
        + "score through its rollout");
    deployAndScore(demoHome, examples, out);

    out.println();
    out.println("== 7. Orchestrate: a DAG pipeline on Temporal (embedded service, real worker)");
    try (Orchestration orchestration = Orchestration.open(demoHome)) {
      var spec = Orchestration.pipelineSpecs(demoHome).get("smoke-test");
      String runId = orchestration.pipelines().submit(spec, Map.of(), java.time.LocalDate.of(
          2026, 1, 12));
      var state = orchestration.pipelines().await(runId, java.time.Duration.ofMinutes(2));
      out.println("  on " + orchestration.where());
      PipelinesCommand.print(state, out);
      // The retraining loop as a pipeline: a challenger judged against the champion, gated,
      // deployed as a canary on replayed traffic, its outcome written onto its MLflow run.
      var ml = Orchestration.pipelineSpecs(demoHome).get("train-evaluate-deploy");
      String mlRun = orchestration.pipelines().submit(ml, Map.of("model", "ctr", "truth",
          demoHome.resolve("world").resolve("truth.jsonl").toString(), "min_metric",
          Double.toString(minAuc)),
          java.time.LocalDate.of(2026, 1, 12));
      var mlState = orchestration.pipelines().await(mlRun, java.time.Duration.ofMinutes(10));
      out.println();
      PipelinesCommand.print(mlState, out);
      var record = mlState.tasks().get("record");
      if (record != null && record.outputs().containsKey("outcome")) {
        out.println("  outcome on MLflow run " + record.outputs().get("run_id") + ": "
            + record.outputs().get("outcome"));
      }
      // Its drift trigger, armed as `flywheel pipelines serve` arms it, until its first check.
      orchestration.pipelines().arm(ml);
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      var history = orchestration.pipelines().triggerHistory(ml.name(), "drift");
      while (history.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        history = orchestration.pipelines().triggerHistory(ml.name(), "drift");
      }
      orchestration.pipelines().disarm(ml);
      history.ifPresent(h -> out.println("  drift trigger armed and checked: " + h.fired().size()
          + " retraining runs started" + (h.lastError() == null ? " (the newest data is "
          + "inside the champion's training window, so nothing has drifted yet)"
          : ", error: " + h.lastError())));
    }

    out.println();
    out.println("Files: " + demoHome.toAbsolutePath().normalize());
    out.println("Next steps of the loop (content generation, delivery, conversion experiments) "
        + "join this demo as they land.");
    return 0;
  }

  /**
   * Prints the ceiling for every CTR model trained on these examples: how well the simulator's
   * true click probabilities rank them (bootstrap interval). Returns those probabilities by
   * impression eventId, for judging models on the same rows.
   */
  private static void printOracle(List<TrainingExample> examples, Path truthFile,
      PrintWriter out) throws IOException {
    Map<String, Double> pClick = new HashMap<>();
    JsonLinesReader.forEach(truthFile, Codecs.TRUTH, truth -> {
      if (truth instanceof GroundTruth.ImpressionTruth impression) {
        pClick.put(impression.eventId(), impression.pClick());
      }
    });
    List<TrainingExample> known = examples.stream()
        .filter(x -> pClick.containsKey(x.eventId())).toList();
    if (known.isEmpty()) {
      return;
    }
    double[] scores = known.stream().mapToDouble(x -> pClick.get(x.eventId())).toArray();
    boolean[] clicked = new boolean[known.size()];
    for (int i = 0; i < clicked.length; i++) {
      clicked[i] = known.get(i).clicked();
    }
    Bootstrap.Interval auc = Bootstrap.interval(scores, clicked, ClassificationMetrics::rocAuc,
        200, 1, 0.95);
    ClassificationReport oracle = ClassificationMetrics.evaluate(scores, clicked);
    out.printf(Locale.ROOT, "  oracle (the simulator's true click probability) on these "
        + "examples: ROC AUC %.3f (95%% CI %.3f-%.3f), log loss %.4f, calibration error %.4f: "
        + "the ceiling for any CTR model%n", auc.estimate(), auc.lower(), auc.upper(),
        oracle.logLoss(), oracle.expectedCalibrationError());
  }

  /**
   * Trains the CTR, conversion and ranking models through the same path as {@code flywheel
   * train}, tracked in the embedded MLflow server, and compares the CTR trees with the
   * logistic baseline on the same held-out rows.
   */
  private static void trainTrackAndRegister(Path demoHome, List<TrainingExample> examples,
      Path truthFile, PrintWriter out) throws Exception {
    try (ModelRegistry registry = ModelRegistry.open(demoHome)) {
      out.println("  tracking server: " + (registry.isEmbedded()
          ? "embedded MLflow-compatible server at " + registry.trackingUri() + " (data in "
              + demoHome.resolve("mlflow").toAbsolutePath().normalize() + ")"
          : registry.trackingUri()));
      TrainingRun.Outcome ctr = null;
      for (PredictionTarget target : List.of(PredictionTarget.CTR, PredictionTarget.CVR,
          PredictionTarget.RANK)) {
        out.println("  " + target.modelName() + " (" + target.meaning() + "):");
        TrainingRun.Outcome outcome;
        try {
          outcome = TrainingRun.trainAndRegister(demoHome, registry, target,
              ModelTrainer.Options.defaults(), TrainingRun.EngineChoice.local(), truthFile,
              Map.of("flywheel.source", "demo"));
        } catch (IllegalArgumentException e) {
          // A small shop may not have enough purchases to learn from; the run is marked FAILED.
          out.println("  not trained: " + e.getMessage());
          continue;
        }
        TrainCommand.print(outcome, out);
        if (target == PredictionTarget.CTR) {
          ctr = outcome;
        }
      }
      ScoringModel baseline = ModelTrainer.train(examples, ShopCatalog.ofHome(demoHome),
          PredictionTarget.CTR, ModelTrainer.Options.logisticBaseline());
      ScoringModel champion = ModelRegistration.load(registry, ctr.version());
      ModelTrainer.Validation v = baseline.validation();
      Map<String, TrainingExample> byId = new HashMap<>();
      examples.forEach(x -> byId.put(x.eventId(), x));
      double[] trees = champion.predict(v.eventIds().stream().map(byId::get).toList(),
          ShopCatalog.ofHome(demoHome));
      Bootstrap.Interval lift = Bootstrap.difference(trees, v.predictions(), v.positives(),
          ClassificationMetrics::rocAuc, 200, 1, 0.95);
      out.printf(Locale.ROOT, "  logistic baseline (gblinear) on the same rows: ROC AUC %.3f; "
          + "trees %+.3f (95%% CI %.3f to %.3f): %s%n", ClassificationMetrics.rocAuc(
              v.predictions(), v.positives()), lift.estimate(), lift.lower(), lift.upper(),
          !lift.excludesZero() ? "no clear difference" : lift.estimate() > 0 ? "a clear win"
              : "a clear loss");
      out.println("  recommenders (fitted before the last 20% of the week, judged on it):");
      TrainCommand.print(RecommenderTraining.run(demoHome, registry, demoHome
          .resolve("world").resolve(MarketplaceSimulator.EVENTS_FILE), truthFile), out);
      out.print("  registry:");
      registry.models().forEach(m -> out.printf(Locale.ROOT, " %s v%d %s;", m.name(),
          m.latestVersion(), m.aliases().keySet()));
      out.println();
    }
  }

  /**
   * Deploys the CTR champion to the embedded inference server, scores the latest examples over
   * gRPC and compares with the same model in-process; then shows a challenger as a canary.
   */
  private static void deployAndScore(Path demoHome, List<TrainingExample> examples,
      PrintWriter out) throws Exception {
    try (ModelRegistry registry = ModelRegistry.open(demoHome);
        ModelDeployment deployment = ModelDeployment.open(demoHome)) {
      var champion = registry.aliased("flywheel-ctr", ModelRegistry.CHAMPION).orElseThrow();
      var state = deployment.rollout().state(champion.model());
      if (state.live() == null || state.live() != champion.version()) {
        // A re-run of the demo replaces whatever an earlier run left live.
        state = deployment.deploy(registry, champion, state.live() == null ? 10 : 100);
      }
      out.printf(Locale.ROOT, "  %s v%d live on the %s (repository %s)%n", champion.model(),
          champion.version(), deployment.server(), deployment.repository().root());
      ScoringModel local = ModelRegistration.load(registry, champion);
      ShopCatalog catalog = ShopCatalog.ofHome(demoHome);
      List<TrainingExample> latest = examples.subList(Math.max(0, examples.size() - 512),
          examples.size());
      float[] rows = local.featureRows(latest, catalog);
      var served = deployment.client().infer(champion.model(), Integer.toString(
          state.live()), rows, latest.size(), local.featureNames().size());
      double[] inProcess = local.predict(latest, catalog);
      var metadata = deployment.repository().readMetadata(champion.model(), state.live());
      double worst = 0;
      for (int i = 0; i < inProcess.length; i++) {
        worst = Math.max(worst, Math.abs(metadata.correct(served.values()[i]) - inProcess[i]));
      }
      out.printf(Locale.ROOT, "  scored %d examples over gRPC: largest difference from "
          + "in-process xgboost4j %.2e%n", latest.size(), worst);
      out.println("  config.pbtxt: backend fil, input__0 FP32 [" + local.featureNames().size()
          + "], output__0 FP32 [1], KIND_CPU here (KIND_GPU when TRITON_GRPC_ADDRESS is set), "
          + "dynamic batching");
    }
  }

  private static String get(HttpClient http, String url) throws IOException,
      InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
