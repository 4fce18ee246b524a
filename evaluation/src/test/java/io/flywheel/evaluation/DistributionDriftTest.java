package io.flywheel.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DistributionDriftTest {
  private static double[] normal(int n, double mean, long seed) {
    Random r = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = mean + r.nextGaussian();
    }
    return out;
  }

  @Test
  void theSameDistributionIsStableAndAShiftIsNot() {
    double[] reference = normal(20_000, 0, 1);
    assertThat(DistributionDrift.psi(reference, normal(20_000, 0, 2), 10).value()).isLessThan(0.01);
    // A one-standard-deviation shift of a normal variable: PSI ≈ 1 over decile bins.
    double shifted = DistributionDrift.psi(reference, normal(20_000, 1, 3), 10).value();
    assertThat(shifted).isBetween(0.7, 1.3);
    assertThat(DistributionDrift.psi(reference, normal(20_000, 0.2, 4), 10).value())
        .isBetween(0.02, 0.1);
  }

  @Test
  void matchesTheFormulaOnAHandCountedExample() {
    // Reference quartile cuts 1, 2, 3 (+ open bin above 3, + missing): shares .25 .25 .25 .25 0.
    double[] reference = {1, 1, 2, 2, 3, 3, 4, 4};
    // Current: 1 | 2 | 3 | 4 4 4 | NaN NaN → shares .125 .125 .125 .375 and .25 missing.
    double[] current = {1, 2, 3, 4, 4, 4, Double.NaN, Double.NaN};
    DistributionDrift.Psi psi = DistributionDrift.psi(reference, current, 4);
    double expected =
        3 * (0.125 - 0.25) * Math.log(0.125 / 0.25)
            + (0.375 - 0.25) * Math.log(0.375 / 0.25)
            + (0.25 - DistributionDrift.FLOOR) * Math.log(0.25 / DistributionDrift.FLOOR);
    assertThat(psi.value()).isCloseTo(expected, within(1e-12));
    assertThat(psi.bins()).isEqualTo(5);
  }

  @Test
  void aMostlyZeroFeatureGetsOneBinForZero() {
    double[] reference = new double[100];
    reference[99] = 5;
    assertThat(DistributionDrift.cutPoints(reference, 10)).containsExactly(0.0);
    double[] allZero = new double[50];
    assertThat(DistributionDrift.psi(reference, allZero, 10).value()).isLessThan(0.05);
    assertThatThrownBy(() -> DistributionDrift.psi(reference, new double[0], 10))
        .hasMessageContaining("current 0");
    assertThatThrownBy(() -> DistributionDrift.psi(reference, allZero, 1))
        .hasMessageContaining("quantiles");
  }
}
