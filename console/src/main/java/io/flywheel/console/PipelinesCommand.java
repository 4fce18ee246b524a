package io.flywheel.console;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.workflows.Orchestration;
import io.flywheel.workflows.PipelineApi;
import io.flywheel.workflows.PipelineException;
import io.flywheel.workflows.PipelineFiles;
import io.flywheel.workflows.PipelineSpec;
import io.flywheel.workflows.Pipelines;
import io.flywheel.workflows.RunState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

/**
 * {@code flywheel pipelines list|run|status|backfill|serve|triggers|approve|pause|resume|cancel}:
 * DAG pipelines on Temporal.
 */
@Command(
    name = "pipelines",
    mixinStandardHelpOptions = true,
    description =
        "Airflow-style DAG pipelines run by Temporal: list them, run one, follow a "
            + "run, backfill dates, serve them (with their schedules and triggers), approve a "
            + "waiting task, pause, resume or cancel a run.",
    subcommands = {
      PipelinesCommand.ListPipelines.class,
      PipelinesCommand.Run.class,
      PipelinesCommand.Status.class,
      PipelinesCommand.Backfill.class,
      PipelinesCommand.Serve.class,
      PipelinesCommand.Triggers.class
    })
final class PipelinesCommand implements Runnable {
  @ParentCommand FlywheelCli root;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static void print(RunState state, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%s (%s, %s): %s%n",
        state.runId(),
        state.pipeline(),
        state.logicalDate(),
        state.status());
    if (state.message() != null) {
      out.println("  " + state.message());
    }
    state
        .tasks()
        .forEach(
            (id, t) ->
                out.printf(
                    Locale.ROOT,
                    "  %-16s %-15s attempts %d%s%s%n",
                    id,
                    t.state(),
                    t.attempts(),
                    t.endedAt() > 0 && t.startedAt() > 0
                        ? String.format(
                            Locale.ROOT, "  %.2f s", (t.endedAt() - t.startedAt()) / 1000.0)
                        : "",
                    t.error() == null ? "" : "  " + t.error()));
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Pipelines (built-in and HOME/pipelines/*.yaml) and recent runs.")
  static final class ListPipelines implements Callable<Integer> {
    @ParentCommand private PipelinesCommand parent;

    @Mixin private OutputOptions output;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = parent.spec.commandLine().getOut();
      PipelineFiles.Catalog catalog = Orchestration.pipelineCatalog(parent.root.home());
      Map<String, PipelineSpec> specs = catalog.pipelines();
      // One broken file is flagged (and fails the command) without hiding the others.
      catalog
          .broken()
          .forEach(
              (file, why) -> parent.spec.commandLine().getErr().println("error: broken " + why));
      int code = catalog.broken().isEmpty() ? 0 : 1;
      if (output.json()) {
        out.println(TrainCommand.JSON.writeValueAsString(specs.values()));
        return code;
      }
      for (PipelineSpec s : specs.values()) {
        String starts =
            (s.schedule() == null ? "manual" : s.schedule())
                + (s.triggers().isEmpty()
                    ? ""
                    : " + " + String.join(", ", s.triggers().stream().map(t -> t.type()).toList()));
        out.printf(
            Locale.ROOT,
            "%-22s %2d tasks  %-18s %s%n",
            s.name(),
            s.tasks().size(),
            starts,
            s.description());
      }
      return code;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Validate and start a run (locally: run it to the end in this process).")
  static final class Run implements Callable<Integer> {
    @ParentCommand private PipelinesCommand parent;

    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    private String name;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A run parameter.")
    private Map<String, String> params = new LinkedHashMap<>();

    @Option(
        names = "--date",
        paramLabel = "YYYY-MM-DD",
        converter = OptionTypes.Day.class,
        description = "Logical date ({{ ds }}; default: today).")
    private LocalDate date;

    @Option(names = "--wait", description = "Wait for the end (always, in local mode).")
    private boolean waitForEnd;

    @Mixin private OutputOptions output;

    @Override
    public Integer call() throws Exception {
      CommandLine cli = spec.commandLine();
      PipelineSpec pipeline = pipeline(parent.root.home(), name, cli);
      LocalDate day = date == null ? LocalDate.now(java.time.ZoneOffset.UTC) : date;
      PrintWriter out = cli.getOut();
      try (Orchestration orchestration =
          Orchestration.open(parent.root.home(), parent.root.config())) {
        Pipelines pipelines = orchestration.pipelines();
        String runId;
        try {
          runId = pipelines.submit(pipeline, params, day);
        } catch (PipelineException e) {
          throw new ParameterException(cli, e.getMessage());
        }
        if (!output.json()) {
          out.println("started " + runId + " on " + orchestration.where());
          out.flush();
        }
        if (!orchestration.local() && !waitForEnd) {
          if (output.json()) {
            out.println(TrainCommand.JSON.writeValueAsString(Map.of("runId", runId)));
          }
          return 0;
        }
        RunState state = pipelines.await(runId, Duration.ofHours(24));
        if (output.json()) {
          out.println(TrainCommand.JSON.writeValueAsString(state));
        } else {
          print(state, out);
        }
        return "SUCCEEDED".equals(state.status()) ? 0 : 1;
      }
    }
  }

  @Command(
      name = "backfill",
      mixinStandardHelpOptions = true,
      description =
          "Run a pipeline for every date of a range as child runs, a few at a time "
              + "(locally: to the end, in this process).")
  static final class Backfill implements Callable<Integer> {
    @ParentCommand private PipelinesCommand parent;

    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    private String name;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "YYYY-MM-DD",
        converter = OptionTypes.Day.class)
    private LocalDate from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "YYYY-MM-DD",
        converter = OptionTypes.Day.class)
    private LocalDate to;

    @Option(
        names = "--parallelism",
        defaultValue = "2",
        description = "Dates run at once (default: ${DEFAULT-VALUE}).")
    private int parallelism;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A run parameter.")
    private Map<String, String> params = new LinkedHashMap<>();

    @Mixin private OutputOptions output;

    @Override
    public Integer call() throws Exception {
      CommandLine cli = spec.commandLine();
      PipelineSpec pipeline = pipeline(parent.root.home(), name, cli);
      LocalDate first = from;
      LocalDate last = to;
      PrintWriter out = cli.getOut();
      try (Orchestration orchestration =
          Orchestration.open(parent.root.home(), parent.root.config())) {
        String id;
        try {
          id = orchestration.pipelines().backfill(pipeline, params, first, last, parallelism);
        } catch (PipelineException e) {
          throw new ParameterException(cli, e.getMessage());
        }
        if (!orchestration.local()) {
          out.println(
              output.json()
                  ? TrainCommand.JSON.writeValueAsString(Map.of("backfillId", id))
                  : "started backfill " + id);
          return 0;
        }
        Map<String, String> result =
            orchestration.pipelines().awaitBackfill(id, Duration.ofHours(24));
        if (output.json()) {
          out.println(
              TrainCommand.JSON.writeValueAsString(Map.of("backfillId", id, "dates", result)));
        } else {
          out.println("backfill " + id + ":");
          result.forEach(
              (date, status) ->
                  out.printf(Locale.ROOT, "  %s  %s  (run %s-%s)%n", date, status, id, date));
        }
        return result.values().stream().allMatch("SUCCEEDED"::equals) ? 0 : 1;
      }
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Serve the pipelines over HTTP (POST needs $FLYWHEEL_API_TOKEN as a bearer "
              + "token); locally the embedded Temporal service and a worker live as long as it does.")
  static final class Serve implements Callable<Integer> {
    @ParentCommand private PipelinesCommand parent;

    @Spec private CommandSpec spec;

    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(
        names = "--port",
        defaultValue = "8090",
        description = "Port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--no-triggers", description = "Do not arm schedules and triggers.")
    private boolean noTriggers;

    @Override
    public Integer call() throws Exception {
      try (Orchestration orchestration =
              Orchestration.open(parent.root.home(), parent.root.config());
          PipelineApi api =
              PipelineApi.start(
                  orchestration, parent.root.home(), parent.root.config().apiToken(), host, port)) {
        PrintWriter out = spec.commandLine().getOut();
        if (!noTriggers) {
          for (PipelineSpec p : Orchestration.pipelineSpecs(parent.root.home()).values()) {
            for (String armed : orchestration.pipelines().arm(p)) {
              out.println("armed " + armed);
            }
          }
        }
        out.printf(
            "pipelines API on http://%s:%d (runs on %s); " + "Ctrl-C stops%n",
            host, api.port(), orchestration.where());
        spec.commandLine().getOut().flush();
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "A run's state (from the service, or the last state Flywheel recorded).")
  static final class Status implements Callable<Integer> {
    @ParentCommand private PipelinesCommand parent;

    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "RUN")
    private String runId;

    @Mixin private OutputOptions output;

    @Override
    public Integer call() throws Exception {
      try (Orchestration orchestration =
          Orchestration.open(parent.root.home(), parent.root.config())) {
        Optional<RunState> state;
        try {
          state = orchestration.pipelines().status(runId);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "RUN: " + e.getMessage());
        }
        if (state.isEmpty()) {
          throw new ParameterException(spec.commandLine(), "RUN: no run '" + runId + "' is known");
        }
        PrintWriter out = parent.spec.commandLine().getOut();
        if (output.json()) {
          out.println(TrainCommand.JSON.writeValueAsString(state.get()));
        } else {
          print(state.get(), out);
        }
      }
      return 0;
    }
  }

  @Command(
      name = "triggers",
      mixinStandardHelpOptions = true,
      description = "What each armed trigger has seen and started (HOME/workflows/triggers).")
  static final class Triggers implements Callable<Integer> {
    @ParentCommand private PipelinesCommand parent;

    @Mixin private OutputOptions output;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = parent.spec.commandLine().getOut();
      List<io.flywheel.workflows.TriggerHistory> all =
          Pipelines.triggerHistories(parent.root.home());
      if (output.json()) {
        out.println(TrainCommand.JSON.writeValueAsString(all));
        return 0;
      }
      if (all.isEmpty()) {
        out.println(
            "no trigger has checked yet (schedules and triggers are armed by "
                + "`flywheel pipelines serve`)");
      }
      for (var h : all) {
        out.printf(
            Locale.ROOT,
            "%s / %s (%s): %d seen, %d runs started, last check %s%s%n",
            h.pipeline(),
            h.trigger(),
            h.type(),
            h.seen().size(),
            h.fired().size(),
            h.lastCheckAt() == 0 ? "never" : java.time.Instant.ofEpochMilli(h.lastCheckAt()),
            h.lastError() == null ? "" : ", last error: " + h.lastError());
        h.fired()
            .forEach(
                f ->
                    out.printf(
                        Locale.ROOT, "  %s  %s  %s%n", f.logicalDate(), f.runId(), f.reason()));
      }
      return 0;
    }
  }

  /** The named pipeline; an unknown name is a usage error. */
  static PipelineSpec pipeline(java.nio.file.Path home, String name, CommandLine cli)
      throws java.io.IOException {
    PipelineSpec pipeline = Orchestration.pipelineSpecs(home).get(name);
    if (pipeline == null) {
      throw new ParameterException(
          cli, "NAME: no pipeline named '" + name + "' (see " + "`flywheel pipelines list`)");
    }
    return pipeline;
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Approve a waiting approval task of a run (TEMPORAL_ADDRESS).")
  int approve(
      @Parameters(index = "0", paramLabel = "RUN") String runId,
      @Parameters(index = "1", paramLabel = "TASK") String task)
      throws java.io.IOException {
    return signal(this, p -> p.approve(runId, task), "approved " + task + " of " + runId);
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Pause a run: running tasks finish, no new task starts (TEMPORAL_ADDRESS).")
  int pause(@Parameters(paramLabel = "RUN") String runId) throws java.io.IOException {
    return signal(this, p -> p.pause(runId), "paused " + runId);
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Resume a paused run (TEMPORAL_ADDRESS).")
  int resume(@Parameters(paramLabel = "RUN") String runId) throws java.io.IOException {
    return signal(this, p -> p.resume(runId), "resumed " + runId);
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel a run (TEMPORAL_ADDRESS).")
  int cancel(@Parameters(paramLabel = "RUN") String runId) throws java.io.IOException {
    return signal(this, p -> p.cancel(runId), "cancelling " + runId);
  }

  /** Signals a run of the cluster (approve, pause, resume, cancel) and says what it did. */
  private static int signal(
      PipelinesCommand parent, java.util.function.Consumer<Pipelines> send, String done)
      throws java.io.IOException {
    requireRemote(parent.spec.commandLine(), parent.root.config());
    try (Orchestration orchestration =
        Orchestration.open(parent.root.home(), parent.root.config())) {
      send.accept(orchestration.pipelines());
      parent.spec.commandLine().getOut().println(done);
    }
    return 0;
  }

  static void requireRemote(CommandLine cli, FlywheelConfig config) {
    if (config.temporalAddress() == null) {
      throw new ParameterException(
          cli,
          "local runs live only while `flywheel pipelines run` "
              + "waits for them or `flywheel pipelines serve` runs (use its HTTP API); set "
              + "TEMPORAL_ADDRESS to approve, pause, resume or cancel runs of a cluster");
    }
  }
}
