package io.flywheel.experiments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Deterministic, sticky assignment: the same shopper always gets the same arm, with no state. A
 * shopper is first checked against the global holdout (a share of all shoppers kept out of every
 * experiment), then placed in the experiment's layer by hash(layer, userId) (experiments sharing a
 * layer take disjoint slices, so nobody is in two of them), then given an arm by hash(salt, userId)
 * in proportion to the weights. The three hashes are independent, so the arms stay balanced within
 * any slice.
 */
public final class ArmAssigner {
  private static final String HOLDOUT_SALT = "flywheel-global-holdout";

  private final ConversionExperiment experiment;
  private final double holdout;
  private final double[] cumulative;

  /** {@code holdout}: the share of all shoppers no experiment may expose, in [0, 0.5]. */
  public ArmAssigner(ConversionExperiment experiment, double holdout) {
    if (holdout < 0 || holdout > 0.5) {
      throw new ExperimentDefinitionException("holdout", "a share in [0, 0.5], got " + holdout);
    }
    this.experiment = experiment;
    this.holdout = holdout;
    double[] shares = experiment.expectedShares();
    cumulative = new double[shares.length];
    double sum = 0;
    for (int i = 0; i < shares.length; i++) {
      sum += shares[i];
      cumulative[i] = sum;
    }
    cumulative[shares.length - 1] = 1.0;
  }

  /** The shopper's arm, or empty when held out or outside the experiment's slice of its layer. */
  public Optional<Arm> assign(String userId) {
    return assign(userId, Long.MAX_VALUE);
  }

  /**
   * The shopper's arm {@code elapsedMillis} after the experiment started: as {@link
   * #assign(String)}, and only within the ramp-up's share by then (a fourth independent hash, so
   * the arms stay balanced at every share and a shopper once admitted stays admitted).
   */
  public Optional<Arm> assign(String userId, long elapsedMillis) {
    if (holdout > 0 && unit(HOLDOUT_SALT, userId) < holdout) {
      return Optional.empty();
    }
    double inLayer = unit("layer:" + experiment.layer(), userId);
    if (inLayer < experiment.layerFrom() || inLayer >= experiment.layerTo()) {
      return Optional.empty();
    }
    double share = experiment.rampShare(elapsedMillis);
    if (share < 1 && unit("ramp:" + experiment.salt(), userId) >= share) {
      return Optional.empty();
    }
    double u = unit(experiment.salt(), userId);
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return Optional.of(experiment.arms().get(i));
      }
    }
    return Optional.of(experiment.arms().get(cumulative.length - 1));
  }

  /** A uniform number in [0, 1) from the first 53 bits of SHA-256(salt ":" userId). */
  static double unit(String salt, String userId) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    byte[] h = sha.digest((salt + ":" + userId).getBytes(StandardCharsets.UTF_8));
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (h[i] & 0xff);
    }
    return (bits >>> 11) / (double) (1L << 53);
  }
}
