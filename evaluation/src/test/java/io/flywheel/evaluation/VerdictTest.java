package io.flywheel.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerdictTest {
  @Test
  void onlyAnIntervalWhollyOnOneSideOfZeroIsAClearResult() {
    assertThat(Verdict.of(0.001, 0.03)).isEqualTo(Verdict.CLEAR_WIN);
    assertThat(Verdict.of(-0.03, -0.001)).isEqualTo(Verdict.CLEAR_LOSS);
    assertThat(Verdict.of(-0.01, 0.03)).isEqualTo(Verdict.NO_CLEAR_DIFFERENCE);
    // Touching zero is not clear either way.
    assertThat(Verdict.of(0.0, 0.03)).isEqualTo(Verdict.NO_CLEAR_DIFFERENCE);
    assertThat(Verdict.of(-0.03, 0.0)).isEqualTo(Verdict.NO_CLEAR_DIFFERENCE);
  }

  @Test
  void aBootstrapDifferenceOfAModelWithItselfPlusNoiseIsJudgedOnItsInterval() {
    double[] good = new double[400];
    double[] random = new double[400];
    boolean[] labels = new boolean[400];
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < labels.length; i++) {
      labels[i] = r.nextDouble() < 0.3;
      good[i] = (labels[i] ? 0.6 : 0.4) + r.nextGaussian() * 0.1;
      random[i] = r.nextDouble();
    }
    Bootstrap.Interval better =
        Bootstrap.difference(good, random, labels, ClassificationMetrics::rocAuc, 200, 1, 0.95);
    assertThat(Verdict.of(better)).isEqualTo(Verdict.CLEAR_WIN);
    Bootstrap.Interval worse =
        Bootstrap.difference(random, good, labels, ClassificationMetrics::rocAuc, 200, 1, 0.95);
    assertThat(Verdict.of(worse)).isEqualTo(Verdict.CLEAR_LOSS);
  }
}
