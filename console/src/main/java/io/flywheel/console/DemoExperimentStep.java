package io.flywheel.console;

import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.ExperimentAnalysis;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.experiments.ExperimentOutcomes;
import io.flywheel.experiments.ExperimentReport;
import io.flywheel.workflows.HomeDelivery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The demo's experiment: the campaign's generated copy against the shop's stock copy, running in
 * delivery while the live day of step 10 is served, then read from the logged exposures and the
 * shoppers' outcomes.
 */
final class DemoExperimentStep {
  static final String ID = "campaign-copy";

  private static final String DEFINITION =
      """
      id: campaign-copy
      name: The campaign's generated copy against the shop's stock copy
      arms:
        - {name: stock, weight: 1, treatment: {copy: stock}}
        - {name: campaign, weight: 1, treatment: {copy: campaign}}
      metrics: {primary: conversion, secondary: [ctr, revenue], guardrails: [orders]}
      plan: {mde: 0.10, alpha: 0.05, power: 0.8, baseline: 0.05}
      """;

  private DemoExperimentStep() {}

  /** Defines and starts the experiment (delivery picks it up within seconds). */
  static void start(Path demoHome, PrintWriter out) throws IOException {
    ExperimentCatalog catalog = new ExperimentCatalog(demoHome);
    if (catalog.find(ID).isEmpty()) {
      catalog.create(ConversionExperiment.parse(DEFINITION));
    }
    ExperimentCatalog.Entry e = catalog.start(ID, System.currentTimeMillis());
    out.printf(
        Locale.ROOT,
        "  experiment %s running: %s (%,d users per arm planned for a %.0f%% lift)%n",
        ID,
        e.experiment().name(),
        e.experiment().plan().usersPerArm(),
        100 * e.experiment().plan().mde());
  }

  /** Reads the day's exposures (delivery's log) and outcomes (the day's events), and stops it. */
  static void report(Path demoHome, Path dayDir, Path worldDir, PrintWriter out)
      throws IOException {
    ExperimentCatalog catalog = new ExperimentCatalog(demoHome);
    ExperimentCatalog.Entry e = catalog.stop(ID, System.currentTimeMillis());
    ExperimentOutcomes outcomes =
        ExperimentOutcomes.read(
            List.of(
                HomeDelivery.eventsFile(demoHome),
                dayDir.resolve("events.jsonl"),
                worldDir.resolve("events.jsonl")),
            ID);
    List<ExperimentReport> daily = ExperimentAnalysis.daily(e.experiment(), outcomes);
    out.printf(
        Locale.ROOT,
        "  %,d shoppers exposed; the experiment is stopped (`flywheel experiments results %s`"
            + " reads it again)%n",
        outcomes.exposedUsers(),
        ID);
    if (daily.isEmpty()) {
      out.println("  no exposures were logged");
      return;
    }
    ExperimentResultsTable.print(daily.get(daily.size() - 1), out);
  }
}
