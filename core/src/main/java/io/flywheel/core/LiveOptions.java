package io.flywheel.core;

import java.util.List;

/**
 * How a live simulation serves its shoppers (see {@link MarketplaceSimulator#runLive}).
 *
 * @param builtInPolicy {@code popularity} (the world's own baseline), {@code random} (items uniform
 *     over what is on sale) or {@code oracle} (the items the shopper would most likely buy, from
 *     the true probabilities); null when {@code policy} is given
 * @param policy the policy that answers each request; null for a built-in one
 * @param startDay the first day of the world to simulate (0 is its first): shoppers and products
 *     that arrived before it are there at its start, nothing is written for earlier days, and ids
 *     are prefixed {@code d<startDay>-} so that runs of successive days never share one
 * @param speed simulated seconds per wall-clock second; 0 runs as fast as it can
 * @param days how many days to simulate from {@code startDay}; 0 runs to the world's last day
 */
public record LiveOptions(
    String builtInPolicy, LivePolicy policy, int startDay, double speed, int days) {

  /** The names {@code builtInPolicy} accepts. */
  public static final List<String> BUILT_IN_POLICIES = List.of("popularity", "random", "oracle");

  public LiveOptions {
    InvalidRecordException.require(
        (builtInPolicy == null) != (policy == null),
        "policy",
        "give either a built-in policy or a policy, not both or neither");
    InvalidRecordException.require(
        builtInPolicy == null || BUILT_IN_POLICIES.contains(builtInPolicy),
        "builtInPolicy",
        "must be one of " + BUILT_IN_POLICIES + ", got ",
        builtInPolicy);
    InvalidRecordException.require(startDay >= 0, "startDay", "must be at least 0, got ", startDay);
    InvalidRecordException.require(
        speed >= 0 && Double.isFinite(speed), "speed", "must be a number >= 0, got ", speed);
    InvalidRecordException.require(days >= 0, "days", "must be at least 0, got ", days);
  }

  /** Serves from {@code startDay} to the world's last day. */
  public LiveOptions(String builtInPolicy, LivePolicy policy, int startDay, double speed) {
    this(builtInPolicy, policy, startDay, speed, 0);
  }

  /** How reports name the policy: the built-in's name, else the policy's. */
  public String policyName() {
    return builtInPolicy != null ? builtInPolicy : policy.name();
  }
}
