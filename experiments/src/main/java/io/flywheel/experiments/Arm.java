package io.flywheel.experiments;

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
  }
}
