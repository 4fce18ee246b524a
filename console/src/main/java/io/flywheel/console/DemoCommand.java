package io.flywheel.console;

import io.flywheel.core.Codecs;
import io.flywheel.core.DeadLetterFile;
import io.flywheel.core.Event;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationSummary;
import io.flywheel.core.WorldConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flywheel demo}: the whole product as far as it exists, on embedded defaults. Today:
 * simulate a small shop with some dirt in its stream, then read the stream back the way the
 * platform's jobs will, dead-lettering what is broken and counting duplicates.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run Flywheel end to end on a small simulated shop (nothing to install).")
final class DemoCommand implements Callable<Integer> {

  @ParentCommand
  private FlywheelCli root;

  @Spec
  private CommandSpec spec;

  @Option(names = "--users", defaultValue = "2000", description = "Shoppers (default: ${DEFAULT-VALUE}).")
  private int users;

  @Option(names = "--products", defaultValue = "300", description = "Products (default: ${DEFAULT-VALUE}).")
  private int products;

  @Option(names = "--days", defaultValue = "14", description = "Days (default: ${DEFAULT-VALUE}).")
  private int days;

  @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Mixin
  private OutputOptions output;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path demoHome = root.home().resolve("demo");
    Path worldDir = demoHome.resolve("world");
    Writable.requireDirectory(spec.commandLine(), worldDir, "--home");

    out.println("== 1. Simulate a shop (latent truth -> behaviour stream, with dirt mixed in)");
    out.flush();
    SimulationConfig config = new SimulationConfig(users, products, days, seed, 0.01,
        WorldConfig.defaults());
    SimulationSummary summary;
    try (SimulationProgressBar progress = SimulationProgressBar.open(output.showProgress(),
        spec.commandLine().getErr())) {
      summary = MarketplaceSimulator.run(config, worldDir, progress);
    }
    SummaryReport.print(summary, worldDir, out);

    out.println();
    out.println("== 2. Read the stream back as the platform's jobs will");
    Path deadLetters = demoHome.resolve("dead-letter").resolve("events.jsonl");
    Set<String> seen = new HashSet<>();
    long[] duplicates = {0};
    long accepted;
    long rejected;
    try (DeadLetterFile dead = new DeadLetterFile(deadLetters);
        JsonLinesReader<Event> reader = JsonLinesReader.open(
            worldDir.resolve(MarketplaceSimulator.EVENTS_FILE), Codecs.EVENTS, dead)) {
      reader.forEachRemaining(event -> {
        if (!seen.add(event.eventId())) {
          duplicates[0]++;
        }
      });
      accepted = reader.accepted();
      rejected = reader.rejected();
    }
    out.printf(Locale.ROOT, "  %,d events accepted, %,d duplicates recognised by eventId, "
        + "%,d malformed lines dead-lettered to %s%n", accepted, duplicates[0], rejected,
        deadLetters);
    out.println();
    out.println("Files: " + worldDir.toAbsolutePath().normalize());
    out.println("Next steps of the loop (features, training, deployment, content, experiments)"
        + " join this demo as they land.");
    return 0;
  }
}
