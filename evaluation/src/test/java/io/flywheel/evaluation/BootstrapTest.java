package io.flywheel.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {
  /** Labels drawn from known probabilities; a noisy model sees them through noise. */
  private record Data(double[] truth, double[] noisy, boolean[] labels) {}

  private static Data data(int n, long seed) {
    Random random = new Random(seed);
    double[] truth = new double[n];
    double[] noisy = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      truth[i] = random.nextDouble();
      noisy[i] = 0.5 * truth[i] + 0.5 * random.nextDouble();
      labels[i] = random.nextDouble() < truth[i];
    }
    return new Data(truth, noisy, labels);
  }

  @Test
  void intervalsHoldTheEstimateNarrowWithDataAndRepeatPerSeed() {
    Data small = data(300, 1);
    Data large = data(30_000, 1);
    Bootstrap.Interval a =
        Bootstrap.interval(
            small.truth(), small.labels(), ClassificationMetrics::rocAuc, 200, 42, 0.95);
    Bootstrap.Interval b =
        Bootstrap.interval(
            large.truth(), large.labels(), ClassificationMetrics::rocAuc, 200, 42, 0.95);
    assertThat(a.lower()).isLessThan(a.estimate());
    assertThat(a.upper()).isGreaterThan(a.estimate());
    assertThat(b.upper() - b.lower()).isLessThan((a.upper() - a.lower()) / 5);
    assertThat(
            Bootstrap.interval(
                small.truth(), small.labels(), ClassificationMetrics::rocAuc, 200, 42, 0.95))
        .isEqualTo(a);
    assertThat(a.resamples()).isEqualTo(200);
  }

  @Test
  void theOracleBeatsANoisyChampionOnTheSameRowsAndATieIsNotABeat() {
    Data d = data(5_000, 3);
    Bootstrap.Interval win =
        Bootstrap.difference(
            d.truth(), d.noisy(), d.labels(), ClassificationMetrics::rocAuc, 200, 7, 0.95);
    assertThat(win.estimate()).isPositive();
    assertThat(win.excludesZero()).isTrue();
    Bootstrap.Interval tie =
        Bootstrap.difference(
            d.noisy(), d.noisy(), d.labels(), ClassificationMetrics::rocAuc, 200, 7, 0.95);
    assertThat(tie.estimate()).isZero();
    assertThat(tie.excludesZero()).isFalse();
  }
}
