package io.flywheel.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The statistics checked against planted truth at a size a unit test affords (300 runs of each
 * kind, a 20 % minimum detectable effect so the planned size is small); the full calibration (1,000
 * runs at a 5 % effect) is {@code flywheel experiments calibrate}.
 */
class ExperimentCalibrationTest {
  @Test
  void falsePositivesPowerSampleRatioAndCupedMatchTheTruth() {
    ExperimentCalibration.Settings settings =
        new ExperimentCalibration.Settings(300, 11, 0.20, 0.10, 0.10, 0.20, 0.05, 0.8, 14, 2.0);
    ExperimentCalibration.Result r = ExperimentCalibration.run(settings, done -> {});
    assertThat(r.runs()).isEqualTo(300);
    // 300 A/A runs at α = 0.05: 15 expected, binomial sd ≈ 3.8.
    assertThat(r.aaFalsePositiveRate()).isBetween(0.02, 0.09);
    assertThat(r.sequentialFalsePositiveRate()).isLessThanOrEqualTo(0.07);
    assertThat(r.power()).isGreaterThanOrEqualTo(0.75);
    assertThat(r.sequentialPower()).isLessThanOrEqualTo(r.power() + 0.05);
    assertThat(r.srmDetectionRate()).isGreaterThanOrEqualTo(0.9);
    assertThat(r.srmFalseAlarmRate()).isLessThanOrEqualTo(0.01);
    assertThat(r.cupedVarianceReduction()).isGreaterThan(0.1);
    // Unbiased: the mean CUPED lift is within three standard errors of the planted one.
    assertThat(Math.abs(r.cupedMeanLift() - 0.20)).isLessThan(3 * r.cupedLiftStandardError());
    // 95 % intervals of the off-policy estimates cover the candidate policy's true value.
    assertThat(r.opeCoverageIps()).isGreaterThanOrEqualTo(0.88);
    assertThat(r.opeCoverageSnips()).isGreaterThanOrEqualTo(0.88);
    assertThat(r.opeCoverageDr()).isGreaterThanOrEqualTo(0.88);
    // Thompson sampling learns: far below uniform's regret, and slowing down.
    assertThat(r.banditRegret()).isLessThan(0.3);
    assertThat(r.banditRegretGrowth()).isLessThan(1.9);
  }
}
