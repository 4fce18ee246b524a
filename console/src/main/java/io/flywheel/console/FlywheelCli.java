package io.flywheel.console;

import io.flywheel.core.FlywheelConfig;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.registry.ModelRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code flywheel} command: one entry point for every Flywheel capability. */
@Command(
    name = "flywheel",
    mixinStandardHelpOptions = true,
    versionProvider = FlywheelCli.Version.class,
    description = "Flywheel: an open ML platform for e-commerce content marketing.",
    subcommands = {
      DemoCommand.class,
      SimulateCommand.class,
      ValidateCommand.class,
      FeaturesCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      ModelsCommand.class,
      BenchTrainCommand.class,
      BenchContentCommand.class,
      BenchDeliveryCommand.class,
      BenchQualityCommand.class,
      DeployCommand.class,
      RolloutCommand.class,
      ServeModelsCommand.class,
      UpCommand.class,
      DownCommand.class,
      StatusCommand.class,
      InferCommand.class,
      BenchInferCommand.class,
      PipelinesCommand.class,
      WorkerCommand.class,
      BenchPipelinesCommand.class,
      ContentCommand.class,
      DeliveryCommand.class,
      ExperimentsCommand.class,
      WebConsoleCommand.class,
      BenchConsoleCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FlywheelCli implements Runnable {

  @Option(
      names = "--home",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Where all local state lives (default: $FLYWHEEL_HOME, else ./.flywheel).")
  private Path home;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** The data folder: --home, else $FLYWHEEL_HOME, else ./.flywheel. */
  Path home() {
    if (home != null) {
      return home;
    }
    String fromEnv = System.getenv("FLYWHEEL_HOME");
    return Path.of(fromEnv == null || fromEnv.isBlank() ? ".flywheel" : fromEnv);
  }

  private FlywheelConfig config;

  /**
   * Where the engines run: the environment over {@code HOME/flywheel.yaml}, read once and checked
   * (a bad value stops the command naming the variable or key).
   */
  FlywheelConfig config() {
    if (config == null) {
      config = FlywheelConfig.load(home(), System.getenv());
    }
    return config;
  }

  /** The configured MLflow server, or the embedded one under {@code dataHome}. */
  ModelRegistry registry(Path dataHome) {
    String ui = config().mlflowUiDir();
    return ModelRegistry.open(
        dataHome,
        config().mlflowTrackingUri(),
        config().mlflowTrackingToken(),
        ui == null ? null : Path.of(ui));
  }

  /** The feature store under {@code dataHome}, online on the configured Redis if any. */
  FeatureStore featureStore(Path dataHome) throws IOException {
    return FeatureStore.open(dataHome, config().redisUrl());
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
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          LoggerFactory.getLogger(FlywheelCli.class).info("command failed", e);
          commandLine.getErr().println("error: " + (e.getMessage() == null ? e : e.getMessage()));
          return 1;
        });
    cli.setExecutionStrategy(
        parseResult -> {
          CommandLine.ParseResult command = parseResult;
          while (command.hasSubcommand()) {
            command = command.subcommand();
          }
          if (command != parseResult) {
            // Whoever finds a store lock this process holds is told which command it is.
            System.setProperty(
                io.flywheel.featurestore.StoreLock.COMMAND_PROPERTY,
                "flywheel "
                    + command.commandSpec().qualifiedName(" ").replaceFirst("^flywheel ", ""));
            ServiceLogs.to(
                ((FlywheelCli) parseResult.commandSpec().userObject()).home(),
                command.commandSpec().qualifiedName("-").replaceFirst("^flywheel-", ""));
          }
          return new CommandLine.RunLast().execute(parseResult);
        });
    return cli.execute(args);
  }

  public static void main(String[] args) {
    int code =
        execute(
            new PrintWriter(
                new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8),
                true),
            new PrintWriter(
                new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8),
                true),
            args);
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
