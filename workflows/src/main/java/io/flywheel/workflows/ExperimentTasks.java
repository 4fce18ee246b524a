package io.flywheel.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.experiments.Arm;
import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.ExperimentAnalysis;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.experiments.ExperimentOutcomes;
import io.flywheel.experiments.ExperimentReport;
import io.flywheel.experiments.MetricResult;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.TrackedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code experiment-analysis} task: reads one running experiment (or every running one) from
 * the home's event files, tracks the analysis as an MLflow run (one per experiment and analysis:
 * each daily look a step of its metrics, the report as an artifact, the decision as tags), and
 * stops an experiment whose always-valid decision is ship or stop. Its outputs name the decision
 * and the winning arm's treatment ({@code treatment_model_version}, {@code treatment_copy}, ...),
 * so a later task can promote what won: {@code winners} lists them as {@code experiment:arm}, and
 * the {@code experiment-promote} task puts each live.
 */
final class ExperimentTasks {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ExperimentTasks() {}

  static void addTo(TaskCatalog catalog, Path home, FlywheelConfig config) {
    catalog.add(
        new TaskType(
            "experiment-analysis",
            TaskType.DEFAULT_QUEUE,
            List.of(),
            TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
            ctx -> analyse(home, config, ctx)));
    catalog.add(
        new TaskType(
            "experiment-promote",
            TaskType.SERVING_QUEUE,
            List.of(),
            TaskType.LONG_TASK_HEARTBEAT_TIMEOUT,
            ctx -> promote(home, config, ctx)));
  }

  /**
   * The {@code experiment-promote} task: for each winner ({@code winners}: {@code id:arm,...}, the
   * analysis's output) puts its treatment live. A {@code model_version} becomes the live version of
   * {@code model} through the rollout; a copy or ranking treatment is promoted to every shopper
   * outside the running experiments (delivery picks it up within seconds). No winners, nothing
   * done.
   */
  static Map<String, String> promote(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    String model = ctx.params().getOrDefault("model", HomeDelivery.DEFAULT_MODEL).trim();
    List<String> winners =
        java.util.Arrays.stream(ctx.params().getOrDefault("winners", "").split(","))
            .map(String::trim)
            .filter(w -> !w.isEmpty())
            .toList();
    ExperimentCatalog catalog = new ExperimentCatalog(home);
    Map<String, String> out = new LinkedHashMap<>();
    out.put("promoted", Integer.toString(winners.size()));
    for (String winner : winners) {
      int colon = winner.indexOf(':');
      if (colon <= 0 || colon == winner.length() - 1) {
        throw new IllegalArgumentException(
            "winners: expected experiment:arm entries, got '" + winner + "'");
      }
      String id = winner.substring(0, colon);
      String armName = winner.substring(colon + 1);
      Arm arm = catalog.get(id).experiment().arm(armName);
      ctx.heartbeat("promoting " + winner);
      Map<String, String> treatment = new LinkedHashMap<>(arm.treatment());
      String version = treatment.remove("model_version");
      treatment.remove("explore");
      if (version != null) {
        out.put(id + ".model_version", version);
        out.put(id + ".live", Integer.toString(makeLive(home, config, model, version, winner)));
      }
      if (!treatment.isEmpty()) {
        catalog.promote(id, armName, System.currentTimeMillis());
        out.put(id + ".delivery", treatment.toString());
      }
    }
    return out;
  }

  /** Deploys the winning version if it is not serving, then promotes it from canary to live. */
  private static int makeLive(
      Path home, FlywheelConfig config, String model, String version, String winner)
      throws Exception {
    int v;
    try {
      v = Integer.parseInt(version.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          winner + ": treatment model_version must be a version number, got '" + version + "'");
    }
    try (ModelRegistry registry = FlywheelTasks.registry(home, config);
        ModelDeployment deployment = ModelDeployment.open(home, config)) {
      var state = deployment.ensureLive(registry, registry.version(model, v));
      if (Integer.valueOf(v).equals(state.canary())) {
        state = deployment.rollout().promote(model, "won experiment " + winner);
      }
      return state.live();
    }
  }

  static Map<String, String> analyse(Path home, FlywheelConfig config, TaskContext ctx)
      throws Exception {
    String wanted = ctx.params().getOrDefault("experiment", "all").trim();
    boolean stopOnDecision =
        !"false".equalsIgnoreCase(ctx.params().getOrDefault("stop_on_decision", "true"));
    ExperimentCatalog catalog = new ExperimentCatalog(home);
    List<ExperimentCatalog.Entry> entries =
        wanted.isEmpty() || wanted.equals("all")
            ? catalog.list().stream().filter(ExperimentCatalog.Entry::running).toList()
            : List.of(catalog.get(wanted));
    boolean approval =
        !"false".equalsIgnoreCase(ctx.params().getOrDefault("approval", "true").trim());
    String covariates = ctx.params().getOrDefault("covariates", "events").trim();
    Map<String, String> out = new LinkedHashMap<>();
    out.put("analysed", Integer.toString(entries.size()));
    List<String> winners = new java.util.ArrayList<>();
    List<Path> files = ExperimentOutcomes.homeEventFiles(home);
    try (ModelRegistry registry = FlywheelTasks.registry(home, config)) {
      for (ExperimentCatalog.Entry entry : entries) {
        ConversionExperiment e = entry.experiment();
        ctx.heartbeat("reading " + e.id());
        ExperimentOutcomes outcomes =
            FeatureStoreCovariates.apply(home, ExperimentOutcomes.read(files, e.id()), covariates);
        List<ExperimentReport> daily = ExperimentAnalysis.daily(e, outcomes);
        if (daily.isEmpty()) {
          out.put(e.id() + ".decision", "no exposures");
          continue;
        }
        ExperimentReport latest = daily.get(daily.size() - 1);
        String runId = track(home, registry, e, daily, outcomes.covariateSource());
        ExperimentReport.Decision decision = latest.decision();
        boolean decisive = decision.verdict().equals("ship") || decision.verdict().equals("stop");
        if (decisive && stopOnDecision && entry.running()) {
          catalog.stop(e.id(), System.currentTimeMillis());
        }
        String prefix = entries.size() == 1 ? "" : e.id() + ".";
        out.put(prefix + "decision", decision.verdict());
        out.put(prefix + "reason", decision.reason());
        out.put(prefix + "arm", decision.arm() == null ? "" : decision.arm());
        out.put(prefix + "run_id", runId);
        out.put(prefix + "stopped", Boolean.toString(decisive && stopOnDecision));
        if (decision.verdict().equals("ship") && decision.arm() != null) {
          Arm winner = e.arm(decision.arm());
          winner.treatment().forEach((k, v) -> out.put(prefix + "treatment_" + k, v));
          winners.add(e.id() + ":" + winner.name());
        }
      }
    }
    // What a promote task after this one reads: the winners, and whether a person must approve.
    out.put("winners", String.join(",", winners));
    out.put("approval_needed", Boolean.toString(approval && !winners.isEmpty()));
    return out;
  }

  /** One MLflow run per analysis: each look a step, the report an artifact, the decision tags. */
  private static String track(
      Path home,
      ModelRegistry registry,
      ConversionExperiment e,
      List<ExperimentReport> daily,
      String covariateSource)
      throws Exception {
    TrackedRun run =
        registry.startRun(
            "experiment-" + e.id(),
            e.id() + "-" + Instant.now().toEpochMilli(),
            Map.of("flywheel.experiment", e.id()));
    try {
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("arms", String.join(",", e.arms().stream().map(Arm::name).toList()));
      params.put("primary", e.primary().wireName());
      params.put("planned_users_per_arm", e.plan().usersPerArm());
      params.put("mde", e.plan().mde());
      params.put("alpha", e.plan().alpha());
      params.put("cuped_covariate", covariateSource);
      run.logParams(params);
      for (int step = 0; step < daily.size(); step++) {
        ExperimentReport r = daily.get(step);
        Map<String, Double> figures = new LinkedHashMap<>();
        for (int i = 0; i < r.arms().size(); i++) {
          figures.put("users_" + r.arms().get(i), (double) r.users().get(i));
        }
        figures.put("srm_p", r.sampleRatioPValue());
        for (MetricResult m : r.metrics()) {
          String key = m.metric() + "_" + m.arm();
          figures.put("lift_" + key, finite(m.lift()));
          figures.put("p_" + key, finite(m.pValue()));
          figures.put("sequential_p_" + key, finite(m.sequentialPValue()));
          figures.put("chance_to_beat_" + key, finite(m.chanceToBeatControl()));
        }
        run.logMetrics(figures, step);
      }
      ExperimentReport latest = daily.get(daily.size() - 1);
      run.setTags(
          Map.of(
              "flywheel.decision", latest.decision().verdict(),
              "flywheel.decision.reason", latest.decision().reason(),
              "flywheel.decision.arm",
                  latest.decision().arm() == null ? "" : latest.decision().arm()));
      Path report =
          Files.createDirectories(home.resolve("experiments").resolve("analyses"))
              .resolve(
                  String.format(Locale.ROOT, "%s-%d.json", e.id(), Instant.now().toEpochMilli()));
      JSON.writeValue(report.toFile(), daily);
      run.logArtifact(report, "analysis");
      run.finish();
      return run.runId();
    } catch (Exception | Error failure) {
      run.fail(failure.toString());
      throw failure;
    }
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }
}
