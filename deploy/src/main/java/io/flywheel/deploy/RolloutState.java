package io.flywheel.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * What is deployed for one model, persisted under the home folder so a restart knows which version
 * is live and which is canary.
 *
 * @param live the version taking the traffic the canary does not (null before the first deploy)
 * @param canary the version on trial (null when none)
 * @param canaryPercent share of request keys routed to the canary
 */
public record RolloutState(
    String model,
    Integer live,
    Integer canary,
    int canaryPercent,
    Thresholds thresholds,
    List<Event> history) {

  /** When a canary is rolled back, and when it has earned promotion. */
  public record Thresholds(
      double maxErrorRate, double maxP99Millis, int minRequests, int promoteAfter) {
    public Thresholds {
      if (!(maxErrorRate >= 0 && maxErrorRate < 1)
          || !(maxP99Millis > 0)
          || minRequests < 1
          || promoteAfter < minRequests) {
        throw new IllegalArgumentException(
            "thresholds: error rate in [0, 1), p99 > 0, "
                + "minRequests >= 1 and promoteAfter >= minRequests");
      }
    }

    /** Roll back above 5% errors or 250 ms p99 once 20 requests are in; promote after 200. */
    public static Thresholds defaults() {
      return new Thresholds(0.05, 250, 20, 200);
    }
  }

  /** One step of the rollout's history. */
  public record Event(long at, String event, int version, String detail) {}

  public RolloutState {
    history = List.copyOf(history);
  }

  static RolloutState empty(String model) {
    return new RolloutState(model, null, null, 0, Thresholds.defaults(), List.of());
  }

  RolloutState with(
      Integer newLive, Integer newCanary, int percent, String event, int version, String detail) {
    List<Event> events = new ArrayList<>(history);
    events.add(new Event(System.currentTimeMillis(), event, version, detail));
    return new RolloutState(
        model, newLive, newCanary, newCanary == null ? 0 : percent, thresholds, events);
  }

  RolloutState withThresholds(Thresholds t) {
    return new RolloutState(model, live, canary, canaryPercent, t, history);
  }

  /** The versions the server must have loaded. */
  public List<Integer> serving() {
    List<Integer> versions = new ArrayList<>();
    if (live != null) {
      versions.add(live);
    }
    if (canary != null) {
      versions.add(canary);
    }
    return versions;
  }
}
