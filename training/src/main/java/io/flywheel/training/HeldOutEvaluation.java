package io.flywheel.training;

import io.flywheel.evaluation.ModelEvaluation;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A trained model's figures on its held-out rows, with the oracle and the champion. */
public final class HeldOutEvaluation {
  private HeldOutEvaluation() {}

  /** Figures on the model's held-out rows, with the oracle and the champion where known. */
  public static Map<String, Double> judge(
      ScoringModel model, Path truthFile, Optional<ScoringModel> champion, PredictionTarget target)
      throws Exception {
    ModelTrainer.Validation v = model.validation();
    double[] oracle = truthFile == null ? null : OracleScores.of(truthFile, v.eventIds(), target);
    double[] championScores = champion.isPresent() ? champion.get().predict(v.rows()) : null;
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (target.ranking()) {
      metrics.putAll(ModelEvaluation.ranking(v.requestIds(), v.predictions(), v.gains(), oracle));
      if (championScores != null) {
        double champ =
            ModelEvaluation.ranking(v.requestIds(), championScores, v.gains(), null)
                .get("ndcg_at_5");
        metrics.put("champion_ndcg_at_5", champ);
        metrics.put("ndcg_at_5_vs_champion", metrics.get("ndcg_at_5") - champ);
      }
    } else {
      metrics.putAll(
          ModelEvaluation.classification(v.predictions(), v.positives(), oracle, championScores));
    }
    metrics.put("rounds", (double) model.rounds());
    metrics.put("features", (double) model.featureNames().size());
    return metrics;
  }
}
