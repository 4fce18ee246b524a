package io.flywheel.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
  private static final double[] SCORES = {0.1, 0.4, 0.35, 0.8};
  private static final boolean[] LABELS = {false, false, true, true};

  @Test
  void smallCaseMatchesHandComputedValues() {
    ClassificationReport r = ClassificationMetrics.evaluate(SCORES, LABELS);
    assertThat(r.examples()).isEqualTo(4);
    assertThat(r.positives()).isEqualTo(2);
    assertThat(r.rocAuc()).isCloseTo(0.75, within(1e-12));
    assertThat(r.prAuc()).isCloseTo(5.0 / 6, within(1e-12));
    assertThat(r.brier()).isCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, within(1e-12));
    assertThat(r.logLoss())
        .isCloseTo(
            -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4, within(1e-12));
    assertThat(r.atHalf().truePositives()).isEqualTo(1);
    assertThat(r.atHalf().falseNegatives()).isEqualTo(1);
    assertThat(r.atHalf().precision()).isEqualTo(1.0);
    assertThat(r.atHalf().recall()).isEqualTo(0.5);
    assertThat(r.bestF1().threshold()).isEqualTo(0.35);
    assertThat(r.bestF1().f1()).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void aucHandlesTiesAndIsSymmetricUnderReversal() {
    assertThat(
            ClassificationMetrics.rocAuc(
                new double[] {0.3, 0.3, 0.3}, new boolean[] {true, false, false}))
        .isEqualTo(0.5);
    double[] reversed = new double[SCORES.length];
    for (int i = 0; i < SCORES.length; i++) {
      reversed[i] = -SCORES[i];
    }
    assertThat(ClassificationMetrics.rocAuc(reversed, LABELS))
        .isCloseTo(1 - ClassificationMetrics.rocAuc(SCORES, LABELS), within(1e-12));
    assertThat(ClassificationMetrics.rocAuc(SCORES, new boolean[4])).isNaN();
  }

  @Test
  void calibratedProbabilitiesHaveSmallCalibrationErrorAndHalvedOnesDoNot() {
    Random random = new Random(7);
    int n = 200_000;
    double[] p = new double[n];
    double[] halved = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      p[i] = random.nextDouble();
      halved[i] = p[i] / 2;
      y[i] = random.nextDouble() < p[i];
    }
    assertThat(ClassificationMetrics.expectedCalibrationError(p, y)).isLessThan(0.01);
    assertThat(ClassificationMetrics.expectedCalibrationError(halved, y)).isGreaterThan(0.2);
    // Halving keeps the order, so ranking metrics do not move.
    assertThat(ClassificationMetrics.rocAuc(halved, y))
        .isCloseTo(ClassificationMetrics.rocAuc(p, y), within(1e-12));
    assertThat(ClassificationMetrics.brier(halved, y))
        .isGreaterThan(ClassificationMetrics.brier(p, y));
  }

  @Test
  void badInputNamesTheFieldAndReason() {
    assertThatThrownBy(() -> ClassificationMetrics.rocAuc(new double[2], new boolean[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scores: 2 values");
    assertThatThrownBy(() -> ClassificationMetrics.logLoss(new double[] {1.5}, new boolean[1]))
        .hasMessageContaining("probabilities[0]: 1.5 is not in [0, 1]");
    assertThatThrownBy(
            () -> ClassificationMetrics.rocAuc(new double[] {Double.NaN}, new boolean[1]))
        .hasMessageContaining("scores[0]: NaN");
    assertThatThrownBy(() -> ClassificationMetrics.evaluate(new double[0], new boolean[0]))
        .hasMessageContaining("labels: no examples");
  }
}
