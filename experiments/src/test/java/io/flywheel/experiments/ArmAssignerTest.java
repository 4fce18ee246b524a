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
}
