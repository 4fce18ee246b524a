package io.flywheel.console;

import io.flywheel.benchmarks.TrainingBenchmark;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.TrackedRun;
import io.flywheel.training.ModelTrainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel bench-train}: how fast the single-process engine trains at a given size, and how
 * fast the tracking server takes a long metric history; medians of several runs.
 */
@Command(
    name = "bench-train",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark XGBoost training (synthetic rows x features) and MLflow metric "
            + "logging; prints each run and the medians.")
final class BenchTrainCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--rows",
      defaultValue = "1000000",
      description = "Rows (default: ${DEFAULT-VALUE}).")
  private int rows;

  @Option(
      names = "--features",
      defaultValue = "40",
      description = "Features (default: ${DEFAULT-VALUE}).")
  private int features;

  @Option(
      names = "--rounds",
      defaultValue = "300",
      description = "Boosting rounds (default: ${DEFAULT-VALUE}).")
  private int rounds;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Repetitions (default: ${DEFAULT-VALUE}).")
  private int runs;

  @Option(
      names = "--metric-points",
      defaultValue = "10000",
      description =
          "Metric points logged to the tracking server per run (default: ${DEFAULT-VALUE}).")
  private int metricPoints;

  @Option(
      names = "--engines",
      defaultValue = "local,flink",
      split = ",",
      description = "Engines to time on the same data (default: ${DEFAULT-VALUE}).")
  private List<String> engines;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Workers of the flink engine (default: ${DEFAULT-VALUE}).")
  private int parallelism;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, List<Long>> trainMillis = new LinkedHashMap<>();
    List<Long> logMillis = new ArrayList<>();
    Path home = Files.createDirectories(root.home().resolve("bench-train"));
    try (ModelRegistry registry = root.registry(home)) {
      for (int run = 1; run <= runs; run++) {
        for (String engine : engines) {
          ModelTrainer.Engine e =
              ModelTrainer.Engine.of(engine, parallelism, root.config().flinkRestUrl(), 0)
                  .withScratch(home);
          TrainingBenchmark.Result r = TrainingBenchmark.run(rows, features, rounds, run, e);
          trainMillis.computeIfAbsent(engine, k -> new ArrayList<>()).add(r.trainMillis());
          if (!output.json()) {
            out.printf(
                Locale.ROOT,
                "run %d %-5s (parallelism %d): %,d rows x %d features, %d "
                    + "rounds: data %.1f s, train %.1f s (train log loss %.4f)%n",
                run,
                engine,
                e.parallelism(),
                rows,
                features,
                rounds,
                r.buildMillis() / 1000.0,
                r.trainMillis() / 1000.0,
                r.trainLogLoss());
            out.flush();
          }
        }
        double[] curve = new double[metricPoints];
        for (int i = 0; i < curve.length; i++) {
          curve[i] = 1.0 / (i + 1);
        }
        TrackedRun tracked = registry.startRun("bench-tracking", "run-" + run, Map.of());
        long began = System.nanoTime();
        tracked.logMetricSeries("loss", curve);
        long logged = (System.nanoTime() - began) / 1_000_000;
        tracked.finish();
        logMillis.add(logged);
        if (!output.json()) {
          out.printf(
              Locale.ROOT,
              "run %d: %,d metric points logged in %.2f s%n",
              run,
              metricPoints,
              logged / 1000.0);
          out.flush();
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("rows", rows);
    body.put("features", features);
    body.put("rounds", rounds);
    Map<String, Object> perEngine = new LinkedHashMap<>();
    trainMillis.forEach(
        (engine, millis) ->
            perEngine.put(
                engine,
                Map.of(
                    "trainSeconds",
                    millis.stream().map(m -> m / 1000.0).toList(),
                    "medianTrainSeconds",
                    median(millis) / 1000.0)));
    body.put("engines", perEngine);
    body.put("metricPoints", metricPoints);
    body.put("metricLogSeconds", logMillis.stream().map(m -> m / 1000.0).toList());
    body.put("medianMetricLogSeconds", median(logMillis) / 1000.0);
    if (output.json()) {
      out.println(TrainCommand.JSON.writeValueAsString(body));
    } else {
      trainMillis.forEach(
          (engine, millis) ->
              out.printf(
                  Locale.ROOT, "median train %-5s %.1f s%n", engine, median(millis) / 1000.0));
      if (trainMillis.containsKey("local") && trainMillis.containsKey("flink")) {
        out.printf(
            Locale.ROOT,
            "flink / local: %.2fx%n",
            median(trainMillis.get("flink")) / median(trainMillis.get("local")));
      }
      out.printf(
          Locale.ROOT,
          "median: %,d metric points in %.2f s%n",
          metricPoints,
          median(logMillis) / 1000.0);
    }
    return 0;
  }

  private static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
