package io.flywheel.experiments;

import java.util.List;
import java.util.Map;

/**
 * One arm of an experiment: what its shoppers get ({@code treatment}: e.g. {@code model_version:
 * "7"}, {@code ranking: popularity}, {@code copy: generated}) and its share of the experiment's
 * traffic (weights are relative; they need not add up to one).
 */
public record Arm(String name, double weight, Map<String, String> treatment) {
  public Arm {
    ExperimentDefinitionException.require(
        name != null && name.matches("[A-Za-z0-9_-]{1,64}"),
        "arms[].name",
        "letters, digits, '_' or '-', 1 to 64 characters, got '" + name + "'");
    ExperimentDefinitionException.require(
        weight > 0 && Double.isFinite(weight),
        "arms[" + name + "].weight",
        "must be a positive number, got " + weight);
    treatment = treatment == null ? Map.of() : Map.copyOf(treatment);
    String where = "arms[" + name + "].treatment.";
    String copy = treatment.get("copy");
    ExperimentDefinitionException.require(
        copy == null || COPY_TREATMENTS.contains(copy),
        where + "copy",
        "one of " + COPY_TREATMENTS + ", got '" + copy + "'");
    String ranking = treatment.get("ranking");
    ExperimentDefinitionException.require(
        ranking == null || ranking.equals("model") || ranking.equals("popularity"),
        where + "ranking",
        "model or popularity, got '" + ranking + "'");
    String explore = treatment.get("explore");
    if (explore != null) {
      ExperimentDefinitionException.require(
          "bandit".equals(copy), where + "explore", "only a bandit (copy: bandit) explores");
      double floor;
      try {
        floor = Double.parseDouble(explore);
      } catch (NumberFormatException e) {
        floor = Double.NaN;
      }
      ExperimentDefinitionException.require(
          floor >= 0 && floor < 1, where + "explore", "a share in [0, 1), got '" + explore + "'");
    }
  }

  /**
   * What a {@code copy} treatment may ask for: the shop's own copy, a campaign's (generated), or a
   * bandit that learns which message angle each slot and segment clicks on.
   */
  public static final List<String> COPY_TREATMENTS =
      List.of("stock", "campaign", "generated", "bandit");

  /** The share of a bandit's choices made uniformly at random, when the treatment sets none. */
  public static final double DEFAULT_EXPLORATION = 0.1;

  /** Whether this arm's copy is chosen by a bandit. */
  public boolean banditCopy() {
    return "bandit".equals(treatment.get("copy"));
  }

  /** A bandit arm's exploration floor. */
  public double exploration() {
    String explore = treatment.get("explore");
    return explore == null ? DEFAULT_EXPLORATION : Double.parseDouble(explore);
  }
}
