package io.flywheel.workflows;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.evaluation.DistributionDrift;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureType;
import io.flywheel.featurestore.OfflineStore;
import io.flywheel.featurestore.TrainingExample;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.ModelVersionInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Flywheel's triggers: {@code data-arrival} (a new date partition in the offline store) and {@code
 * drift} (a feature's distribution in the newest partition against the champion's training window,
 * by population stability index).
 */
public final class FlywheelSensors {
  private FlywheelSensors() {}

  public static List<SensorType> all(Path home, FlywheelConfig config) {
    return List.of(
        new SensorType("data-arrival", List.of(), true, params -> arrivals(home, params)),
        new SensorType(
            "drift", List.of("model", "features"), false, params -> drift(home, config, params)));
  }

  /**
   * One condition per date partition of {@code dataset} (default {@code training-examples}) whose
   * newest file is older than {@code settle} (default 1m), so a partition still being written does
   * not start a run on half its data.
   */
  public static List<SensorType.Firing> arrivals(Path home, Map<String, String> params)
      throws Exception {
    String dataset = params.getOrDefault("dataset", "training-examples");
    Duration settle = Durations.parse("settle", params.getOrDefault("settle", "1m"));
    Instant settledBefore = Instant.now().minus(settle);
    List<SensorType.Firing> out = new ArrayList<>();
    FeatureStore.offline(home)
        .partitionTimes(dataset)
        .forEach(
            (date, written) -> {
              if (!written.isAfter(settledBefore)) {
                out.add(
                    new SensorType.Firing(
                        "date=" + date,
                        date,
                        Map.of(),
                        "new partition date=" + date + " of " + dataset));
              }
            });
    return out;
  }

  /**
   * PSI of each listed feature ({@code view__feature} columns of the training examples) between the
   * champion of {@code model}'s training window and the newest partition after it; one condition
   * (keyed by that date) when any feature's PSI exceeds {@code threshold} (default 0.2).
   */
  public static List<SensorType.Firing> drift(
      Path home, FlywheelConfig config, Map<String, String> params) throws Exception {
    String model = params.get("model");
    List<String> features =
        Arrays.stream(params.get("features").split(","))
            .map(String::trim)
            .filter(f -> !f.isEmpty())
            .toList();
    if (features.isEmpty()) {
      throw new IllegalArgumentException("features: name at least one column to watch");
    }
    FeatureRegistry views = FeatureRegistry.builtIn();
    for (String feature : features) {
      String[] parts = feature.split("__", 2);
      boolean known;
      try {
        known =
            parts.length == 2
                && TrainingExample.FEATURE_VIEWS.contains(parts[0])
                && views.view(parts[0]).featureNames().contains(parts[1])
                && views.view(parts[0]).feature(parts[1]).type() == FeatureType.NUMBER;
      } catch (IllegalArgumentException e) {
        known = false;
      }
      if (!known) {
        throw new IllegalArgumentException(
            "features: '"
                + feature
                + "' is not a number "
                + "column of the training examples (VIEW__FEATURE, like user_activity__ctr_7d)");
      }
    }
    double threshold;
    try {
      threshold = Double.parseDouble(params.getOrDefault("threshold", "0.2"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("threshold: not a number: " + params.get("threshold"));
    }
    String window;
    try (ModelRegistry registry = FlywheelTasks.registry(home, config)) {
      ModelVersionInfo champion = registry.aliased(model, ModelRegistry.CHAMPION).orElse(null);
      if (champion == null) {
        return List.of(); // nothing trained yet: nothing to drift from
      }
      window = champion.tags().get("flywheel.training_window");
      if (window == null) {
        throw new IllegalStateException(champion.ref() + " has no flywheel.training_window tag");
      }
    }
    LocalDate from = LocalDate.parse(window.split("/")[0]);
    LocalDate to = LocalDate.parse(window.split("/")[1]);
    OfflineStore store = FeatureStore.offline(home);
    List<LocalDate> dates = store.trainingDates();
    if (dates.isEmpty() || !dates.get(dates.size() - 1).isAfter(to)) {
      return List.of(); // no data newer than what the champion learnt from
    }
    LocalDate newest = dates.get(dates.size() - 1);
    // Only the watched columns are kept, as the examples stream past.
    double[][] reference = columns(store, from, to, features);
    double[][] current = columns(store, newest, newest, features);
    if (reference[0].length == 0 || current[0].length == 0) {
      return List.of();
    }
    List<String> drifting = new ArrayList<>();
    for (int f = 0; f < features.size(); f++) {
      double psi = DistributionDrift.psi(reference[f], current[f], 10).value();
      if (psi > threshold) {
        drifting.add(String.format(Locale.ROOT, "%s PSI %.3f", features.get(f), psi));
      }
    }
    if (drifting.isEmpty()) {
      return List.of();
    }
    return List.of(
        new SensorType.Firing(
            "drift-" + newest,
            newest,
            Map.of(),
            String.join(", ", drifting)
                + String.format(
                    Locale.ROOT,
                    " > %.3f (reference %s, " + "current %s)",
                    threshold,
                    window,
                    newest)));
  }

  /** The listed columns of the examples in [from, to], one array per column (NaN: missing). */
  private static double[][] columns(
      OfflineStore store, LocalDate from, LocalDate to, List<String> names) {
    List<double[]> rows = new ArrayList<>();
    store.forEachTrainingExample(
        from,
        to,
        x -> {
          double[] row = new double[names.size()];
          for (int f = 0; f < row.length; f++) {
            Object v = x.features().get(names.get(f));
            row[f] = v instanceof Number n ? n.doubleValue() : Double.NaN;
          }
          rows.add(row);
        });
    double[][] out = new double[names.size()][rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      for (int f = 0; f < names.size(); f++) {
        out[f][r] = rows.get(r)[f];
      }
    }
    return out;
  }
}
