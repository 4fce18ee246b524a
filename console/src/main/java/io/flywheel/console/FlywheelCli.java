package io.flywheel.console;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code flywheel} command: one entry point for every Flywheel capability. */
@Command(name = "flywheel",
    mixinStandardHelpOptions = true,
    versionProvider = FlywheelCli.Version.class,
    description = "Flywheel: an open ML platform for e-commerce content marketing.",
    subcommands = {DemoCommand.class, SimulateCommand.class, ValidateCommand.class,
        FeaturesCommand.class, TrainCommand.class, EvaluateCommand.class, ModelsCommand.class,
        BenchTrainCommand.class, BenchQualityCommand.class, DeployCommand.class,
        RolloutCommand.class,
        ServeModelsCommand.class, InferCommand.class, BenchInferCommand.class,
        PipelinesCommand.class, WorkerCommand.class, BenchPipelinesCommand.class,
        CommandLine.HelpCommand.class})
public final class FlywheelCli implements Runnable {

  @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "Where all local state lives (default: $FLYWHEEL_HOME, else ./.flywheel).")
  private Path home;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** The data folder: --home, else $FLYWHEEL_HOME, else ./.flywheel. */
  Path home() {
    if (home != null) {
      return home;
    }
    String fromEnv = System.getenv("FLYWHEEL_HOME");
    return Path.of(fromEnv == null || fromEnv.isBlank() ? ".flywheel" : fromEnv);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the CLI with the given streams and returns the exit code (0 ok, 1 failure, 2 usage). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new FlywheelCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + (e.getMessage() == null ? e : e.getMessage()));
      return 1;
    });
    return cli.execute(args);
  }

  public static void main(String[] args) {
    int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    System.exit(code);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = FlywheelCli.class.getPackage().getImplementationVersion();
      return new String[] {"flywheel " + (version == null ? "(development build)" : version)};
    }
  }
}
