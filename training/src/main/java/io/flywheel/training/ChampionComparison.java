package io.flywheel.training;

import io.flywheel.evaluation.ModelEvaluation;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import io.flywheel.registry.TrackedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tracked run's model against the registered champion on the same held-out rows: the run's own
 * training window, re-read and checked against its data hash, so both are judged on exactly the
 * rows the run was judged on.
 */
public final class ChampionComparison {
  public static final String COMPARED_WITH_TAG = "flywheel.compared_with_version";

  private ChampionComparison() {}

  /**
   * Logs the champion's figures and the difference on the run ({@code champion_<metric>} and {@code
   * <metric>_vs_champion}, the champion's version as a tag) and returns them. Without a champion
   * (or when the run is the champion's own) it logs nothing and says so; a comparison already
   * logged against the same champion is reused.
   */
  public static Map<String, String> compare(Path home, ModelRegistry registry, String runId)
      throws Exception {
    TrackedRun run = registry.run(runId);
    PredictionTarget target = PredictionTarget.of(run.tags().get(Lineage.TARGET));
    String name = ModelRegistration.registeredName(target);
    String metric = target.ranking() ? "ndcg_at_5" : "auc";
    Map<String, String> out = new LinkedHashMap<>();
    out.put("metric", metric);
    Optional<ModelVersionInfo> champion = registry.aliased(name, ModelRegistry.CHAMPION);
    if (champion.isEmpty() || champion.get().runId().equals(runId)) {
      out.put("champion", "none");
      out.put("gain", "0.0");
      return out;
    }
    out.put("champion", Integer.toString(champion.get().version()));
    Map<String, Double> logged = run.metrics();
    if (logged.containsKey(metric + "_vs_champion")
        && String.valueOf(champion.get().version()).equals(run.tags().get(COMPARED_WITH_TAG))) {
      out.put("gain", Double.toString(logged.get(metric + "_vs_champion")));
      out.put("compared", "reused");
      return out;
    }
    TrainingTable rows = heldOutRows(home, run, target);
    Path dir = Files.createTempDirectory("flywheel-compare-");
    ScoringModel candidate =
        ScoringModel.load(run.downloadArtifacts("model", dir.resolve("model")));
    Map<String, Double> figures =
        figures(
            target,
            metric,
            rows,
            candidate.predict(rows),
            ModelRegistration.load(registry, champion.get()).predict(rows));
    run.logMetrics(figures, 0);
    run.setTags(Map.of(COMPARED_WITH_TAG, Integer.toString(champion.get().version())));
    out.put("gain", Double.toString(figures.get(metric + "_vs_champion")));
    out.put("compared", "new");
    figures.forEach((k, v) -> out.put(k, Double.toString(v)));
    return out;
  }

  private static TrainingTable heldOutRows(Path home, TrackedRun run, PredictionTarget target)
      throws IOException {
    String window = run.tags().get(Lineage.TRAINING_WINDOW);
    String[] dates = window.split("/");
    TrainingTable examples =
        TrainingTable.fromStore(
            home, LocalDate.parse(dates[0]), LocalDate.parse(dates[1]), ShopCatalog.ofHome(home));
    if (!Lineage.dataHash(examples).equals(run.tags().get(Lineage.DATA_HASH))) {
      throw new IllegalStateException(
          "run "
              + run.runId()
              + ": the feature store's examples "
              + "for "
              + window
              + " changed since it was trained (data hash differs); retrain "
              + "instead of comparing on different rows");
    }
    return ModelTrainer.heldOut(
        examples, target, Double.parseDouble(run.params().get("validation_share")));
  }

  private static Map<String, Double> figures(
      PredictionTarget target, String metric, TrainingTable rows, double[] mine, double[] theirs) {
    Map<String, Double> figures = new LinkedHashMap<>();
    if (target.ranking()) {
      List<String> requests = new ArrayList<>();
      double[] gains = new double[rows.size()];
      for (int i = 0; i < gains.length; i++) {
        requests.add(rows.requestKey(i));
        gains[i] = target.label(rows.clicked(i), rows.purchased(i));
      }
      double own = ModelEvaluation.ranking(requests, mine, gains, null).get(metric);
      double champ = ModelEvaluation.ranking(requests, theirs, gains, null).get(metric);
      figures.put("champion_" + metric, champ);
      figures.put(metric + "_vs_champion", own - champ);
    } else {
      boolean[] positives = new boolean[rows.size()];
      for (int i = 0; i < positives.length; i++) {
        positives[i] = target.positive(rows.clicked(i), rows.purchased(i));
      }
      ModelEvaluation.classification(mine, positives, null, theirs)
          .forEach(
              (k, v) -> {
                if (k.contains("champion")) {
                  figures.put(k, v);
                }
              });
    }
    return figures;
  }
}
