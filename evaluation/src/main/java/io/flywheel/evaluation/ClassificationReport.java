package io.flywheel.evaluation;

/**
 * How well predicted probabilities separate and match binary labels.
 *
 * @param rocAuc probability that a random positive scores above a random negative (ties half)
 * @param prAuc area under the precision-recall curve as average precision
 * @param logLoss mean negative log-likelihood (probabilities clipped to [1e-15, 1 - 1e-15])
 * @param brier mean squared error of the probabilities
 * @param expectedCalibrationError mean |predicted - observed| over 10 equal-width bins, weighted by
 *     bin size
 * @param atHalf counts and rates at threshold 0.5
 * @param bestF1 the threshold (among the scores) with the highest F1
 */
public record ClassificationReport(
    long examples,
    long positives,
    double rocAuc,
    double prAuc,
    double logLoss,
    double brier,
    double expectedCalibrationError,
    ThresholdMetrics atHalf,
    ThresholdMetrics bestF1) {}
