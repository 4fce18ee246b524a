package io.flywheel.core;

import io.flywheel.core.internal.simulator.Simulation;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Simulates a shop from latent truth and writes it as JSON lines: {@code products.jsonl}, {@code
 * users.jsonl}, {@code content.jsonl}, {@code campaigns.jsonl}, {@code events.jsonl}, {@code
 * truth.jsonl}, and a {@code summary.json} report ({@code live.json} too for a live run). The same
 * seed gives byte-identical data files; memory stays flat however many events are written.
 */
public final class MarketplaceSimulator {
  public static final String PRODUCTS_FILE = "products.jsonl";
  public static final String USERS_FILE = "users.jsonl";
  public static final String CONTENT_FILE = "content.jsonl";
  public static final String CAMPAIGNS_FILE = "campaigns.jsonl";
  public static final String EVENTS_FILE = "events.jsonl";
  public static final String TRUTH_FILE = "truth.jsonl";
  public static final String SUMMARY_FILE = "summary.json";
  public static final String LIVE_FILE = "live.json";

  private MarketplaceSimulator() {}

  public static SimulationSummary run(
      SimulationConfig config, Path outDir, SimulationProgress progress) throws IOException {
    return Simulation.run(config, outDir, progress);
  }

  /**
   * Runs the world with live shoppers: each page request is answered by {@code options}' policy
   * instead of the world's popularity baseline, and what the shopper does is drawn from the truth
   * of what it showed. Sessions, searches, organic purchases and dirt are as in {@link #run}.
   * Writes what {@link #run} writes plus {@code live.json}, the {@link LiveSummary}: the policy's
   * expected clicks and purchases next to the oracle's and popularity's on the same requests. The
   * same seed and built-in policy give byte-identical files; {@code popularity} from day 0 writes
   * exactly what {@link #run} does. A policy that fails a request is counted and the run goes on; a
   * policy given in {@code options} is not closed.
   */
  public static LiveSummary runLive(
      SimulationConfig config, LiveOptions options, Path outDir, SimulationProgress progress)
      throws IOException {
    return Simulation.runLive(config, options, outDir, progress);
  }
}
