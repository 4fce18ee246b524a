package io.flywheel.experiments;

import java.util.List;
import java.util.Locale;

/**
 * The decision rule, in order: a sample-ratio mismatch blocks everything; a guardrail that is worse
 * beyond its always-valid interval stops the arm; the primary metric's always-valid p-value
 * (Bonferroni over the treatment arms) below α ships the best significant winner or stops a
 * significant loser; reaching the planned size with nothing significant stops for lack of effect;
 * otherwise keep running.
 */
final class ExperimentDecision {
  private ExperimentDecision() {}

  static ExperimentReport.Decision decide(
      ConversionExperiment experiment, long[] users, double srm, List<MetricResult> results) {
    if (srm < SampleRatioCheck.THRESHOLD) {
      return new ExperimentReport.Decision(
          "blocked",
          null,
          String.format(
              Locale.ROOT,
              "sample ratio mismatch (χ² p = %.2g < 0.001): users per arm do not follow the "
                  + "weights; fix assignment or logging before reading any metric",
              srm));
    }
    double alpha = experiment.plan().alpha();
    int treatments = experiment.arms().size() - 1;
    for (MetricResult r : results) {
      if (r.role().equals("guardrail") && r.sequentialHigh() < 0) {
        return new ExperimentReport.Decision(
            "stop",
            r.arm(),
            String.format(
                Locale.ROOT,
                "guardrail %s is worse in %s (lift %+.2f%%, always-valid interval of the "
                    + "difference below zero)",
                r.metric(),
                r.arm(),
                100 * r.lift()));
      }
    }
    MetricResult best = null;
    for (MetricResult r : results) {
      if (!r.role().equals("primary") || r.sequentialPValue() * treatments >= alpha) {
        continue;
      }
      if (r.difference() < 0) {
        return new ExperimentReport.Decision(
            "stop",
            r.arm(),
            String.format(
                Locale.ROOT,
                "%s loses on %s: lift %+.2f%% [%+.2f%%, %+.2f%%], always-valid p = %.3g",
                r.arm(),
                r.metric(),
                100 * r.lift(),
                100 * r.liftLow(),
                100 * r.liftHigh(),
                r.sequentialPValue()));
      }
      if (best == null || r.difference() > best.difference()) {
        best = r;
      }
    }
    if (best != null) {
      return new ExperimentReport.Decision(
          "ship",
          best.arm(),
          String.format(
              Locale.ROOT,
              "%s wins on %s: lift %+.2f%% [%+.2f%%, %+.2f%%], always-valid p = %.3g, "
                  + "chance to beat control %.1f%%",
              best.arm(),
              best.metric(),
              100 * best.lift(),
              100 * best.liftLow(),
              100 * best.liftHigh(),
              best.sequentialPValue(),
              100 * best.chanceToBeatControl()));
    }
    long fewest = Long.MAX_VALUE;
    for (long u : users) {
      fewest = Math.min(fewest, u);
    }
    long planned = experiment.plan().usersPerArm();
    if (fewest >= planned) {
      return new ExperimentReport.Decision(
          "stop",
          null,
          String.format(
              Locale.ROOT,
              "no detectable effect on %s at the planned %,d users per arm",
              experiment.primary().wireName(),
              planned));
    }
    return new ExperimentReport.Decision(
        "keep running",
        null,
        String.format(
            Locale.ROOT,
            "%,d of the planned %,d users per arm so far; nothing decisive yet",
            fewest,
            planned));
  }
}
