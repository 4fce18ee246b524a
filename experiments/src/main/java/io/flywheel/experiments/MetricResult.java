package io.flywheel.experiments;

/**
 * One arm against the control on one metric.
 *
 * @param role primary, secondary or guardrail
 * @param control the control's value (a rate, a mean per user, or clicks per impression)
 * @param value the arm's value
 * @param difference arm − control (CUPED-adjusted where a pre-period covariate helps)
 * @param low lower end of the fixed-horizon (1 − α) interval of the difference
 * @param high upper end of it
 * @param lift relative lift, arm / control − 1
 * @param liftLow lower end of the lift's interval (delta method)
 * @param liftHigh upper end of it
 * @param pValue fixed-horizon two-sided p-value (valid only at the planned size)
 * @param adjustedPValue Holm-adjusted over every metric and arm of the experiment
 * @param sequentialPValue always-valid p-value (running minimum over the looks so far): safe to
 *     read at any time
 * @param sequentialLow lower end of the always-valid confidence sequence of the difference
 * @param sequentialHigh upper end of it
 * @param chanceToBeatControl Bayesian P(arm better than control)
 * @param expectedLoss Bayesian expected loss of shipping the arm, in the metric's units
 * @param varianceReduction 1 − Var(CUPED estimate) / Var(plain estimate); 0 when not adjusted
 */
public record MetricResult(
    String metric,
    String arm,
    String role,
    double control,
    double value,
    double difference,
    double low,
    double high,
    double lift,
    double liftLow,
    double liftHigh,
    double pValue,
    double adjustedPValue,
    double sequentialPValue,
    double sequentialLow,
    double sequentialHigh,
    double chanceToBeatControl,
    double expectedLoss,
    double varianceReduction) {

  /** The same result with its p-value adjusted for the experiment's other comparisons. */
  MetricResult withAdjustedPValue(double adjusted) {
    return new MetricResult(
        metric,
        arm,
        role,
        control,
        value,
        difference,
        low,
        high,
        lift,
        liftLow,
        liftHigh,
        pValue,
        adjusted,
        sequentialPValue,
        sequentialLow,
        sequentialHigh,
        chanceToBeatControl,
        expectedLoss,
        varianceReduction);
  }
}
