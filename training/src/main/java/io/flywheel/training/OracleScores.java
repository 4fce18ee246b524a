package io.flywheel.training;

import io.flywheel.core.Codecs;
import io.flywheel.core.GroundTruth;
import io.flywheel.core.JsonLinesReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The simulator's true probability of a target's outcome: the best any model could score. */
public final class OracleScores {
  private OracleScores() {}

  /** One score per event id, in order (NaN where the truth file does not know the event). */
  public static double[] of(Path truthFile, List<String> eventIds, PredictionTarget target)
      throws IOException {
    Map<String, GroundTruth.ImpressionTruth> truth = new HashMap<>();
    Set<String> wanted = new HashSet<>(eventIds);
    JsonLinesReader.forEach(
        truthFile,
        Codecs.TRUTH,
        t -> {
          if (t instanceof GroundTruth.ImpressionTruth i && wanted.contains(i.eventId())) {
            truth.put(i.eventId(), i);
          }
        });
    double[] scores = new double[eventIds.size()];
    for (int k = 0; k < scores.length; k++) {
      GroundTruth.ImpressionTruth t = truth.get(eventIds.get(k));
      scores[k] =
          t == null
              ? Double.NaN
              : switch (target) {
                case CTR -> t.pClick();
                case CVR -> t.pPurchase();
                case CVR_POST_CLICK -> t.pClick() > 0 ? t.pPurchase() / t.pClick() : 0;
                case RANK -> t.pClick() + t.pPurchase(); // expected graded gain
              };
    }
    return scores;
  }
}
