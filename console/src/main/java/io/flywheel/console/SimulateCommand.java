package io.flywheel.console;

import io.flywheel.core.LiveOptions;
import io.flywheel.core.LivePolicy;
import io.flywheel.core.LiveSummary;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationSummary;
import io.flywheel.core.WorldConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

  @Option(
      names = "--live",
      description =
          "Live shoppers: each page request is answered by --policy instead of the world's "
              + "popularity baseline; reports what the policy was worth next to the oracle and "
              + "popularity on the same requests (also written to live.json).")
  private boolean live;

  @Option(
      names = "--policy",
      paramLabel = "URL|NAME",
      defaultValue = "popularity",
      description =
          "With --live, what answers the shoppers: popularity, random, oracle, or the base URL "
              + "of a recommendations API (GET URL/v1/recommendations; $FLYWHEEL_API_TOKEN is "
              + "sent as a bearer token when set) (default: ${DEFAULT-VALUE}).")
  private String policy;

  @Option(
      names = "--speed",
      paramLabel = "X",
      defaultValue = "0",
      description =
          "With --live, simulated seconds per wall-clock second; 0 runs as fast as it can "
              + "(default: ${DEFAULT-VALUE}).")
  private double speed;

  @Option(
      names = "--start-day",
      paramLabel = "D",
      defaultValue = "0",
      description =
          "With --live, the first day of the world to serve, from 0; earlier days are not "
              + "written (default: ${DEFAULT-VALUE}).")
  private int startDay;

  @Option(
      names = "--live-days",
      paramLabel = "N",
      description =
          "With --live, how many days to serve from --start-day (default: to the world's "
              + "last day).")
  private Integer liveDays;

  @Option(
      names = "--policy-timeout",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = OptionTypes.ShortDuration.class,
      description =
          "With --live and a policy URL, how long to wait for each answer; a request not "
              + "answered in time shows nothing and is counted as failed "
              + "(default: ${DEFAULT-VALUE}).")
  private Duration policyTimeout;

  @Option(
      names = "--report-events",
      description =
          "With --live and a policy URL, post what shoppers do (clicks, carts, purchases) to "
              + "URL/v1/events before each request, as a shop's pages would, so the API learns "
              + "as it serves (copy bandits, what a shopper already bought); needs "
              + "$FLYWHEEL_API_TOKEN.")
  private boolean reportEvents;

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
    URI policyUrl = live ? checkLiveOptions() : refuseLiveOptions();
    Path outDir = out != null ? out : root.home().resolve("world");
    Writable.requireDirectory(spec.commandLine(), outDir, "--out");
    WorldConfig world = loadWorld();
    SimulationConfig config = new SimulationConfig(users, products, days, seed, dirty, world);
    if (live) {
      return runLive(config, policyUrl, outDir);
    }
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

  /** Checks the live options; returns the policy's URL, or null for a built-in policy. */
  private URI checkLiveOptions() {
    if (!(speed >= 0 && Double.isFinite(speed))) {
      throw new ParameterException(
          spec.commandLine(), "--speed must be a number >= 0, got " + speed);
    }
    if (startDay < 0 || startDay >= days) {
      throw new ParameterException(
          spec.commandLine(),
          "--start-day must be a day of the world, 0 to " + (days - 1) + ", got " + startDay);
    }
    if (liveDays != null && (liveDays < 1 || startDay + liveDays > days)) {
      throw new ParameterException(
          spec.commandLine(),
          "--live-days must be between 1 and "
              + (days - startDay)
              + " (the days left from --start-day "
              + startDay
              + "), got "
              + liveDays);
    }
    if (policyTimeout.isZero() || policyTimeout.isNegative()) {
      throw new ParameterException(
          spec.commandLine(), "--policy-timeout must be positive, got " + policyTimeout);
    }
    String name = policy.strip();
    if (LiveOptions.BUILT_IN_POLICIES.contains(name)) {
      if (reportEvents) {
        throw new ParameterException(
            spec.commandLine(), "--report-events needs a policy URL to post to");
      }
      return null;
    }
    if (reportEvents && root.config().apiToken() == null) {
      throw new ParameterException(
          spec.commandLine(),
          "--report-events needs FLYWHEEL_API_TOKEN (the collector refuses posts without it)");
    }
    String expected =
        "--policy must be one of "
            + String.join(", ", LiveOptions.BUILT_IN_POLICIES)
            + " or an http(s) URL, got '"
            + policy
            + "'";
    URI url;
    try {
      url = new URI(name);
    } catch (URISyntaxException e) {
      throw new ParameterException(spec.commandLine(), expected);
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new ParameterException(spec.commandLine(), expected);
    }
    return url;
  }

  /** The live options mean nothing without --live: naming one is a mistake worth reporting. */
  private URI refuseLiveOptions() {
    for (String option :
        List.of(
            "--policy",
            "--speed",
            "--start-day",
            "--live-days",
            "--policy-timeout",
            "--report-events")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new ParameterException(spec.commandLine(), option + " needs --live");
      }
    }
    return null;
  }

  private int runLive(SimulationConfig config, URI policyUrl, Path outDir) throws IOException {
    LiveSummary summary;
    try (LivePolicy http =
            policyUrl == null
                ? null
                : reportEvents
                    ? LivePolicy.httpReportingEvents(
                        policyUrl, root.config().apiToken(), policyTimeout)
                    : LivePolicy.http(policyUrl, root.config().apiToken(), policyTimeout);
        SimulationProgressBar progress =
            SimulationProgressBar.open(output.showProgress(), spec.commandLine().getErr())) {
      LiveOptions options =
          new LiveOptions(
              http == null ? policy.strip() : null,
              http,
              startDay,
              speed,
              liveDays == null ? 0 : liveDays);
      summary = MarketplaceSimulator.runLive(config, options, outDir, progress);
    }
    if (output.json()) {
      spec.commandLine().getOut().println(SummaryReport.json(summary));
    } else {
      LiveReport.print(summary, outDir, spec.commandLine().getOut());
    }
    return 0;
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
