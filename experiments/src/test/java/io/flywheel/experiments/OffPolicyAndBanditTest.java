package io.flywheel.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

class OffPolicyAndBanditTest {
  @Test
  void estimatorsOnAHandComputedLog() {
    OffPolicyEstimate.Accumulator acc = new OffPolicyEstimate.Accumulator();
    // (p, π, r, r̂, r̂ under π): weights 2, 0.5, 1.
    acc.add(0.5, 1.0, 1, 0.4, 0.5);
    acc.add(0.8, 0.4, 0, 0.2, 0.5);
    acc.add(0.25, 0.25, 1, 0.6, 0.5);
    // IPS: (2 + 0 + 1) / 3 = 1; SNIPS: 3 / 3.5; DR: mean of 0.5 + w (r − r̂) = 1.7, 0.4, 0.9.
    assertThat(acc.ips(0.05).value()).isCloseTo(1.0, within(1e-12));
    assertThat(acc.selfNormalised(0.05).value()).isCloseTo(3 / 3.5, within(1e-12));
    assertThat(acc.doublyRobust(0.05).value()).isCloseTo(1.0, within(1e-12));
    assertThat(acc.ips(0.05).low()).isLessThan(1.0);
    assertThatThrownBy(() -> acc.add(0, 1, 1, 0, 0)).hasMessageContaining("loggingPropensity");
  }

  @Test
  void theBanditsPropensitiesMatchHowOftenItShowsEachVariant() {
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(3);
    CopyBandit bandit = new CopyBandit(0.1, 200);
    List<String> variants = List.of("a", "b", "c");
    // Some evidence: a converts 10 %, b 8 %, c 2 %.
    for (int i = 0; i < 300; i++) {
      bandit.reward("home", "a", i % 10 == 0);
      bandit.reward("home", "b", i % 12 == 0);
      bandit.reward("home", "c", i % 50 == 0);
    }
    Map<String, Integer> shown = new HashMap<>();
    Map<String, Double> propensity = new HashMap<>();
    // The mean propensity reported when a variant was shown must equal how often it was shown.
    int n = 4_000;
    for (int i = 0; i < n; i++) {
      CopyBandit.Choice c = bandit.choose("home", variants, rng);
      shown.merge(c.variant(), 1, Integer::sum);
      propensity.merge(c.variant(), c.propensity(), Double::sum);
    }
    for (String v : variants) {
      double frequency = shown.getOrDefault(v, 0) / (double) n;
      double meanPropensity = propensity.get(v) / shown.get(v);
      assertThat(meanPropensity).as(v).isCloseTo(frequency, within(0.03));
    }
    // The exploration floor keeps the weak variant in play.
    assertThat(shown.get("c")).isGreaterThan(n / 50);
    assertThat(bandit.mean("home", "a")).isGreaterThan(bandit.mean("home", "c"));
  }
}
