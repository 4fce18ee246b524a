package io.flywheel.webconsole;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.deploy.ServingMetadata;
import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.TrackedRun;
import io.flywheel.workflows.ModelDeployment;
import io.flywheel.workflows.Orchestration;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * A home with something on every page: two tracked training runs (metric curves, params, a chart
 * artifact), a model with a live version and a canary, a pipeline that waits for approval, a
 * running experiment with exposures and outcomes, and copy held for review. Real engines: the
 * embedded MLflow server, Temporal's own service with a worker, the embedded inference server.
 */
final class ConsoleHome implements AutoCloseable {
  static final String TOKEN = "console-test-token";
  static final String MODEL = "flywheel-ctr";
  private static final long T0 = 1_767_225_600_000L;

  final Path home;
  final FlywheelConfig config = FlywheelConfig.local();
  final ModelRegistry registry;
  final Orchestration orchestration;
  final String experimentId;
  final List<String> runIds = new ArrayList<>();

  ConsoleHome(Path home) throws Exception {
    this.home = home;
    registry = ModelRegistry.open(home, null, null);
    experimentId = registry.experiment("ctr-training");
    trackedRuns();
    canary();
    approvalPipeline();
    experiment();
    heldCopy();
    orchestration = Orchestration.open(home, config);
  }

  private void trackedRuns() throws Exception {
    Path png = home.resolve("roc.png");
    BufferedImage image = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 120, 90);
    g.setColor(Color.BLUE);
    g.drawLine(0, 89, 119, 0);
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
    for (int r = 0; r < 2; r++) {
      TrackedRun run =
          registry.startRun(
              "ctr-training",
              "ctr-eta-" + (r == 0 ? "0.3" : "0.1"),
              Map.of("flywheel.training_window", "2026-01-01/2026-01-07"));
      run.logParams(Map.of("eta", r == 0 ? "0.3" : "0.1", "model", "ctr", "max_depth", "6"));
      for (int step = 0; step < 10; step++) {
        run.logMetrics(
            Map.of("auc", 0.6 + 0.02 * step + 0.01 * r, "logloss", 0.7 - 0.03 * step), step);
      }
      run.logArtifact(png, "plots/roc.png");
      Path importance = home.resolve("importance-" + r + ".json");
      Files.writeString(
          importance,
          "{\"product_stats__ctr_7d\": "
              + (0.6 - 0.2 * r)
              + ", \"impression__position\": 0.3,"
              + " \"user_activity__clicks_7d\": "
              + (0.1 + 0.2 * r)
              + "}");
      run.logArtifact(importance, "report/importance.json");
      Path model = Files.createDirectories(home.resolve("model-files-" + r));
      Files.writeString(model.resolve("model.json"), "{}");
      run.logArtifact(model, "model");
      run.finish();
      runIds.add(run.runId());
      // Registered, so the models page shows versions, aliases and what each leans on.
      registry.register(MODEL, run, "model", Map.of());
    }
    registry.setAlias(MODEL, ModelRegistry.CHAMPION, 1);
  }

  /** v1 live, v2 on a 10 % canary, both tiny real XGBoost models. */
  private void canary() throws Exception {
    try (ModelDeployment deployment = ModelDeployment.open(home, config)) {
      for (int v = 1; v <= 2; v++) {
        Path file = train(home.resolve("model-" + v + ".json"), v);
        deployment
            .rollout()
            .deploy(
                MODEL,
                v,
                file,
                new ServingMetadata(
                    MODEL,
                    v,
                    runIds.get(v - 1),
                    "ctr",
                    List.of("a", "b"),
                    0.5,
                    "2026-01-01/2026-01-07"),
                v == 1 ? 100 : 10);
      }
    }
  }

  private static Path train(Path file, int seed) throws Exception {
    int n = 200;
    float[] x = new float[n * 2];
    float[] y = new float[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) r.nextDouble();
      x[2 * i + 1] = (float) r.nextDouble();
      y[i] = x[2 * i] > 0.5 ? 1 : 0;
    }
    DMatrix m = new DMatrix(x, n, 2, Float.NaN);
    m.setLabel(y);
    Map<String, Object> params =
        new HashMap<>(Map.of("objective", "binary:logistic", "max_depth", 2, "verbosity", 0));
    Booster booster = XGBoost.train(m, params, 5, Map.of(), null, null);
    m.dispose();
    booster.saveModel(file.toString());
    return file;
  }

  private void approvalPipeline() throws Exception {
    Path dir = Files.createDirectories(home.resolve("pipelines"));
    Files.writeString(
        dir.resolve("approve-me.yaml"),
        """
        name: approve-me
        description: A check that waits for a person, then a threshold.
        tasks:
          - id: ask
            type: approval
            params: {timeout: 10m}
          - id: check
            type: threshold
            upstream: ask
            params: {name: auc, value: "0.8", min: "0.7"}
        """);
  }

  private void experiment() throws Exception {
    ExperimentCatalog catalog = new ExperimentCatalog(home);
    catalog.create(
        ConversionExperiment.parse(
            """
            id: copy-test
            name: Campaign copy against stock copy
            arms:
              - {name: control, weight: 1, treatment: {copy: stock}}
              - {name: campaign, weight: 1, treatment: {copy: campaign}}
              - {name: bandit, weight: 1, treatment: {copy: bandit}}
            metrics: {primary: conversion, secondary: [ctr]}
            plan: {mde: 0.3, baseline: 0.1}
            """));
    catalog.start("copy-test", T0);
    SplittableRandom r = new SplittableRandom(8);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      String arm = i % 3 == 0 ? "control" : i % 3 == 1 ? "campaign" : "bandit";
      long t = T0 + r.nextLong(3 * 86_400_000L);
      // The bandit moves from stock copy to savings copy as the days go by.
      String copy =
          arm.equals("bandit")
              ? ",\"copyArm\":\""
                  + (r.nextDouble() < (t - T0) / (3 * 86_400_000.0) ? "savings" : "stock")
                  + "\",\"copyPropensity\":0.5,\"copyArms\":[\"savings\",\"stock\"]"
              : "";
      lines.add(
          "{\"eventId\":\"i"
              + i
              + "\",\"type\":\"impression\",\"userId\":\"u"
              + i
              + "\",\"productId\":\"p1\",\"contentId\":\"c1\",\"requestId\":\"r"
              + i
              + "\",\"position\":0,\"propensity\":1.0,\"experimentId\":\"copy-test\",\"arm\":\""
              + arm
              + "\",\"timestamp\":"
              + t
              + ",\"receivedAt\":"
              + t
              + copy
              + "}");
      if (r.nextDouble() < (arm.equals("control") ? 0.10 : 0.14)) {
        lines.add(
            "{\"eventId\":\"b"
                + i
                + "\",\"type\":\"purchase\",\"userId\":\"u"
                + i
                + "\",\"productId\":\"p1\",\"price\":5.0,\"quantity\":1,\"timestamp\":"
                + (t + 1)
                + ",\"receivedAt\":"
                + (t + 1)
                + "}");
      }
    }
    Files.createDirectories(home.resolve("events"));
    Files.write(home.resolve("events").resolve("delivery.jsonl"), lines);
    Files.createDirectories(home.resolve("delivery"));
    Files.writeString(
        home.resolve("delivery").resolve("bandits.json"),
        "{\"copy-test/bandit\": [{\"context\": \"home/new\", \"variant\": \"savings\","
            + " \"alpha\": 31, \"beta\": 171}, {\"context\": \"home/new\", \"variant\":"
            + " \"stock\", \"alpha\": 5, \"beta\": 95}]}");
  }

  private void heldCopy() throws Exception {
    Path campaign =
        Files.createDirectories(home.resolve("content").resolve("campaigns").resolve("spring"));
    List<String> held = new ArrayList<>();
    for (String[] c :
        new String[][] {
          {"held-1", "Rain jacket, best in the world", "The only jacket you will ever need."},
          {"held-2", "Trail shoes at half price", "Half price on trail shoes this week."}
        }) {
      held.add(
          "{\"id\":\""
              + c[0]
              + "\",\"verdict\":\"needs_review\",\"findings\":[{\"reason\":\"unverified_superlative\",\"field\":\"title\",\"detail\":\"no measured fact supports it\",\"blocking\":false}],"
              + "\"item\":{\"id\":\""
              + c[0]
              + "\",\"kind\":\"ad_copy\",\"locale\":\"en-US\",\"title\":\""
              + c[1]
              + "\",\"body\":\""
              + c[2]
              + "\",\"productIds\":[\"p1\"],\"targetSegment\":\"all\",\"variantId\":\"v1\",\"campaignId\":\"spring\",\"generator\":\"template\",\"generatorVersion\":\"1\",\"safetyVerdict\":\"needs_review\",\"createdAt\":"
              + T0
              + "}}");
    }
    Files.write(campaign.resolve("held.jsonl"), held);
  }

  WebConsole start() {
    return WebConsole.builder(home)
        .config(config)
        .registry(registry)
        .pipelines(orchestration.pipelines())
        .token(TOKEN)
        .start("127.0.0.1", 0);
  }

  @Override
  public void close() {
    orchestration.close();
    registry.close();
  }
}
