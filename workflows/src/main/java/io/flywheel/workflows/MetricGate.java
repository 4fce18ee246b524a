package io.flywheel.workflows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release gate over a run's metrics: rules such as {@code auc >= 0.55; auc_vs_champion? >= 0}
 * separated by {@code ;} or {@code ,}. A metric marked {@code ?} is checked only when the run has
 * it (there is no champion to compare with on a model's first run); any other missing metric fails
 * the gate.
 */
public record MetricGate(List<Rule> rules) {
  private static final Pattern RULE =
      Pattern.compile("\\s*([A-Za-z0-9_.]+)(\\?)?\\s*(>=|<=|>|<)\\s*([-+0-9.eE]+)\\s*");

  /** One comparison. */
  public record Rule(String metric, boolean optional, String op, double bound) {
    boolean holds(double value) {
      return switch (op) {
        case ">=" -> value >= bound;
        case ">" -> value > bound;
        case "<=" -> value <= bound;
        default -> value < bound;
      };
    }

    @Override
    public String toString() {
      return metric + " " + op + " " + bound;
    }
  }

  public static MetricGate parse(String text) {
    List<Rule> rules = new ArrayList<>();
    for (String part : text.split("[;,]")) {
      if (part.isBlank()) {
        continue;
      }
      Matcher m = RULE.matcher(part);
      double bound;
      try {
        if (!m.matches()) {
          throw new NumberFormatException();
        }
        bound = Double.parseDouble(m.group(4));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "rules: '" + part.trim() + "' is not METRIC[?] " + "(>=|>|<=|<) NUMBER");
      }
      rules.add(new Rule(m.group(1), m.group(2) != null, m.group(3), bound));
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("rules: no rule given");
    }
    return new MetricGate(List.copyOf(rules));
  }

  /** The checked values; throws naming every rule that failed. */
  public Map<String, String> check(Map<String, Double> metrics) {
    Map<String, String> checked = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    for (Rule r : rules) {
      Double value = metrics.get(r.metric());
      if (value == null) {
        if (r.optional()) {
          checked.put(r.metric(), "absent (not checked)");
        } else {
          failed.add(r.metric() + " is missing from the run (rule " + r + ")");
        }
        continue;
      }
      checked.put(r.metric(), String.format(Locale.ROOT, "%.4f", value));
      if (!r.holds(value)) {
        failed.add(String.format(Locale.ROOT, "%s %.4f fails %s", r.metric(), value, r));
      }
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException("gate: " + String.join("; ", failed) + ": not deployed");
    }
    return checked;
  }
}
