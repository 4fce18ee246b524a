package io.flywheel.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.TrainingExample;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.TrackedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-arrival and drift triggers on a real offline store (Parquet) and MLflow registry. */
class FlywheelSensorsTest {
  static final String CTR = TrainingExample.column("user_activity", "ctr_7d");
  static final String CLICKS = TrainingExample.column("user_activity", "clicks_7d");

  @TempDir Path home;

  /** A day of examples whose 7-day CTR centres on {@code ctr}; clicks never change. */
  private static List<TrainingExample> day(LocalDate date, double ctr, long seed) {
    Random r = new Random(seed);
    long start = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    List<TrainingExample> out = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      out.add(
          new TrainingExample(
              date + "-" + i,
              "r" + i,
              "u" + (i % 50),
              "p" + (i % 20),
              "c1",
              null,
              null,
              null,
              null,
              0,
              0.5,
              start + i * 60_000L,
              r.nextDouble() < ctr,
              false,
              Map.of(
                  CTR, Math.max(0, ctr + 0.01 * r.nextGaussian()), CLICKS, (double) r.nextInt(5))));
    }
    return out;
  }

  private void write(List<TrainingExample> examples) throws Exception {
    try (FeatureStore store = FeatureStore.open(home, null)) {
      store.offline().writeTrainingExamples(examples);
    }
  }

  @Test
  void dataArrivalReportsSettledPartitionsOfTheChosenDataset() throws Exception {
    assertThat(FlywheelSensors.arrivals(home, Map.of("settle", "0s"))).isEmpty();
    write(day(LocalDate.of(2026, 1, 5), 0.05, 1));
    write(day(LocalDate.of(2026, 1, 6), 0.05, 2));
    List<SensorType.Firing> settled;
    // A feature server or job holding the online store (RocksDB's lock) does not stop a check.
    try (FeatureStore held = FeatureStore.open(home, null)) {
      settled = FlywheelSensors.arrivals(home, Map.of("settle", "0s"));
    }
    assertThat(settled)
        .extracting(SensorType.Firing::key)
        .containsExactly("date=2026-01-05", "date=2026-01-06");
    assertThat(settled.get(1).logicalDate()).isEqualTo(LocalDate.of(2026, 1, 6));
    // Just written: not settled for an hour yet.
    assertThat(FlywheelSensors.arrivals(home, Map.of("settle", "1h"))).isEmpty();
    assertThat(
            FlywheelSensors.arrivals(
                home, Map.of("dataset", "features/product_stats", "settle", "0s")))
        .isEmpty();
    assertThatThrownBy(() -> FlywheelSensors.arrivals(home, Map.of("dataset", "orders")))
        .hasMessageContaining("dataset");
  }

  @Test
  void driftFiresWhenTheNewestDayMovesAwayFromTheChampionsTrainingWindow() throws Exception {
    Map<String, String> params =
        Map.of("model", "flywheel-ctr", "features", CTR + ", " + CLICKS, "threshold", "0.2");
    write(day(LocalDate.of(2026, 1, 5), 0.05, 1));
    write(day(LocalDate.of(2026, 1, 6), 0.05, 2));
    // No champion yet: nothing to drift from.
    assertThat(FlywheelSensors.drift(home, FlywheelConfig.local(), params)).isEmpty();
    try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
      Path model = Files.createDirectories(home.resolve("m"));
      Files.writeString(model.resolve("model.json"), "{}");
      TrackedRun run =
          registry.startRun(
              "flywheel-ctr",
              "reference",
              Map.of("flywheel.training_window", "2026-01-05/2026-01-06"));
      run.logArtifact(model, "model");
      run.finish();
      var version =
          registry.register(
              "flywheel-ctr",
              run,
              "model",
              Map.of("flywheel.training_window", "2026-01-05/2026-01-06"));
      registry.setAlias("flywheel-ctr", ModelRegistry.CHAMPION, version.version());
    }
    // Nothing newer than the training window yet.
    assertThat(FlywheelSensors.drift(home, FlywheelConfig.local(), params)).isEmpty();
    // A day like the training days: stable.
    write(day(LocalDate.of(2026, 1, 7), 0.05, 3));
    assertThat(FlywheelSensors.drift(home, FlywheelConfig.local(), params)).isEmpty();
    // A day where shoppers click three times as often: the CTR feature drifts, clicks do not.
    write(day(LocalDate.of(2026, 1, 8), 0.15, 4));
    List<SensorType.Firing> drift;
    try (FeatureStore held = FeatureStore.open(home, null)) {
      drift = FlywheelSensors.drift(home, FlywheelConfig.local(), params);
    }
    assertThat(drift).hasSize(1);
    assertThat(drift.get(0).key()).isEqualTo("drift-2026-01-08");
    assertThat(drift.get(0).logicalDate()).isEqualTo(LocalDate.of(2026, 1, 8));
    assertThat(drift.get(0).reason())
        .contains(CTR + " PSI", "reference 2026-01-05/2026-01-06")
        .doesNotContain(CLICKS);
    assertThatThrownBy(
            () ->
                FlywheelSensors.drift(
                    home,
                    FlywheelConfig.local(),
                    Map.of("model", "flywheel-ctr", "features", "user_activity__mood")))
        .hasMessageContaining("'user_activity__mood' is not a number column");
    assertThatThrownBy(
            () ->
                FlywheelSensors.drift(
                    home,
                    FlywheelConfig.local(),
                    Map.of(
                        "model",
                        "flywheel-ctr",
                        "features",
                        TrainingExample.column("user_category_affinity", "category_1"))))
        .hasMessageContaining("is not a number column");
    assertThatThrownBy(
            () ->
                FlywheelSensors.drift(
                    home,
                    FlywheelConfig.local(),
                    Map.of("model", "flywheel-ctr", "features", " , ")))
        .hasMessageContaining("at least one column");
  }
}
