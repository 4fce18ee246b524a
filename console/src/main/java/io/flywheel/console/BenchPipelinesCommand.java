package io.flywheel.console;

import io.flywheel.workflows.Orchestration;
import io.flywheel.workflows.PipelineSpec;
import io.flywheel.workflows.Pipelines;
import io.flywheel.workflows.RunState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel bench-pipelines}: orchestration overhead. Runs of a chain of no-op tasks (so all
 * time is scheduling: workflow tasks, activity dispatch, state keeping), first one at a time
 * (overhead per task), then many at once (every run must succeed).
 */
@Command(
    name = "bench-pipelines",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark orchestration: overhead per task of a no-op chain, and many "
            + "concurrent runs.")
final class BenchPipelinesCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--tasks",
      defaultValue = "10",
      description = "Tasks per run (default: ${DEFAULT-VALUE}).")
  private int tasks;

  @Option(
      names = "--sequential-runs",
      defaultValue = "10",
      description = "Runs timed one at a time (default: ${DEFAULT-VALUE}).")
  private int sequential;

  @Option(
      names = "--concurrent-runs",
      defaultValue = "100",
      description = "Runs started at once (default: ${DEFAULT-VALUE}).")
  private int concurrent;

  @Override
  public Integer call() throws Exception {
    PipelineSpec.Builder b = PipelineSpec.builder("bench-chain");
    for (int i = 0; i < tasks; i++) {
      if (i == 0) {
        b.task("t0", "noop", Map.of());
      } else {
        b.task("t" + i, "noop", Map.of(), "t" + (i - 1));
      }
    }
    PipelineSpec chain = b.build();
    PrintWriter out = spec.commandLine().getOut();
    LocalDate day = LocalDate.of(2026, 1, 1);
    try (Orchestration orchestration =
        Orchestration.open(root.home().resolve("bench-pipelines"), root.config())) {
      Pipelines pipelines = orchestration.pipelines();
      pipelines.await(pipelines.submit(chain, Map.of(), day), Duration.ofMinutes(2)); // warm-up
      double[] perTask = new double[sequential];
      for (int r = 0; r < sequential; r++) {
        long began = System.nanoTime();
        RunState s = pipelines.await(pipelines.submit(chain, Map.of(), day), Duration.ofMinutes(2));
        perTask[r] = (System.nanoTime() - began) / 1e6 / tasks;
        if (!"SUCCEEDED".equals(s.status())) {
          throw new IllegalStateException("run " + s.runId() + " ended " + s.status());
        }
      }
      Arrays.sort(perTask);
      out.printf(
          Locale.ROOT,
          "one run at a time, %d no-op tasks in a chain: median %.1f ms per "
              + "task (min %.1f, max %.1f) over %d runs%n",
          tasks,
          perTask[sequential / 2],
          perTask[0],
          perTask[sequential - 1],
          sequential);
      out.flush();
      long began = System.nanoTime();
      List<String> ids = new ArrayList<>();
      for (int r = 0; r < concurrent; r++) {
        ids.add(pipelines.submit(chain, Map.of(), day));
      }
      int ok = 0;
      for (String id : ids) {
        if ("SUCCEEDED".equals(pipelines.await(id, Duration.ofMinutes(10)).status())) {
          ok++;
        }
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      out.printf(
          Locale.ROOT,
          "%d concurrent runs of %d tasks: %d succeeded, %d failed, %.1f s " + "(%.0f tasks/s)%n",
          concurrent,
          tasks,
          ok,
          concurrent - ok,
          seconds,
          concurrent * tasks / seconds);
      return ok == concurrent ? 0 : 1;
    }
  }
}
