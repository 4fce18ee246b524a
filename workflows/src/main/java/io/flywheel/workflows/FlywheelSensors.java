package io.flywheel.workflows;

import io.flywheel.evaluation.DistributionDrift;
import io.flywheel.featurestore.FeatureStore;
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
 * Flywheel's triggers: {@code data-arrival} (a new date partition in the offline store) and
 * {@code drift} (a feature's distribution in the newest partition against the champion's
 * training window, by population stability index).
 */
public final class FlywheelSensors {
  private FlywheelSensors() {}

  public static List<SensorType> all(Path home) {
    return List.of(
        new SensorType("data-arrival", List.of(), true, params -> arrivals(home, params)),
        new SensorType("drift", List.of("model", "features"), false,
            params -> drift(home, params)));
  }

  /**
   * One condition per date partition of {@code dataset} (default {@code training-examples})
   * whose newest file is older than {@code settle} (default 1m), so a partition still being
   * written does not start a run on half its data.
   */
  public static List<SensorType.Firing> arrivals(Path home, Map<String, String> params)
      throws Exception {
    String dataset = params.getOrDefault("dataset", "training-examples");
    Duration settle = Durations.parse("settle", params.getOrDefault("settle", "1m"));
    Instant settledBefore = Instant.now().minus(settle);
    List<SensorType.Firing> out = new ArrayList<>();
    try (FeatureStore store = FeatureStore.open(home)) {
      store.offline().partitionTimes(dataset).forEach((date, written) -> {
        if (!written.isAfter(settledBefore)) {
          out.add(new SensorType.Firing("date=" + date, date, Map.of(), "new partition date="
              + date + " of " + dataset));
        }
      });
    }
    return out;
  }

  /**
   * PSI of each listed feature ({@code view__feature} columns of the training examples) between
   * the champion of {@code model}'s training window and the newest partition after it; one
   * condition (keyed by that date) when any feature's PSI exceeds {@code threshold} (default
   * 0.2).
   */
  public static List<SensorType.Firing> drift(Path home, Map<String, String> params) throws Exception {
    String model = params.get("model");
    List<String> features = Arrays.stream(params.get("features").split(","))
        .map(String::trim).filter(f -> !f.isEmpty()).toList();
    double threshold;
    try {
      threshold = Double.parseDouble(params.getOrDefault("threshold", "0.2"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("threshold: not a number: " + params.get("threshold"));
    }
    String window;
    try (ModelRegistry registry = ModelRegistry.open(home)) {
      ModelVersionInfo champion = registry.aliased(model, ModelRegistry.CHAMPION)
          .orElse(null);
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
    try (FeatureStore store = FeatureStore.open(home)) {
      List<LocalDate> dates = store.offline().trainingDates();
      if (dates.isEmpty() || !dates.get(dates.size() - 1).isAfter(to)) {
        return List.of(); // no data newer than what the champion learnt from
      }
      LocalDate newest = dates.get(dates.size() - 1);
      List<TrainingExample> reference = store.trainingSet(from, to);
      List<TrainingExample> current = store.trainingSet(newest, newest);
      if (reference.isEmpty() || current.isEmpty()) {
        return List.of();
      }
      List<String> drifting = new ArrayList<>();
      for (String feature : features) {
        String[] parts = feature.split("__", 2);
        boolean known;
        try {
          known = parts.length == 2 && TrainingExample.FEATURE_VIEWS.contains(parts[0])
              && store.registry().view(parts[0]).featureNames().contains(parts[1]);
        } catch (IllegalArgumentException e) {
          known = false;
        }
        if (!known) {
          throw new IllegalArgumentException("features: '" + feature + "' is not a number "
              + "column of the training examples (VIEW__FEATURE, like user_activity__ctr_7d)");
        }
        double psi = DistributionDrift.psi(values(reference, feature), values(current, feature),
            10).value();
        if (psi > threshold) {
          drifting.add(String.format(Locale.ROOT, "%s PSI %.3f", feature, psi));
        }
      }
      if (drifting.isEmpty()) {
        return List.of();
      }
      return List.of(new SensorType.Firing("drift-" + newest, newest, Map.of(),
          String.join(", ", drifting) + String.format(Locale.ROOT, " > %.3f (reference %s, "
              + "current %s)", threshold, window, newest)));
    }
  }

  private static double[] values(List<TrainingExample> examples, String column) {
    double[] out = new double[examples.size()];
    for (int i = 0; i < out.length; i++) {
      Object v = examples.get(i).features().get(column);
      out[i] = v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
    return out;
  }
}
