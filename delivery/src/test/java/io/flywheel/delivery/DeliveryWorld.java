package io.flywheel.delivery;

import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.Product;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.deploy.EmbeddedInferenceServer;
import io.flywheel.deploy.FilModelConfig;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.deploy.ModelRollout;
import io.flywheel.deploy.ServingMetadata;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureSpec;
import io.flywheel.featurestore.FeatureType;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.ImpressionContext;
import io.flywheel.featurestore.OnlineStore;
import io.flywheel.featurestore.ScoredItem;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * A small simulated shop wired the way delivery runs: its catalogue and copy, a real RocksDB online
 * store holding a few vectors, and a real XGBoost ranker deployed through a rollout to the embedded
 * KServe v2 server. The ranker learned that shoppers click what is in their favourite category.
 */
final class DeliveryWorld implements AutoCloseable {
  static final String MODEL = "flywheel-ctr";
  static final long NOW = Instant.parse("2026-01-09T12:00:00Z").toEpochMilli();
  static final String FAN = "u-fan";

  final Path dir;
  final List<Product> products = new ArrayList<>();
  final List<ContentItem> copy = new ArrayList<>();
  final ShopCatalog catalog;
  final CopyShelf shelf;
  final FeatureRegistry registry = FeatureRegistry.builtIn();
  final OnlineStore store;
  final ModelRepository repository;
  EmbeddedInferenceServer inference;
  final InferenceClient client;

  /** The fan's favourite category: one the best sellers are not in. */
  final String favourite;

  DeliveryWorld(Path dir) throws Exception {
    this(dir, null);
  }

  /**
   * @param redisUrl the online store on this Redis (null: RocksDB under {@code dir})
   */
  DeliveryWorld(Path dir, String redisUrl) throws Exception {
    this.dir = dir;
    Path world = dir.resolve("world");
    MarketplaceSimulator.run(
        new SimulationConfig(300, 80, 3, 11, 0.0, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    JsonLinesReader.forEach(world.resolve("products.jsonl"), Codecs.PRODUCTS, products::add);
    JsonLinesReader.forEach(world.resolve("content.jsonl"), Codecs.CONTENT, copy::add);
    catalog = ShopCatalog.of(products);
    shelf = CopyShelf.of(copy);
    store = OnlineStore.open(dir.resolve("features"), redisUrl, Clock.systemUTC());

    // Best sellers: the first ten products. The fan likes a category none of them is in.
    List<FeatureVector> stats = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      stats.add(
          new FeatureVector(
              "product_stats",
              products.get(i).id(),
              NOW,
              Map.of("purchases_7d", 50.0 - i, "clicks_7d", 400.0 - i)));
    }
    store.upsertAll(registry.view("product_stats"), stats);
    java.util.Set<String> top =
        new java.util.HashSet<>(
            products.subList(0, 10).stream().map(Product::leafCategory).toList());
    favourite =
        products.stream()
            .map(Product::leafCategory)
            .filter(c -> !top.contains(c))
            .findFirst()
            .orElseThrow();
    Map<String, Object> affinity = new LinkedHashMap<>();
    affinity.put("category_1", favourite);
    affinity.put("click_weight_1", 1.0);
    affinity.put("purchase_weight_1", 0.5);
    store.upsert(
        registry.view("user_category_affinity"),
        new FeatureVector("user_category_affinity", FAN, NOW, affinity));
    // Products seen with the last product (co-visitation).
    store.upsert(
        registry.view("product_covisit"),
        new FeatureVector(
            "product_covisit",
            products.get(products.size() - 1).id(),
            NOW,
            Map.of(
                "neighbours",
                List.of(
                    new ScoredItem(products.get(products.size() - 2).id(), 5.0),
                    new ScoredItem(products.get(products.size() - 3).id(), 3.0)))));

    repository = new ModelRepository(dir.resolve("repository"));
    Files.createDirectories(repository.root());
    inference = EmbeddedInferenceServer.start(repository.root(), "127.0.0.1", 0, 0);
    client = InferenceClient.connect(inference.address());
    List<String> features = featureNames();
    Path modelFile = train(features, dir.resolve("ranker.json"));
    rollout()
        .deploy(
            MODEL,
            1,
            modelFile,
            new ServingMetadata(MODEL, 1, "run-1", "ctr", features, 1.0, "2026-01-06/2026-01-08"),
            100);
  }

  /** Starts the inference server again on its port and loads what the rollout serves. */
  void restartInference(int port) throws Exception {
    inference = EmbeddedInferenceServer.start(repository.root(), "127.0.0.1", port, 0);
    client.resetConnectBackoff();
    rollout().resume(MODEL);
  }

  ModelRollout rollout() {
    return new ModelRollout(
        dir.resolve("rollouts"), repository, client, FilModelConfig.Serving.onCpu());
  }

  Ranker ranker() {
    return Ranker.deployed(MODEL, repository, rollout(), client);
  }

  /** The columns training gives a model (the same rule as the trainer's). */
  static List<String> featureNames() {
    FeatureRegistry registry = FeatureRegistry.builtIn();
    List<String> names = new ArrayList<>();
    names.add("position");
    for (String view : TrainingExample.FEATURE_VIEWS) {
      for (FeatureSpec f : registry.view(view).features()) {
        if (f.type() == FeatureType.NUMBER) {
          names.add(TrainingExample.column(view, f.name()));
        }
      }
    }
    names.addAll(ImpressionContext.columns());
    return names;
  }

  /** A real model: clicks rise steeply with the shown category's click weight. */
  private static Path train(List<String> features, Path file) throws Exception {
    int n = 3000;
    int width = features.size();
    int weight = features.indexOf("impression__shown_category_click_weight");
    float[] x = new float[n * width];
    float[] y = new float[n];
    Random random = new Random(3);
    java.util.Arrays.fill(x, Float.NaN);
    for (int i = 0; i < n; i++) {
      float w = random.nextDouble() < 0.5 ? 0f : (float) random.nextDouble();
      x[i * width + weight] = w;
      x[i * width] = random.nextInt(8);
      y[i] = random.nextDouble() < 1 / (1 + Math.exp(-(6 * w - 3))) ? 1 : 0;
    }
    DMatrix m = new DMatrix(x, n, width, Float.NaN);
    m.setLabel(y);
    Map<String, Object> params =
        new HashMap<>(
            Map.of("objective", "binary:logistic", "max_depth", 3, "eta", 0.3, "verbosity", 0));
    Booster booster = XGBoost.train(m, params, 20, Map.of(), null, null);
    m.dispose();
    booster.saveModel(file.toString());
    return file;
  }

  DeliveryService.Builder service(ImpressionLog log) {
    return DeliveryService.builder(catalog, shelf, log)
        .features(store, registry)
        .ranker(ranker())
        .clock(Clock.fixed(Instant.ofEpochMilli(NOW), java.time.ZoneOffset.UTC));
  }

  @Override
  public void close() {
    client.close();
    inference.close();
    store.close();
  }
}
