package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.ExperimentAnalysis;
import io.flywheel.experiments.ExperimentOutcomes;
import io.flywheel.experiments.ExperimentReport;
import io.flywheel.experiments.MetricResult;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CUPED with covariates from the feature store: point-in-time (the last daily snapshot before the
 * shopper's first exposure, none from after it, nothing older than the feature's week), real
 * Parquet snapshots, and a variance cut where the pre-period behaviour predicts conversion while
 * the events alone (no pre-period in them) give none.
 */
class FeatureStoreCovariatesTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01
  @TempDir Path home;

  private void snapshots(List<FeatureVector> vectors) {
    FeatureStore.offline(home)
        .writeSnapshots(FeatureRegistry.builtIn().view("user_activity"), vectors);
  }

  private static FeatureVector activity(String user, long asOf, double purchases) {
    return new FeatureVector("user_activity", user, asOf, Map.of("purchases_7d", purchases));
  }

  @Test
  void theCovariateIsTheLastSnapshotBeforeExposure() {
    snapshots(List.of(activity("u1", T0 + DAY / 2, 2), activity("u1", T0 + 2 * DAY + DAY / 2, 5)));
    FeatureStoreCovariates c = FeatureStoreCovariates.forHome(home, T0 + DAY, T0 + 12 * DAY);
    assertThat(c.before("u1", T0 + 2 * DAY + DAY / 2 - 1)).isEqualTo(OptionalDouble.of(2));
    assertThat(c.before("u1", T0 + 2 * DAY + DAY / 2)).isEqualTo(OptionalDouble.of(2));
    assertThat(c.before("u1", T0 + 3 * DAY)).isEqualTo(OptionalDouble.of(5));
    assertThat(c.before("u1", T0 + DAY / 4)).isEqualTo(OptionalDouble.of(0));
    assertThat(c.before("u1", T0 + 11 * DAY)).as("a week after").isEqualTo(OptionalDouble.of(0));
    assertThat(c.before("nobody", T0 + 3 * DAY)).isEmpty();
    assertThat(c.describe()).contains("user_activity.purchases_7d", "2 snapshots");

    assertThatThrownBy(() -> FeatureStoreCovariates.forHome(home, T0 + 40 * DAY, T0 + 41 * DAY))
        .hasMessageContaining("no user_activity snapshots");
  }

  @Test
  void featureStoreCovariatesCutTheVarianceWherePrePeriodBehaviourPredicts() throws Exception {
    ConversionExperiment e =
        ConversionExperiment.parse(
            """
            id: cuped-fs
            arms:
              - {name: control, weight: 1, treatment: {}}
              - {name: treatment, weight: 1, treatment: {copy: campaign}}
            plan: {mde: 0.1, baseline: 0.2}
            """);
    SplittableRandom r = new SplittableRandom(5);
    List<FeatureVector> vectors = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      String user = "u" + i;
      // A shopper's appetite shows in last week's purchases and in whether they buy now.
      double appetite = r.nextDouble();
      int lastWeek = (int) Math.round(appetite * 8 + r.nextDouble() - 0.5);
      vectors.add(activity(user, T0 + 5 * DAY + r.nextLong(DAY / 2), lastWeek));
      long exposed = T0 + 6 * DAY + r.nextLong(DAY);
      String arm = i % 2 == 0 ? "control" : "treatment";
      lines.add(
          "{\"eventId\":\"i"
              + i
              + "\",\"type\":\"impression\",\"userId\":\""
              + user
              + "\",\"productId\":\"p1\",\"contentId\":\"c1\",\"requestId\":\"r"
              + i
              + "\",\"position\":0,\"propensity\":1.0,\"experimentId\":\"cuped-fs\",\"arm\":\""
              + arm
              + "\",\"timestamp\":"
              + exposed
              + ",\"receivedAt\":"
              + exposed
              + "}");
      if (r.nextDouble() < 0.02 + 0.9 * appetite) {
        lines.add(
            "{\"eventId\":\"b"
                + i
                + "\",\"type\":\"purchase\",\"userId\":\""
                + user
                + "\",\"productId\":\"p1\",\"price\":5.0,\"quantity\":1,\"timestamp\":"
                + (exposed + 1000)
                + ",\"receivedAt\":"
                + (exposed + 1000)
                + "}");
      }
    }
    snapshots(vectors);
    Path events = Files.createDirectories(home.resolve("events")).resolve("delivery.jsonl");
    Files.write(events, lines);

    ExperimentOutcomes read = ExperimentOutcomes.read(List.of(events), "cuped-fs");
    MetricResult fromEvents = conversion(e, FeatureStoreCovariates.apply(home, read, "events"));
    ExperimentOutcomes withStore = FeatureStoreCovariates.apply(home, read, "features");
    MetricResult fromStore = conversion(e, withStore);
    assertThat(withStore.covariateSource()).contains("feature store");
    assertThat(fromEvents.varianceReduction()).isLessThan(0.02);
    // At best ρ² ≈ 0.27 here (conversion is a coin flip around the appetite).
    assertThat(fromStore.varianceReduction()).isGreaterThan(0.15);
    // Same data, same estimate in expectation: the adjusted difference stays near the raw one.
    assertThat(Math.abs(fromStore.difference() - fromEvents.difference())).isLessThan(0.02);
    assertThatThrownBy(() -> FeatureStoreCovariates.apply(home, read, "crystal-ball"))
        .hasMessageContaining("covariates");
  }

  private static MetricResult conversion(ConversionExperiment e, ExperimentOutcomes outcomes) {
    List<ExperimentReport> daily = ExperimentAnalysis.daily(e, outcomes);
    return daily.get(daily.size() - 1).metrics().stream()
        .filter(m -> m.metric().equals("conversion"))
        .findFirst()
        .orElseThrow();
  }
}
