package io.flywheel.console;

import io.flywheel.experiments.ExperimentReport;
import io.flywheel.experiments.MetricResult;
import java.io.PrintWriter;
import java.util.Locale;

/** An experiment's latest look as a table: sample ratio, every metric and arm, the decision. */
final class ExperimentResultsTable {
  private ExperimentResultsTable() {}

  static void print(ExperimentReport last, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "  sample ratio: users %s for shares %s, χ² p = %.3g%s%n",
        last.users(),
        last.expectedShares().stream()
            .map(share -> String.format(Locale.ROOT, "%.3f", share))
            .toList(),
        last.sampleRatioPValue(),
        last.sampleRatioMismatch() ? "  MISMATCH" : "");
    out.printf(
        Locale.ROOT,
        "  %-10s %-10s %-9s %10s %10s %22s %9s %9s %9s %8s%n",
        "metric",
        "arm",
        "role",
        "control",
        "arm",
        "lift [95% interval]",
        "p",
        "p (Holm)",
        "p (seq.)",
        "P(beat)");
    for (MetricResult m : last.metrics()) {
      out.printf(
          Locale.ROOT,
          "  %-10s %-10s %-9s %10.4f %10.4f %+7.2f%% [%+6.2f, %+6.2f] %9.3g %9.3g %9.3g %7.1f%%%s%n",
          m.metric(),
          m.arm(),
          m.role(),
          m.control(),
          m.value(),
          100 * m.lift(),
          100 * m.liftLow(),
          100 * m.liftHigh(),
          m.pValue(),
          m.adjustedPValue(),
          m.sequentialPValue(),
          100 * m.chanceToBeatControl(),
          m.varianceReduction() >= 0.005
              ? String.format(
                  Locale.ROOT, "  (CUPED −%.0f%% variance)", 100 * m.varianceReduction())
              : "");
    }
    out.println("  decision: " + last.decision().verdict() + " — " + last.decision().reason());
  }
}
