package io.flywheel.training;

import io.flywheel.evaluation.Bootstrap;
import io.flywheel.evaluation.ClassificationMetrics;
import io.flywheel.evaluation.ClassificationReport;
import io.flywheel.featurestore.TrainingExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The ceiling for every click model trained on a set of examples: how well the simulator's true
 * click probabilities rank them, with a bootstrap interval.
 *
 * @param rows the examples the truth file knows
 */
public record OracleCeiling(Bootstrap.Interval auc, ClassificationReport report, int rows) {

  /** Empty when the truth file knows none of the examples. */
  public static Optional<OracleCeiling> of(List<TrainingExample> examples, Path truthFile)
      throws IOException {
    double[] all =
        OracleScores.of(
            truthFile,
            examples.stream().map(TrainingExample::eventId).toList(),
            PredictionTarget.CTR);
    int known = 0;
    for (double p : all) {
      known += Double.isNaN(p) ? 0 : 1;
    }
    if (known == 0) {
      return Optional.empty();
    }
    double[] scores = new double[known];
    boolean[] clicked = new boolean[known];
    for (int i = 0, k = 0; i < all.length; i++) {
      if (!Double.isNaN(all[i])) {
        scores[k] = all[i];
        clicked[k++] = examples.get(i).clicked();
      }
    }
    Bootstrap.Interval auc =
        Bootstrap.interval(scores, clicked, ClassificationMetrics::rocAuc, 200, 1, 0.95);
    return Optional.of(
        new OracleCeiling(auc, ClassificationMetrics.evaluate(scores, clicked), known));
  }
}
