package io.flywheel.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

class StatisticsTest {
  private static Moments binary(long n, long ones) {
    return new Moments(n, ones, ones, 0, 0, 0);
  }

  @Test
  void twoProportionsMatchTheTextbookZTest() {
    // 200 / 2,000 vs 250 / 2,000: pooled p = 0.1125, z = 0.025 / sqrt(0.1125 × 0.8875 × 0.001)
    // = 2.502, two-sided p = 2 (1 − Φ(2.502)) ≈ 0.01235 (hand-computed).
    Estimate e = Estimate.proportions(binary(2000, 200), binary(2000, 250));
    assertThat(e.difference()).isCloseTo(0.025, within(1e-12));
    assertThat(e.pValue()).isCloseTo(0.01235, within(1e-4));
    assertThat(e.lift()).isCloseTo(0.25, within(1e-12));
    double[] ci = e.interval(0.05);
    assertThat(ci[0]).isLessThan(0.025).isGreaterThan(0);
    assertThat(e.chanceToBeatControl()).isGreaterThan(0.99);
    assertThat(e.expectedLoss()).isLessThan(1e-4).isGreaterThanOrEqualTo(0);
  }

  @Test
  void theLiftIntervalAgreesWithTheTestOfTheDifference() {
    // 28 of 118 against 17 of 121: p ≈ 0.056, so the lift's 95 % interval must hold 0 (on the
    // linear delta-method scale it did not: about [-73 %, -8 %]).
    Estimate small = Estimate.proportions(binary(118, 28), binary(121, 17));
    assertThat(small.pValue()).isBetween(0.05, 0.06);
    double[] lift = small.liftInterval(0.05);
    assertThat(lift[0]).isLessThan(small.lift());
    assertThat(lift[1]).isGreaterThan(0);
    // A clear difference excludes 0 on both scales.
    Estimate clear = Estimate.proportions(binary(2000, 200), binary(2000, 300));
    assertThat(clear.pValue()).isLessThan(0.001);
    assertThat(clear.liftInterval(0.05)[0]).isGreaterThan(0);
  }

  @Test
  void welchMatchesCommonsMath() {
    double[] a = {3.1, 2.9, 4.0, 3.5, 2.2, 3.9, 4.1, 3.0};
    double[] b = {3.8, 4.4, 4.9, 3.1, 5.2, 4.7, 4.0, 4.6, 5.0, 3.9};
    Moments ma = Moments.EMPTY;
    Moments mb = Moments.EMPTY;
    for (double v : a) {
      ma = ma.add(v, 0);
    }
    for (double v : b) {
      mb = mb.add(v, 0);
    }
    Estimate e = Estimate.means(ma, mb);
    assertThat(e.pValue()).isCloseTo(new TTest().tTest(a, b), within(1e-9));
  }

  @Test
  void cupedRemovesWhatThePrePeriodExplainsWithoutMovingTheDifference() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    Moments c = Moments.EMPTY;
    Moments t = Moments.EMPTY;
    for (int i = 0; i < 20_000; i++) {
      double x = r.nextGaussian();
      double noise = r.nextGaussian() * 0.5;
      if (i % 2 == 0) {
        c = c.add(10 + 2 * x + noise, x);
      } else {
        t = t.add(10.1 + 2 * x + noise, x);
      }
    }
    Estimate plain = Estimate.means(c, t);
    Estimate cuped = Estimate.cuped(c, t);
    // y = 2x + noise(0.5): CUPED keeps only the noise, 1 − 0.25 / 4.25 ≈ 94 % of the variance gone.
    assertThat(1 - Math.pow(cuped.standardError() / plain.standardError(), 2)).isGreaterThan(0.9);
    assertThat(cuped.difference()).isCloseTo(0.1, within(4 * cuped.standardError()));
  }

  @Test
  void theDeltaMethodGivesTheRatiosSpread() {
    // Clicks ~ Binomial(impressions, rate) per user; the delta-method standard error of Σc/Σi
    // must match the spread of the ratio over repeated samples.
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    double[] ratios = new double[400];
    double predicted = 0;
    for (int rep = 0; rep < ratios.length; rep++) {
      Moments m = Moments.EMPTY;
      for (int u = 0; u < 500; u++) {
        int impressions = 1 + r.nextInt(20);
        int clicks = 0;
        double rate = 0.05 + 0.1 * r.nextDouble();
        for (int k = 0; k < impressions; k++) {
          clicks += r.nextDouble() < rate ? 1 : 0;
        }
        m = m.add(clicks, impressions);
      }
      ratios[rep] = m.sy() / m.sx();
      predicted += Estimate.ratio(m, m).controlSe() / ratios.length;
    }
    double mean = java.util.Arrays.stream(ratios).average().orElseThrow();
    double sd =
        Math.sqrt(
            java.util.Arrays.stream(ratios).map(v -> (v - mean) * (v - mean)).sum()
                / (ratios.length - 1));
    assertThat(predicted).isCloseTo(sd, within(0.15 * sd));
  }

  @Test
  void correctionsSampleRatioAndSequentialBounds() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    assertThat(MultipleTesting.holm(p)).containsExactly(0.03, 0.06, 0.06, 0.02);
    assertThat(MultipleTesting.benjaminiHochberg(p))
        .usingComparatorWithPrecision(1e-12)
        .containsExactly(0.02, 0.04, 0.04, 0.02);
    // 5,100 vs 4,900 against 50/50: χ² = 4, p ≈ 0.0455; 5,300 vs 4,700: χ² = 36, p ≈ 2e-9.
    assertThat(SampleRatioCheck.pValue(new long[] {5100, 4900}, new double[] {0.5, 0.5}))
        .isCloseTo(0.0455, within(1e-3));
    assertThat(SampleRatioCheck.pValue(new long[] {5300, 4700}, new double[] {0.5, 0.5}))
        .isLessThan(SampleRatioCheck.THRESHOLD);
    // The confidence sequence is wider than the fixed interval, and the always-valid p-value is
    // larger than the fixed one for the same evidence.
    double[] cs = SequentialTest.interval(0.02, 0.01, 0.01, 0.05);
    assertThat(cs[1] - cs[0]).isGreaterThan(2 * 1.96 * 0.01);
    assertThat(SequentialTest.pValue(0.02, 0.01, 0.01)).isGreaterThan(0.0455);
    assertThat(SequentialTest.pValue(0.06, 0.01, 0.01)).isLessThan(0.001);
  }
}
