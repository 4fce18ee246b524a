package io.flywheel.core;

import io.flywheel.core.internal.simulator.Simulation;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Simulates a shop from latent truth and writes it as JSON lines: {@code products.jsonl}, {@code
 * users.jsonl}, {@code content.jsonl}, {@code campaigns.jsonl}, {@code events.jsonl}, {@code
 * truth.jsonl}, and a {@code summary.json} report. The same seed gives byte-identical data files;
 * memory stays flat however many events are written.
 */
public final class MarketplaceSimulator {
  public static final String PRODUCTS_FILE = "products.jsonl";
  public static final String USERS_FILE = "users.jsonl";
  public static final String CONTENT_FILE = "content.jsonl";
  public static final String CAMPAIGNS_FILE = "campaigns.jsonl";
  public static final String EVENTS_FILE = "events.jsonl";
  public static final String TRUTH_FILE = "truth.jsonl";
  public static final String SUMMARY_FILE = "summary.json";

  private MarketplaceSimulator() {}

  public static SimulationSummary run(
      SimulationConfig config, Path outDir, SimulationProgress progress) throws IOException {
    return Simulation.run(config, outDir, progress);
  }
}
