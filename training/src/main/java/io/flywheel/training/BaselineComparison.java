package io.flywheel.training;

import io.flywheel.evaluation.Bootstrap;
import io.flywheel.evaluation.ClassificationMetrics;
import io.flywheel.evaluation.Verdict;
import io.flywheel.featurestore.ShopCatalog;
import io.flywheel.featurestore.TrainingExample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the trees earn their complexity: a logistic baseline (gblinear) trained on the same
 * examples, and the CTR model scored on the baseline's held-out rows, compared with a bootstrap
 * interval on the AUC difference.
 *
 * @param lift the model's AUC minus the baseline's, with its interval
 */
public record BaselineComparison(double baselineAuc, Bootstrap.Interval lift, Verdict verdict) {

  public static BaselineComparison of(
      ScoringModel model, List<TrainingExample> examples, ShopCatalog catalog) throws Exception {
    ScoringModel baseline =
        ModelTrainer.train(
            examples, catalog, PredictionTarget.CTR, ModelTrainer.Options.logisticBaseline());
    ModelTrainer.Validation v = baseline.validation();
    Map<String, TrainingExample> byId = new HashMap<>();
    examples.forEach(x -> byId.put(x.eventId(), x));
    double[] trees = model.predict(v.eventIds().stream().map(byId::get).toList(), catalog);
    Bootstrap.Interval lift =
        Bootstrap.difference(
            trees, v.predictions(), v.positives(), ClassificationMetrics::rocAuc, 200, 1, 0.95);
    return new BaselineComparison(
        ClassificationMetrics.rocAuc(v.predictions(), v.positives()), lift, Verdict.of(lift));
  }
}
