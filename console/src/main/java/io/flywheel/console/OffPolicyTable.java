package io.flywheel.console;

import io.flywheel.experiments.CopyPolicyEvaluation;
import io.flywheel.experiments.OffPolicyEstimate;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** A candidate copy policy's off-policy estimates as lines of text. */
final class OffPolicyTable {
  private OffPolicyTable() {}

  static void print(CopyPolicyEvaluation.Result r, PrintWriter out) {
    if (r.decisions() == 0) {
      out.printf(
          Locale.ROOT, "  no logged bandit decisions for %s / %s yet%n", r.experiment(), r.arm());
      return;
    }
    out.printf(
        Locale.ROOT,
        "  candidate %s, from %,d decisions of %s / %s (logged click rate %.2f%%, %,d clicks)%n",
        r.candidate(),
        r.decisions(),
        r.experiment(),
        r.arm(),
        100 * r.loggedClickRate(),
        r.clicks());
    for (OffPolicyEstimate e : List.of(r.ips(), r.snips(), r.doublyRobust())) {
      out.printf(
          Locale.ROOT,
          "    %-6s click rate %6.2f%% [%6.2f%%, %6.2f%%]%n",
          e.estimator(),
          100 * e.value(),
          100 * e.low(),
          100 * e.high());
    }
  }
}
