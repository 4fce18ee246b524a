package io.flywheel.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArmAssignerTest {
  private static ConversionExperiment experiment(String id, double from, double to, double w) {
    return ConversionExperiment.parse(
        ConversionExperimentTest.RANKER
            .replace("id: ranker-v2", "id: " + id)
            .replace("from: 0.0, to: 0.5", "from: " + from + ", to: " + to)
            .replace("{name: popular, weight: 1", "{name: popular, weight: " + w));
  }

  @Test
  void assignmentIsStickyAndFollowsTheWeights() {
    ArmAssigner assigner = new ArmAssigner(experiment("a", 0, 1, 3), 0);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      Arm arm = assigner.assign("u" + i).orElseThrow();
      counts.merge(arm.name(), 1, Integer::sum);
      assertThat(assigner.assign("u" + i)).contains(arm);
    }
    // Weights 1 : 3; binomial sd ≈ 137 users.
    assertThat(counts.get("control")).isBetween(24_400, 25_600);
    assertThat(new ArmAssigner(experiment("a", 0, 1, 3), 0).assign("u17"))
        .isEqualTo(assigner.assign("u17"));
  }

  @Test
  void experimentsOfOneLayerNeverShareAShopperAndTheHoldoutSeesNone() {
    ArmAssigner left = new ArmAssigner(experiment("left", 0, 0.5, 1), 0.1);
    ArmAssigner right = new ArmAssigner(experiment("right", 0.5, 1, 1), 0.1);
    int inLeft = 0;
    int inRight = 0;
    int leftTreated = 0;
    for (int i = 0; i < 50_000; i++) {
      Optional<Arm> l = left.assign("u" + i);
      Optional<Arm> r = right.assign("u" + i);
      assertThat(l.isPresent() && r.isPresent()).isFalse();
      inLeft += l.isPresent() ? 1 : 0;
      inRight += r.isPresent() ? 1 : 0;
      leftTreated += l.filter(a -> a.name().equals("popular")).isPresent() ? 1 : 0;
    }
    // Each slice holds half of the 90 % not held out: 22,500 (sd ≈ 110).
    assertThat(inLeft).isBetween(22_000, 23_000);
    assertThat(inRight).isBetween(22_000, 23_000);
    // Arms stay balanced inside a slice: the arm hash is independent of the layer's.
    assertThat(leftTreated / (double) inLeft).isBetween(0.48, 0.52);
  }

  @Test
  void aRampUpAdmitsAGrowingShareThatKeepsWhoItHadAndStaysBalanced() {
    ConversionExperiment e =
        ConversionExperiment.parse(
            ConversionExperimentTest.RANKER
                .replace("from: 0.0, to: 0.5", "from: 0.0, to: 1.0")
                .replace(
                    "layer: ranking",
                    "layer: ranking\nramp: [{after: 0h, share: 0.1}, {after: 1d, share: 0.5},"
                        + " {after: 3d, share: 1.0}]"));
    assertThat(ConversionExperiment.parse(e.toYaml())).isEqualTo(e);
    long day = 86_400_000L;
    assertThat(e.rampShare(0)).isEqualTo(0.1);
    assertThat(e.rampShare(day + 1)).isEqualTo(0.5);
    assertThat(e.rampShare(10 * day)).isEqualTo(1.0);
    ArmAssigner assigner = new ArmAssigner(e, 0);
    int first = 0;
    int second = 0;
    Map<String, Integer> armsAtFirst = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      String user = "u" + i;
      Optional<Arm> early = assigner.assign(user, day / 2);
      Optional<Arm> later = assigner.assign(user, 2 * day);
      if (early.isPresent()) {
        first++;
        armsAtFirst.merge(early.get().name(), 1, Integer::sum);
        assertThat(later).as("admitted once, admitted after").isEqualTo(early);
      }
      second += later.isPresent() ? 1 : 0;
      assertThat(assigner.assign(user, 5 * day)).isEqualTo(assigner.assign(user));
    }
    // 10 % then 50 % of 50,000 (sd ≈ 67 and 112); arms even within the first 10 %.
    assertThat(first).isBetween(4_700, 5_300);
    assertThat(second).isBetween(24_500, 25_500);
    assertThat(armsAtFirst.get("control")).isBetween(2_300, 2_700);
  }

  @Test
  void aRampMustStartAtZeroAndGrow() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ConversionExperiment.parse(
                    ConversionExperimentTest.RANKER.replace(
                        "layer: ranking", "layer: ranking\nramp: [{after: 1h, share: 0.1}]")))
        .hasMessageContaining("ramp");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ConversionExperiment.parse(
                    ConversionExperimentTest.RANKER.replace(
                        "layer: ranking",
                        "layer: ranking\nramp: [{after: 0h, share: 0.5}, {after: 1d, share: 0.2}]")))
        .hasMessageContaining("larger share");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ConversionExperiment.parse(
                    ConversionExperimentTest.RANKER.replace(
                        "layer: ranking", "layer: ranking\nramp: [{after: soon, share: 0.5}]")))
        .hasMessageContaining("ramp[].after");
  }
}
