package io.flywheel.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConversionExperimentTest {
  static final String RANKER =
      """
      id: ranker-v2
      name: New ranker against the champion
      arms:
        - {name: control, weight: 1, treatment: {ranking: model}}
        - {name: popular, weight: 1, treatment: {ranking: popularity}}
      targeting: {slots: [home]}
      metrics: {primary: conversion, secondary: [ctr, revenue], guardrails: [orders]}
      plan: {mde: 0.05, alpha: 0.05, power: 0.8, baseline: 0.10}
      layer: ranking
      traffic: {from: 0.0, to: 0.5}
      """;

  @Test
  void aDefinitionReadsBackAndPlansItsSize() {
    ConversionExperiment e = ConversionExperiment.parse(RANKER);
    assertThat(e.control().name()).isEqualTo("control");
    assertThat(e.arm("popular").treatment()).containsEntry("ranking", "popularity");
    assertThat(e.secondary()).containsExactly(MetricKind.CTR, MetricKind.REVENUE);
    assertThat(e.guardrails()).containsExactly(MetricKind.ORDERS);
    assertThat(e.targeting().admits("home", null, "en-US")).isTrue();
    assertThat(e.targeting().admits("email", null, "en-US")).isFalse();
    // Two proportions 10 % vs 10.5 %, α 0.05 two-sided, power 0.8: (1.96 + 0.8416)² × (0.09 +
    // 0.094975) / 0.005² ≈ 58,000 per arm.
    assertThat(e.plan().usersPerArm()).isBetween(57_500L, 58_500L);
    assertThat(ConversionExperiment.parse(e.toYaml())).isEqualTo(e);
  }

  @Test
  void mistakesNameTheField() {
    assertThatThrownBy(() -> ConversionExperiment.parse(RANKER.replace("layer:", "layr:")))
        .isInstanceOf(ExperimentDefinitionException.class)
        .hasMessageContaining("layr");
    assertThatThrownBy(
            () -> ConversionExperiment.parse(RANKER.replace("primary: conversion", "primary: ltv")))
        .hasMessageContaining("metrics.primary");
    assertThatThrownBy(() -> ConversionExperiment.parse(RANKER.replace("popular,", "control,")))
        .hasMessageContaining("arms")
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> ConversionExperiment.parse(RANKER.replace("mde: 0.05", "mde: -1")))
        .hasMessageContaining("plan.mde");
    assertThatThrownBy(() -> ConversionExperiment.parse(RANKER.replace("weight: 1,", "weight: 0,")))
        .hasMessageContaining("weight");
    assertThatThrownBy(() -> ConversionExperiment.parse(RANKER.replace("to: 0.5", "to: 1.5")))
        .hasMessageContaining("traffic");
    assertThatThrownBy(
            () -> ConversionExperiment.parse(RANKER.replace("id: ranker-v2", "id: Bad Id")))
        .hasMessageContaining("id");
    assertThatThrownBy(
            () ->
                ConversionExperiment.parse(
                    RANKER.replace("slots: [home]", "slots: [home], segments: [bargain]")))
        .hasMessageContaining("targeting.segments")
        .hasMessageContaining("new, returning, vip");
    assertThatThrownBy(
            () -> ConversionExperiment.parse(RANKER.replace("ranking: popularity", "copy: best")))
        .hasMessageContaining("arms[popular].treatment.copy");
    assertThatThrownBy(
            () ->
                ConversionExperiment.parse(
                    RANKER.replace("ranking: popularity", "copy: stock, explore: 0.1")))
        .hasMessageContaining("arms[popular].treatment.explore");
    assertThatThrownBy(
            () ->
                ConversionExperiment.parse(
                    RANKER.replace("ranking: popularity", "copy: bandit, explore: 1.5")))
        .hasMessageContaining("[0, 1)");
  }

  @Test
  void aBanditArmAndSegmentTargeting() {
    ConversionExperiment e =
        ConversionExperiment.parse(
            RANKER
                .replace("ranking: popularity", "copy: bandit, explore: 0.15")
                .replace("slots: [home]", "slots: [home], segments: [vip, returning]"));
    assertThat(e.arm("popular").banditCopy()).isTrue();
    assertThat(e.arm("popular").exploration()).isEqualTo(0.15);
    assertThat(e.control().banditCopy()).isFalse();
    assertThat(e.targeting().admits("home", "vip", null)).isTrue();
    assertThat(e.targeting().admits("home", "new", null)).isFalse();
    assertThat(ConversionExperiment.parse(e.toYaml())).isEqualTo(e);
  }
}
