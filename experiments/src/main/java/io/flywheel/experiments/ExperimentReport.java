package io.flywheel.experiments;

import java.util.List;

/**
 * An experiment's results as of one look.
 *
 * @param asOf the look's time (epoch ms): exposures and outcomes up to it
 * @param users exposed users per arm, in arm order
 * @param expectedShares what the weights promise, in arm order
 * @param sampleRatioPValue χ² p-value of users per arm against the weights
 * @param sampleRatioMismatch whether it is below 0.001 (which blocks any decision)
 * @param plannedUsersPerArm from the power calculation
 */
public record ExperimentReport(
    String experimentId,
    long asOf,
    List<String> arms,
    List<Long> users,
    List<Double> expectedShares,
    double sampleRatioPValue,
    boolean sampleRatioMismatch,
    long plannedUsersPerArm,
    List<MetricResult> metrics,
    Decision decision) {

  /** What to do: ship (an arm), stop, keep running, or blocked (no decision can be taken). */
  public record Decision(String verdict, String arm, String reason) {}

  /** The result of {@code arm} on {@code metric}. */
  public MetricResult result(MetricKind metric, String arm) {
    return metrics.stream()
        .filter(m -> m.metric().equals(metric.wireName()) && m.arm().equals(arm))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + metric + " result for " + arm));
  }
}
