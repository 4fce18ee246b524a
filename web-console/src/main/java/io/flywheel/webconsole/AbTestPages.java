package io.flywheel.webconsole;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.experiments.CopyBandit;
import io.flywheel.experiments.ExperimentAnalysis;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.experiments.ExperimentOutcomes;
import io.flywheel.experiments.ExperimentReport;
import io.flywheel.experiments.MetricResult;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conversion experiments as marketers read them: arms, exposures, every metric's lift with its
 * interval and p-values (fixed, Holm, always-valid), chance to beat control, the sample-ratio check
 * and the decision; the primary metric's lift day by day with its always-valid interval; and what a
 * bandit arm has learnt. Analyses are cached until the event files change.
 */
final class AbTestPages {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Listing(List<ExperimentCatalog.Entry> experiments, ExperimentCatalog.Promotion promoted) {}

  record Result(
      ExperimentCatalog.Entry entry,
      ExperimentReport latest,
      int days,
      String liftChart,
      List<CopyBandit.Posterior> bandit,
      String banditArm,
      String allocationChart) {
    static String percent(double v) {
      return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%+.2f%%", 100 * v) : "";
    }

    static String p(double v) {
      return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.3g", v) : "";
    }

    static String rate(double v) {
      return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.4g", v) : "";
    }
  }

  /**
   * What the event files say of an experiment — its daily analysis and, for a bandit arm, its
   * allocation chart — and the state of the files it was read from.
   */
  private record Cached(long stamp, List<ExperimentReport> daily, String allocation) {}

  private final Sources sources;
  private final Views views;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  AbTestPages(Sources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  void register(Javalin app) {
    app.get("/ab", this::list);
    app.get("/ab/{id}", this::result);
  }

  private void list(Context ctx) throws IOException {
    ExperimentCatalog catalog = new ExperimentCatalog(sources.home());
    views.page(
        ctx,
        "ab.jte",
        "A/B experiments",
        "ab",
        new Listing(catalog.list(), catalog.promoted().orElse(null)));
  }

  private void result(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    ExperimentCatalog.Entry entry = new ExperimentCatalog(sources.home()).get(id);
    Cached read = analyse(entry);
    List<ExperimentReport> daily = read.daily();
    ExperimentReport latest = daily.isEmpty() ? null : daily.get(daily.size() - 1);
    String chart = null;
    if (daily.size() > 0) {
      String primary = entry.experiment().primary().wireName();
      List<String> labels = new ArrayList<>();
      List<List<double[]>> series = new ArrayList<>();
      for (String arm : latest.arms().subList(1, latest.arms().size())) {
        List<double[]> lift = new ArrayList<>();
        List<double[]> low = new ArrayList<>();
        List<double[]> high = new ArrayList<>();
        for (int d = 0; d < daily.size(); d++) {
          for (MetricResult m : daily.get(d).metrics()) {
            if (m.metric().equals(primary) && m.arm().equals(arm)) {
              lift.add(new double[] {d + 1, 100 * m.difference()});
              low.add(new double[] {d + 1, 100 * m.sequentialLow()});
              high.add(new double[] {d + 1, 100 * m.sequentialHigh()});
            }
          }
        }
        labels.addAll(
            List.of(arm + " − control", arm + " always-valid low", arm + " always-valid high"));
        series.addAll(List.of(lift, low, high));
      }
      chart =
          RunPages.chart(
              primary + ": difference from control by day (percentage points; x: day)",
              labels,
              series);
    }
    String banditArm = banditArm(entry);
    List<CopyBandit.Posterior> bandit =
        banditArm == null ? List.of() : banditPosteriors(id + "/" + banditArm);
    views.page(
        ctx,
        "ab-result.jte",
        "A/B experiment " + id,
        "ab",
        new Result(entry, latest, daily.size(), chart, bandit, banditArm, read.allocation()));
  }

  /** The experiment read from the home's event files, again only when they have changed. */
  private Cached analyse(ExperimentCatalog.Entry entry) throws IOException {
    List<Path> files = ExperimentOutcomes.homeEventFiles(sources.home());
    long stamp = 17;
    for (Path f : files) {
      stamp = stamp * 31 + Files.size(f) * 7 + Files.getLastModifiedTime(f).toMillis();
    }
    stamp = stamp * 31 + entry.status().hashCode();
    String id = entry.experiment().id();
    Cached cached = cache.get(id);
    if (cached != null && cached.stamp() == stamp) {
      return cached;
    }
    List<ExperimentReport> daily =
        ExperimentAnalysis.daily(entry.experiment(), ExperimentOutcomes.read(files, id));
    String bandit = banditArm(entry);
    Cached read =
        new Cached(stamp, daily, bandit == null ? null : BanditAllocation.chart(files, id, bandit));
    cache.put(id, read);
    return read;
  }

  /** The experiment's (first) arm whose copy a bandit chooses, or null. */
  private static String banditArm(ExperimentCatalog.Entry entry) {
    return entry.experiment().arms().stream()
        .filter(io.flywheel.experiments.Arm::banditCopy)
        .map(io.flywheel.experiments.Arm::name)
        .findFirst()
        .orElse(null);
  }

  private List<CopyBandit.Posterior> banditPosteriors(String arm) throws IOException {
    Path file = sources.home().resolve("delivery").resolve("bandits.json");
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    Map<String, List<CopyBandit.Posterior>> all =
        JSON.readValue(file.toFile(), new TypeReference<>() {});
    return all.getOrDefault(arm, List.of());
  }
}
