package io.flywheel.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.TrackedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Judges every recommender on the events (fitted before a cut-off at 80 % of the time span, scored
 * on what shoppers did after it), one tracked run each, and registers the best by NDCG@10 as a
 * version of {@value #RECOMMENDER_MODEL} (its artifact names the recommender and its settings;
 * serving reads the live views).
 */
public final class RecommenderTraining {
  public static final String RECOMMENDER_MODEL = ModelRegistration.MODEL_PREFIX + "recs";
  public static final int RECOMMENDATIONS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the recommender evaluation produced and registered. */
  public record Outcome(
      RecommenderEvaluation.Result result,
      String best,
      ModelVersionInfo version,
      String alias,
      Map<String, String> runIds) {}

  private RecommenderTraining() {}

  public static Outcome run(Path home, ModelRegistry registry, Path eventsFile, Path truthFile)
      throws Exception {
    ShopCatalog catalog = ShopCatalog.ofHome(home);
    RecommenderEvaluation.Result result =
        RecommenderEvaluation.evaluate(eventsFile, catalog, truthFile, RECOMMENDATIONS, 0.2);
    Map<String, String> runIds = new LinkedHashMap<>();
    String best = null;
    TrackedRun bestRun = null;
    for (String name : Recommenders.NAMES) {
      Map<String, Double> figures = result.figures().get(name);
      TrackedRun run = track(home, registry, result, name, figures);
      runIds.put(name, run.runId());
      if (best == null || figures.get("ndcg") > result.figures().get(best).get("ndcg")) {
        best = name;
        bestRun = run;
      }
    }
    ModelVersionInfo version =
        registry.register(
            RECOMMENDER_MODEL,
            bestRun,
            "model",
            Map.of("flywheel.recommender", best, "flywheel.run_id", bestRun.runId()));
    String alias = ModelRegistration.nextAlias(registry, RECOMMENDER_MODEL);
    registry.setAlias(RECOMMENDER_MODEL, alias, version.version());
    return new Outcome(result, best, version, alias, runIds);
  }

  private static TrackedRun track(
      Path home,
      ModelRegistry registry,
      RecommenderEvaluation.Result result,
      String name,
      Map<String, Double> figures)
      throws Exception {
    TrackedRun run =
        registry.startRun(
            RECOMMENDER_MODEL,
            name + "-" + Instant.now().toEpochMilli(),
            Map.of(Lineage.TARGET, "recs", "flywheel.recommender", name));
    try {
      run.logParams(
          Map.of(
              "recommender",
              name,
              "k",
              RECOMMENDATIONS,
              "cutoff",
              Instant.ofEpochMilli(result.cutoff()).toString(),
              "shoppers_judged",
              result.shoppers(),
              "cold_shoppers",
              result.coldShoppers()));
      Map<String, Double> finite = new LinkedHashMap<>();
      figures.forEach(
          (k, v) -> {
            if (Double.isFinite(v)) {
              finite.put(k, v);
            }
          });
      run.logMetrics(finite, 0);
      Path spec =
          Files.createDirectories(home.resolve("training").resolve(run.runId()).resolve("model"));
      Files.writeString(
          spec.resolve("recommender.json"),
          JSON.writeValueAsString(
              Map.of(
                  "recommender",
                  name,
                  "k",
                  RECOMMENDATIONS,
                  "halfLifeDays",
                  7,
                  "recentProducts",
                  5)));
      run.logArtifact(spec, "model");
      run.finish();
      return run;
    } catch (Exception | Error e) {
      run.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
      throw e;
    }
  }
}
