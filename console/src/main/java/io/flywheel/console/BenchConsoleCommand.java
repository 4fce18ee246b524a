package io.flywheel.console;

import io.flywheel.webconsole.ConsoleBenchmark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel bench-console}: the web console's page times in a busy home (by default 10,000
 * tracked runs and 1,000 pipeline runs, seeded once under HOME/bench-console).
 */
@Command(
    name = "bench-console",
    mixinStandardHelpOptions = true,
    description =
        "Time every page of the web console in a home with many runs (seeded through the MLflow"
            + " REST API) and pipeline runs: p50, p95 and max per page; target p95 <= 300 ms.")
final class BenchConsoleCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--runs",
      defaultValue = "10000",
      description = "Tracked runs (default: ${DEFAULT-VALUE}).")
  private int runs;

  @Option(
      names = "--pipeline-runs",
      defaultValue = "1000",
      description = "Pipeline runs in the run index (default: ${DEFAULT-VALUE}).")
  private int pipelineRuns;

  @Option(
      names = "--requests",
      defaultValue = "40",
      description = "Timed requests per page, after the warm-up (default: ${DEFAULT-VALUE}).")
  private int requests;

  @Option(
      names = "--warm-up",
      defaultValue = "5",
      description = "Untimed requests per page first (default: ${DEFAULT-VALUE}).")
  private int warmUp;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    ConsoleBenchmark.Options options;
    try {
      options = new ConsoleBenchmark.Options(runs, pipelineRuns, requests, warmUp);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path home = root.home().resolve("bench-console");
    PrintWriter out = spec.commandLine().getOut();
    ConsoleBenchmark.Result result;
    try (ProgressBar bar =
        output.showProgress()
            ? ProgressBars.create("seed runs", " runs", 1, runs, spec.commandLine().getErr())
            : null) {
      result =
          ConsoleBenchmark.run(
              home,
              options,
              n -> {
                if (bar != null) {
                  bar.stepTo(n);
                }
              });
    }
    if (output.json()) {
      out.println(TrainCommand.JSON.writeValueAsString(result));
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "web console over %,d tracked runs and %,d pipeline runs (seeded in %.0f s); %d requests"
            + " per page after %d warm-up%n",
        result.runs(),
        result.pipelineRuns(),
        result.seedSeconds(),
        requests,
        warmUp);
    out.printf(
        Locale.ROOT, "  %-26s %9s %9s %9s %9s%n", "page", "p50 ms", "p95 ms", "max ms", "KiB");
    for (ConsoleBenchmark.PageTime p : result.pages()) {
      out.printf(
          Locale.ROOT,
          "  %-26s %9.1f %9.1f %9.1f %9.0f%n",
          p.page(),
          p.p50Millis(),
          p.p95Millis(),
          p.maxMillis(),
          p.bytes() / 1024.0);
    }
    out.printf(
        Locale.ROOT,
        "worst p95 %.1f ms: target p95 <= %.0f ms %s%n",
        result.worstP95Millis(),
        ConsoleBenchmark.TARGET_P95_MILLIS,
        result.targetMet() ? "met" : "NOT met");
    return 0;
  }
}
