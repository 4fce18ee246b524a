package io.flywheel.workflows;

import io.flywheel.experiments.ExperimentOutcomes;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.OfflineStore;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * CUPED's pre-exposure covariate from the feature store: each shopper's {@code
 * user_activity.purchases_7d} as of the last daily snapshot taken before their first exposure
 * (point in time, as training reads features), 0 when that snapshot is over a week old or there is
 * none. The events' own 28-day pre-period is the alternative ({@link ExperimentOutcomes}).
 */
public final class FeatureStoreCovariates implements ExperimentOutcomes.PreExposureOrders {
  static final String VIEW = "user_activity";
  static final String FEATURE = "purchases_7d";
  private static final long WEEK = 7 * 86_400_000L;

  private final Map<String, long[]> times;
  private final Map<String, double[]> values;
  private final int snapshots;

  private FeatureStoreCovariates(
      Map<String, long[]> times, Map<String, double[]> values, int snapshots) {
    this.times = times;
    this.values = values;
    this.snapshots = snapshots;
  }

  /**
   * The outcomes with CUPED's covariate from {@code source}: {@code events} (the events' own
   * pre-period, as read) or {@code features} (the feature store's point-in-time {@code
   * user_activity}).
   */
  public static ExperimentOutcomes apply(Path home, ExperimentOutcomes read, String source) {
    return switch (source) {
      case "events", "" -> read;
      case "features" -> {
        long[] span = read.exposureSpan();
        yield read.exposedUsers() == 0
            ? read
            : read.withPreExposureOrders(forHome(home, span[0], span[1]));
      }
      default ->
          throw new IllegalArgumentException(
              "covariates: events or features, got '" + source + "'");
    };
  }

  /** The home's offline store, read for exposures in [{@code from}, {@code to}] (epoch ms). */
  public static FeatureStoreCovariates forHome(Path home, long from, long to) {
    return read(FeatureStore.offline(home), FeatureRegistry.builtIn(), from, to);
  }

  /**
   * Reads the snapshots that can precede exposures in [{@code from}, {@code to}]; none at all is an
   * error saying so (the feature job has not run over the pre-period).
   */
  public static FeatureStoreCovariates read(
      OfflineStore store, FeatureRegistry registry, long from, long to) {
    List<FeatureVector> found =
        store.readSnapshots(registry.view(VIEW), day(from - WEEK - 86_400_000L), day(to));
    if (found.isEmpty()) {
      throw new IllegalStateException(
          "covariates: the feature store has no "
              + VIEW
              + " snapshots from "
              + day(from - WEEK)
              + " to "
              + day(to)
              + " (run `flywheel features run` over the pre-period, or use the events'"
              + " covariates)");
    }
    Map<String, List<FeatureVector>> byUser = new HashMap<>();
    for (FeatureVector v : found) {
      byUser.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
    }
    Map<String, long[]> times = new HashMap<>(byUser.size() * 2);
    Map<String, double[]> values = new HashMap<>(byUser.size() * 2);
    byUser.forEach(
        (user, list) -> {
          list.sort((a, b) -> Long.compare(a.asOf(), b.asOf()));
          long[] t = new long[list.size()];
          double[] x = new double[list.size()];
          for (int i = 0; i < t.length; i++) {
            t[i] = list.get(i).asOf();
            x[i] =
                list.get(i).values().get(FEATURE) instanceof Number n
                    ? n.doubleValue()
                    : Double.NaN;
          }
          times.put(user, t);
          values.put(user, x);
        });
    return new FeatureStoreCovariates(times, values, found.size());
  }

  private static LocalDate day(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
  }

  @Override
  public OptionalDouble before(String userId, long firstExposure) {
    long[] t = times.get(userId);
    if (t == null) {
      return OptionalDouble.empty();
    }
    // The last snapshot strictly before the exposure.
    int i = Arrays.binarySearch(t, firstExposure);
    int last = (i >= 0 ? i : -i - 1) - 1;
    while (last >= 0 && t[last] >= firstExposure) {
      last--;
    }
    if (last < 0 || firstExposure - t[last] > WEEK || Double.isNaN(values.get(userId)[last])) {
      return OptionalDouble.of(0);
    }
    return OptionalDouble.of(values.get(userId)[last]);
  }

  @Override
  public String describe() {
    return "feature store ("
        + VIEW
        + "."
        + FEATURE
        + " before exposure, "
        + snapshots
        + " snapshots)";
  }
}
