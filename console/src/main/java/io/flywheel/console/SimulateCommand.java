package io.flywheel.console;

import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationSummary;
import io.flywheel.core.WorldConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel simulate}: writes a simulated shop, with its ground truth, as JSON lines. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    subcommands = SimulateAppealCommand.class,
    description =
        "Simulate a marketplace from latent truth and write products, users, content, "
            + "campaigns, events and truth as JSON lines (the same seed gives the same bytes).")
final class SimulateCommand implements Callable<Integer> {

  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Shoppers in the world (default: ${DEFAULT-VALUE}).")
  private int users;

  @Option(
      names = "--products",
      paramLabel = "M",
      defaultValue = "200",
      description = "Products in the catalogue (default: ${DEFAULT-VALUE}).")
  private int products;

  @Option(
      names = "--days",
      paramLabel = "D",
      defaultValue = "7",
      description = "Days of behaviour to simulate (default: ${DEFAULT-VALUE}).")
  private int days;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: HOME/world).")
  private Path out;

  @Option(
      names = "--dirty",
      paramLabel = "RATE",
      defaultValue = "0",
      description =
          "Per event, the chance of each kind of dirt: a malformed line, a duplicate "
              + "delivery, a late delivery; 0 to 0.25 (default: ${DEFAULT-VALUE}).")
  private double dirty;

  @Option(
      names = "--world",
      paramLabel = "FILE",
      description = "YAML file overriding world settings (see core/README.md).")
  private Path worldFile;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws IOException {
    requireAtLeast(users, 1, "--users");
    requireAtLeast(products, 1, "--products");
    requireAtLeast(days, 1, "--days");
    if (!(dirty >= 0 && dirty <= 0.25)) {
      throw new ParameterException(
          spec.commandLine(), "--dirty must be between 0 and 0.25, got " + dirty);
    }
    Path outDir = out != null ? out : root.home().resolve("world");
    Writable.requireDirectory(spec.commandLine(), outDir, "--out");
    WorldConfig world = loadWorld();
    SimulationConfig config = new SimulationConfig(users, products, days, seed, dirty, world);
    SimulationSummary summary;
    try (SimulationProgressBar progress =
        SimulationProgressBar.open(output.showProgress(), spec.commandLine().getErr())) {
      summary = MarketplaceSimulator.run(config, outDir, progress);
    }
    if (output.json()) {
      spec.commandLine().getOut().println(SummaryReport.json(summary));
    } else {
      SummaryReport.print(summary, outDir, spec.commandLine().getOut());
    }
    return 0;
  }

  Path home() {
    return root.home();
  }

  private WorldConfig loadWorld() throws IOException {
    if (worldFile == null) {
      return WorldConfig.defaults();
    }
    InputFiles.require(spec.commandLine(), "--world", worldFile);
    try {
      return WorldConfig.fromYaml(worldFile);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--world " + e.getMessage());
    }
  }

  private void requireAtLeast(long value, long min, String option) {
    if (value < min) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at least " + min + ", got " + value);
    }
  }
}
