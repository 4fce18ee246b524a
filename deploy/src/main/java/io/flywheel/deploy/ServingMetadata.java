package io.flywheel.deploy;

import java.util.List;

/**
 * What a scorer must know about a deployed model besides its trees: the feature order of the input
 * tensor, what it predicts, the negative-sampling rate to undo (Triton returns the raw
 * probability), and where it came from. Written as {@code flywheel.json} beside the model file.
 *
 * @param target {@code ctr}, {@code cvr}, {@code cvr-post-click} or {@code rank}
 * @param negativeSampling the share of negatives kept in training (1 = none dropped)
 */
public record ServingMetadata(
    String registeredModel,
    int registeredVersion,
    String mlflowRunId,
    String target,
    List<String> featureNames,
    double negativeSampling,
    String trainingWindow) {

  public ServingMetadata {
    if (featureNames == null || featureNames.isEmpty()) {
      throw new IllegalArgumentException("featureNames: a model needs at least one feature");
    }
    featureNames = List.copyOf(featureNames);
  }

  public boolean ranking() {
    return "rank".equals(target);
  }

  /** Undoes negative down-sampling: q / (q + (1 - q) / rate); ranking scores pass through. */
  public double correct(double raw) {
    if (ranking() || negativeSampling >= 1) {
      return raw;
    }
    return raw / (raw + (1 - raw) / negativeSampling);
  }
}
