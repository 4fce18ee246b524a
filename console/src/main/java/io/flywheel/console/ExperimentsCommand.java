package io.flywheel.console;

import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.CopyPolicyEvaluation;
import io.flywheel.experiments.ExperimentAnalysis;
import io.flywheel.experiments.ExperimentCalibration;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.experiments.ExperimentDefinitionException;
import io.flywheel.experiments.ExperimentOutcomes;
import io.flywheel.experiments.ExperimentReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel experiments}: define, start, stop and read conversion experiments. */
@Command(
    name = "experiments",
    mixinStandardHelpOptions = true,
    description =
        "Conversion experiments: create one from YAML, start and stop it, read its results "
            + "(frequentist, CUPED, always-valid sequential, Bayesian, SRM, a decision), and "
            + "calibrate the statistics on planted truth.",
    subcommands = {
      ExperimentsCommand.Create.class,
      ExperimentsCommand.ListAll.class,
      ExperimentsCommand.Show.class,
      ExperimentsCommand.Start.class,
      ExperimentsCommand.Stop.class,
      ExperimentsCommand.Promote.class,
      ExperimentsCommand.Results.class,
      ExperimentsCommand.OffPolicy.class,
      ExperimentsCommand.Calibrate.class,
      ExperimentsCommand.Bench.class
    })
final class ExperimentsCommand implements Runnable {
  @ParentCommand FlywheelCli root;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  ExperimentCatalog catalog() {
    return new ExperimentCatalog(root.home());
  }

  /** A definition mistake is a usage error naming the field. */
  static ParameterException usage(CommandLine cli, ExperimentDefinitionException e) {
    return new ParameterException(cli, e.getMessage());
  }

  static Map<String, Object> entry(ExperimentCatalog.Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    ConversionExperiment x = e.experiment();
    m.put("id", x.id());
    m.put("name", x.name());
    m.put("status", e.status());
    m.put("startedAt", e.startedAt());
    m.put("stoppedAt", e.stoppedAt());
    m.put("arms", x.arms());
    m.put("primary", x.primary().wireName());
    m.put("layer", x.layer());
    m.put("traffic", List.of(x.layerFrom(), x.layerTo()));
    m.put("plannedUsersPerArm", x.plan().usersPerArm());
    return m;
  }

  /** One experiment as JSON or as a line, as the output options ask. */
  static int report(ExperimentCatalog.Entry e, OutputOptions output, PrintWriter out)
      throws IOException {
    if (output.json()) {
      out.println(TrainCommand.JSON.writeValueAsString(entry(e)));
    } else {
      print(e, out);
    }
    return 0;
  }

  static void print(ExperimentCatalog.Entry e, PrintWriter out) {
    ConversionExperiment x = e.experiment();
    out.printf(
        Locale.ROOT,
        "%-24s %-8s %s; arms %s; primary %s; %,d users per arm planned%n",
        x.id(),
        e.status(),
        x.name(),
        String.join(" / ", x.arms().stream().map(a -> a.name()).toList()),
        x.primary().wireName(),
        x.plan().usersPerArm());
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Add an experiment.")
  static final class Create implements Callable<Integer> {
    @ParentCommand ExperimentsCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The experiment's YAML definition.")
    Path file;

    @Mixin OutputOptions output;

    @Override
    public Integer call() throws IOException {
      InputFiles.require(spec.commandLine(), "FILE", file);
      ExperimentCatalog.Entry e;
      try {
        e = parent.catalog().create(ConversionExperiment.parse(Files.readString(file)));
      } catch (ExperimentDefinitionException bad) {
        throw usage(spec.commandLine(), bad);
      }
      return report(e, output, spec.commandLine().getOut());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the experiments.")
  static final class ListAll implements Callable<Integer> {
    @ParentCommand ExperimentsCommand parent;
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Override
    public Integer call() throws IOException {
      List<ExperimentCatalog.Entry> all = parent.catalog().list();
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        out.println(
            TrainCommand.JSON.writeValueAsString(
                all.stream().map(ExperimentsCommand::entry).toList()));
      } else if (all.isEmpty()) {
        out.println("no experiments yet (`flywheel experiments create FILE`)");
      } else {
        all.forEach(e -> print(e, out));
        parent
            .catalog()
            .promoted()
            .ifPresent(
                p ->
                    out.printf(
                        Locale.ROOT,
                        "promoted to every shopper outside them: %s of %s, %s%n",
                        p.arm(),
                        p.experiment(),
                        p.treatment()));
      }
      return 0;
    }
  }

  /** Commands that name one experiment. */
  abstract static class OneExperiment implements Callable<Integer> {
    @ParentCommand ExperimentsCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The experiment's id.")
    String id;

    @Mixin OutputOptions output;

    @Override
    public Integer call() throws Exception {
      try {
        return run(parent.catalog(), spec.commandLine().getOut());
      } catch (ExperimentDefinitionException bad) {
        throw usage(spec.commandLine(), bad);
      }
    }

    abstract int run(ExperimentCatalog catalog, PrintWriter out) throws Exception;

    int report(ExperimentCatalog.Entry e, PrintWriter out) throws IOException {
      return ExperimentsCommand.report(e, output, out);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One experiment.")
  static final class Show extends OneExperiment {
    @Override
    int run(ExperimentCatalog catalog, PrintWriter out) throws IOException {
      ExperimentCatalog.Entry e = catalog.get(id);
      if (output.json()) {
        return report(e, out);
      }
      print(e, out);
      out.print(e.experiment().toYaml());
      return 0;
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start exposing shoppers (delivery assigns arms from now on).")
  static final class Start extends OneExperiment {
    @Override
    int run(ExperimentCatalog catalog, PrintWriter out) throws IOException {
      return report(catalog.start(id, System.currentTimeMillis()), out);
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop exposing shoppers.")
  static final class Stop extends OneExperiment {
    @Override
    int run(ExperimentCatalog catalog, PrintWriter out) throws IOException {
      return report(catalog.stop(id, System.currentTimeMillis()), out);
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description =
          "Serve an arm's copy and ranking treatment to every shopper outside the running "
              + "experiments (delivery picks it up within seconds; the experiment-analysis "
              + "pipeline does this for an arm that shipped, after approval).")
  static final class Promote extends OneExperiment {
    @Option(names = "--arm", required = true, paramLabel = "ARM", description = "The arm to serve.")
    String arm;

    @Override
    int run(ExperimentCatalog catalog, PrintWriter out) throws IOException {
      ExperimentCatalog.Promotion p = catalog.promote(id, arm, System.currentTimeMillis());
      if (output.json()) {
        out.println(TrainCommand.JSON.writeValueAsString(p));
      } else {
        out.printf(
            Locale.ROOT,
            "promoted %s of %s: %s is now served to every shopper outside the running"
                + " experiments%n",
            p.arm(),
            p.experiment(),
            p.treatment());
      }
      return 0;
    }
  }

  @Command(
      name = "ope",
      mixinStandardHelpOptions = true,
      description =
          "Value a candidate copy policy from a bandit arm's logged decisions before it goes live:"
              + " click rate per impression by IPS, self-normalised IPS and doubly robust, with"
              + " intervals.")
  static final class OffPolicy extends OneExperiment {
    @Option(
        names = "--arm",
        required = true,
        paramLabel = "ARM",
        description = "The bandit arm whose logs are read (its treatment is copy: bandit).")
    String arm;

    @Option(
        names = "--candidate",
        required = true,
        paramLabel = "POLICY",
        description =
            "uniform, or angle:NAME (that message angle wherever the product's copy offers it, "
                + "e.g. angle:savings; angle:stock is the shop's own copy).")
    String candidate;

    @Option(
        names = "--events",
        paramLabel = "FILE",
        description = "Event files to read (repeatable; default: as for results).")
    List<Path> events;

    @Override
    int run(ExperimentCatalog catalog, PrintWriter out) throws IOException {
      ConversionExperiment e = catalog.get(id).experiment();
      if (!e.arm(arm).banditCopy()) {
        throw new ExperimentDefinitionException(
            "--arm", "arm '" + arm + "' of " + id + " is not a bandit (copy: bandit)");
      }
      CopyPolicyEvaluation.Candidate policy = CopyPolicyEvaluation.Candidate.parse(candidate);
      List<Path> files =
          events != null ? events : ExperimentOutcomes.homeEventFiles(parent.root.home());
      for (Path f : files) {
        InputFiles.require(spec.commandLine(), "--events", f);
      }
      CopyPolicyEvaluation.Result r = CopyPolicyEvaluation.evaluate(files, id, arm, policy, 0.05);
      if (output.json()) {
        out.println(TrainCommand.JSON.writeValueAsString(r));
        return 0;
      }
      OffPolicyTable.print(r, out);
      return 0;
    }
  }

  @Command(
      name = "results",
      mixinStandardHelpOptions = true,
      description =
          "Results per arm and metric, per day (cumulative), from the logged exposures and "
              + "outcomes.")
  static final class Results extends OneExperiment {
    @Option(
        names = "--events",
        paramLabel = "FILE",
        description =
            "Event files to read (repeatable; default: HOME/events/*.jsonl, HOME/live/"
                + "events.jsonl and HOME/world/events.jsonl; an event in two files counts once).")
    List<Path> events;

    @Option(
        names = "--covariates",
        paramLabel = "SOURCE",
        defaultValue = "events",
        description =
            "CUPED's pre-exposure covariate: events (orders in the 28 days before exposure) or"
                + " features (the feature store's user_activity.purchases_7d as of the last"
                + " snapshot before exposure) (default: ${DEFAULT-VALUE}).")
    String covariates;

    @Override
    int run(ExperimentCatalog catalog, PrintWriter out) throws IOException {
      ExperimentCatalog.Entry e = catalog.get(id);
      List<Path> files =
          events != null ? events : ExperimentOutcomes.homeEventFiles(parent.root.home());
      for (Path f : files) {
        InputFiles.require(spec.commandLine(), "--events", f);
      }
      ExperimentOutcomes outcomes;
      try {
        outcomes =
            io.flywheel.workflows.FeatureStoreCovariates.apply(
                parent.root.home(), ExperimentOutcomes.read(files, id), covariates.trim());
      } catch (IllegalArgumentException | IllegalStateException bad) {
        throw new ParameterException(spec.commandLine(), bad.getMessage());
      }
      List<ExperimentReport> daily = ExperimentAnalysis.daily(e.experiment(), outcomes);
      if (output.json()) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", entry(e));
        json.put("exposedUsers", outcomes.exposedUsers());
        json.put("malformedLines", outcomes.malformedLines());
        json.put("covariates", outcomes.covariateSource());
        json.put("daily", daily);
        json.put("latest", daily.isEmpty() ? null : daily.get(daily.size() - 1));
        out.println(TrainCommand.JSON.writeValueAsString(json));
        return 0;
      }
      print(e, out);
      if (daily.isEmpty()) {
        out.println("  no exposures logged for " + id + " yet");
        return 0;
      }
      for (ExperimentReport r : daily) {
        out.printf(
            Locale.ROOT,
            "  %s  users %s  %s%n",
            Instant.ofEpochMilli(r.asOf()),
            r.users(),
            r.decision().verdict());
      }
      ExperimentResultsTable.print(daily.get(daily.size() - 1), out);
      out.println("  CUPED covariate: " + outcomes.covariateSource());
      return 0;
    }
  }

  @Command(
      name = "calibrate",
      mixinStandardHelpOptions = true,
      description =
          "Run simulated experiments with planted truth and report false-positive rates (fixed "
              + "and with daily peeking), power, SRM detection, CUPED's variance reduction and "
              + "bias, the coverage of off-policy intervals and a copy bandit's regret.")
  static final class Calibrate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--runs",
        defaultValue = "1000",
        description = "Runs of each kind (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--lift",
        defaultValue = "0.05",
        description = "Planted relative lift (default: ${DEFAULT-VALUE}).")
    double lift;

    @Option(
        names = "--skew",
        defaultValue = "0.02",
        description =
            "Traffic skew of the SRM runs: shares 0.5 ± skew/2 (default: ${DEFAULT-VALUE}).")
    double skew;

    @Option(
        names = "--baseline",
        defaultValue = "0.10",
        description = "Control conversion rate (default: ${DEFAULT-VALUE}).")
    double baseline;

    @Option(
        names = "--mde",
        defaultValue = "0.05",
        description = "Planned minimum detectable relative effect (default: ${DEFAULT-VALUE}).")
    double mde;

    @Option(
        names = "--days",
        defaultValue = "14",
        description = "Days per experiment, one look each (default: ${DEFAULT-VALUE}).")
    int days;

    @Mixin OutputOptions output;

    @Override
    public Integer call() throws Exception {
      ExperimentCalibration.Settings settings;
      try {
        settings =
            new ExperimentCalibration.Settings(
                runs, seed, lift, skew, baseline, mde, 0.05, 0.8, days, 2.0);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
      }
      PrintWriter err = spec.commandLine().getErr();
      long began = System.nanoTime();
      ExperimentCalibration.Result r =
          ExperimentCalibration.run(
              settings,
              done -> {
                if (output.showProgress() && (done % Math.max(1, runs / 20) == 0 || done == runs)) {
                  double s = (System.nanoTime() - began) / 1e9;
                  synchronized (err) {
                    err.printf(
                        Locale.ROOT,
                        "calibrate: %,d / %,d runs (%.1f runs/s, ETA %.0f s)%n",
                        done,
                        runs,
                        done / s,
                        (runs - done) / Math.max(1e-9, done / s));
                    err.flush();
                  }
                }
              });
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        out.println(TrainCommand.JSON.writeValueAsString(r));
        return 0;
      }
      out.printf(
          Locale.ROOT,
          "%,d runs of each kind, %,d users per arm (planned)%n",
          r.runs(),
          r.usersPerArm());
      out.printf(
          Locale.ROOT,
          "  A/A false positives, fixed horizon   %.3f  (target 0.04–0.06)%n",
          r.aaFalsePositiveRate());
      out.printf(
          Locale.ROOT,
          "  A/A false positives, daily peeking   %.3f  (target ≤ 0.05)%n",
          r.sequentialFalsePositiveRate());
      out.printf(
          Locale.ROOT,
          "  power at the planned size            %.3f  (target ≥ 0.8; sequential %.3f)%n",
          r.power(),
          r.sequentialPower());
      out.printf(
          Locale.ROOT,
          "  SRM flagged, skewed / A/A            %.3f / %.4f  (targets ≥ 0.95 / ≤ 0.001)%n",
          r.srmDetectionRate(),
          r.srmFalseAlarmRate());
      out.printf(
          Locale.ROOT,
          "  CUPED variance reduction             %.3f  (target ≥ 0.2); mean lift %.4f ± %.4f for a planted %.4f%n",
          r.cupedVarianceReduction(),
          r.cupedMeanLift(),
          r.cupedLiftStandardError(),
          r.plannedLift());
      out.printf(
          Locale.ROOT,
          "  off-policy 95%% intervals covering the truth: IPS %.3f, SNIPS %.3f, DR %.3f  (target ≥ 0.9)%n",
          r.opeCoverageIps(),
          r.opeCoverageSnips(),
          r.opeCoverageDr());
      out.printf(
          Locale.ROOT,
          "  bandit regret after a month, ÷ uniform random's %.3f  (target ≤ 0.2); second half ÷ first %.2f%n",
          r.banditRegret(),
          r.banditRegretGrowth() - 1);
      return 0;
    }
  }

  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description =
          "Write an events file with N exposed shoppers (14 days, clicks, purchases, a "
              + "pre-period) and time reading and analysing it.")
  static final class Bench implements Callable<Integer> {
    @ParentCommand ExperimentsCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = "--exposures",
        defaultValue = "10000000",
        description = "Exposed shoppers (default: ${DEFAULT-VALUE}).")
    long exposures;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Where the events file is written (default: a temporary folder, removed).")
    Path dir;

    @Mixin OutputOptions output;

    @Override
    public Integer call() throws Exception {
      if (exposures < 100) {
        throw new ParameterException(
            spec.commandLine(), "--exposures: at least 100, got " + exposures);
      }
      boolean temporary = dir == null;
      Path folder = temporary ? Files.createTempDirectory("flywheel-bench-experiments-") : dir;
      Files.createDirectories(folder);
      PrintWriter err = spec.commandLine().getErr();
      long began = System.nanoTime();
      try {
        io.flywheel.experiments.AnalysisBenchmark.Result r =
            io.flywheel.experiments.AnalysisBenchmark.run(
                exposures,
                folder,
                lines -> {
                  if (output.showProgress()) {
                    double s = (System.nanoTime() - began) / 1e9;
                    err.printf(
                        Locale.ROOT,
                        "bench: %,d lines written (%,.0f lines/s)%n",
                        lines,
                        lines / s);
                    err.flush();
                  }
                });
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
          out.println(TrainCommand.JSON.writeValueAsString(r));
        } else {
          out.printf(
              Locale.ROOT,
              "%,d exposures (%,d lines, %.1f GB) read in %.1f s, analysed per day in %.1f s: "
                  + "%.1f s in all (%,.0f exposures/s; target 10 M in ≤ 30 s); heap after %,d MB%n",
              r.exposures(),
              r.lines(),
              r.bytes() / 1e9,
              r.readSeconds(),
              r.analyseSeconds(),
              r.totalSeconds(),
              r.exposuresPerSecond(),
              r.heapUsedBytes() >> 20);
        }
      } finally {
        if (temporary) {
          io.flywheel.core.FileTrees.delete(folder);
        }
      }
      return 0;
    }
  }
}
