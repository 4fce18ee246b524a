package io.flywheel.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an experiment: per look (e.g. each day, cumulative), every arm against the control on the
 * primary, secondary and guardrail metrics — fixed-horizon tests (two proportions, Welch, delta
 * method for ratios) with CUPED where the pre-period predicts, always-valid sequential p-values and
 * confidence sequences (mSPRT), Bayesian chance to beat control and expected loss, Holm's
 * correction, the sample-ratio check, and a decision with its reason.
 */
public final class ExperimentAnalysis {
  private ExperimentAnalysis() {}

  /** One report per day (cumulative), the last one as of the newest event. */
  public static List<ExperimentReport> daily(
      ConversionExperiment experiment, ExperimentOutcomes outcomes) {
    List<Long> looks = outcomes.dailyLooks();
    return looks(experiment, outcomes.cumulative(experiment, looks), looks);
  }

  /** One look over these shoppers' outcomes; users of arms the experiment lacks are ignored. */
  public static ExperimentReport once(
      ConversionExperiment experiment, List<UserOutcome> outcomes, long asOf) {
    return report(experiment, byArm(experiment, outcomes), asOf, new LinkedHashMap<>());
  }

  private static Map<String, ArmData> byArm(
      ConversionExperiment experiment, List<UserOutcome> outcomes) {
    Map<String, ArmData.Sums> sums = new LinkedHashMap<>();
    experiment.arms().forEach(a -> sums.put(a.name(), new ArmData.Sums()));
    for (UserOutcome u : outcomes) {
      ArmData.Sums arm = sums.get(u.arm());
      if (arm != null) {
        arm.add(u);
      }
    }
    Map<String, ArmData> byArm = new LinkedHashMap<>();
    sums.forEach((name, arm) -> byArm.put(name, arm.data()));
    return byArm;
  }

  /** The reports of successive cumulative looks; sequential p-values are running minima. */
  static List<ExperimentReport> looks(
      ConversionExperiment experiment, List<Map<String, ArmData>> cumulative, List<Long> times) {
    List<ExperimentReport> reports = new ArrayList<>();
    Map<String, Double> runningMin = new LinkedHashMap<>();
    for (int i = 0; i < cumulative.size(); i++) {
      ExperimentReport r = report(experiment, cumulative.get(i), times.get(i), runningMin);
      reports.add(r);
    }
    return reports;
  }

  /**
   * One look. {@code runningMin} carries each comparison's smallest sequential p-value over the
   * earlier looks (and is updated).
   */
  static ExperimentReport report(
      ConversionExperiment experiment,
      Map<String, ArmData> data,
      long asOf,
      Map<String, Double> runningMin) {
    double alpha = experiment.plan().alpha();
    List<String> arms = experiment.arms().stream().map(Arm::name).toList();
    long[] users = arms.stream().mapToLong(a -> data.get(a).users()).toArray();
    double srm = SampleRatioCheck.pValue(users, experiment.expectedShares());
    ArmData control = data.get(arms.get(0));

    List<MetricResult> results = new ArrayList<>();
    List<String[]> roles = new ArrayList<>();
    roles.add(new String[] {experiment.primary().name(), "primary"});
    experiment.secondary().forEach(m -> roles.add(new String[] {m.name(), "secondary"}));
    experiment.guardrails().forEach(m -> roles.add(new String[] {m.name(), "guardrail"}));
    for (String[] role : roles) {
      MetricKind metric = MetricKind.valueOf(role[0]);
      for (String arm : arms.subList(1, arms.size())) {
        ArmData a = data.get(arm);
        if (control.users() < 2 || a.users() < 2) {
          continue;
        }
        Estimate plain = plain(metric, control.moments(metric), a.moments(metric));
        Estimate chosen =
            metric == MetricKind.CTR
                ? plain
                : Estimate.cuped(control.moments(metric), a.moments(metric));
        if (!(chosen.standardError() > 0) || chosen.standardError() >= plain.standardError()) {
          chosen = plain;
        }
        double reduction =
            chosen == plain || plain.standardError() <= 0
                ? 0
                : 1 - Math.pow(chosen.standardError() / plain.standardError(), 2);
        double tau = Math.max(1e-12, experiment.plan().mde() * Math.abs(plain.control()));
        String key = metric + "/" + arm;
        double seqP =
            Math.min(
                runningMin.getOrDefault(key, 1.0),
                SequentialTest.pValue(chosen.difference(), chosen.standardError(), tau));
        runningMin.put(key, seqP);
        double[] ci = chosen.interval(alpha);
        double[] cs =
            SequentialTest.interval(chosen.difference(), chosen.standardError(), tau, alpha);
        double[] liftCi = chosen.liftInterval(alpha);
        results.add(
            new MetricResult(
                metric.wireName(),
                arm,
                role[1],
                plain.control(),
                plain.arm(),
                chosen.difference(),
                ci[0],
                ci[1],
                plain.control() == 0 ? Double.NaN : chosen.difference() / plain.control(),
                liftCi[0],
                liftCi[1],
                chosen.pValue(),
                Double.NaN,
                seqP,
                cs[0],
                cs[1],
                chosen.chanceToBeatControl(),
                chosen.expectedLoss(),
                reduction));
      }
    }
    double[] adjusted =
        MultipleTesting.holm(results.stream().mapToDouble(MetricResult::pValue).toArray());
    List<MetricResult> withAdjusted = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      withAdjusted.add(results.get(i).withAdjustedPValue(adjusted[i]));
    }
    ExperimentReport.Decision decision =
        ExperimentDecision.decide(experiment, users, srm, withAdjusted);
    return new ExperimentReport(
        experiment.id(),
        asOf,
        arms,
        Arrays.stream(users).boxed().toList(),
        Arrays.stream(experiment.expectedShares()).boxed().toList(),
        srm,
        srm < SampleRatioCheck.THRESHOLD,
        experiment.plan().usersPerArm(),
        withAdjusted,
        decision);
  }

  private static Estimate plain(MetricKind metric, Moments control, Moments arm) {
    return switch (metric) {
      case CONVERSION -> Estimate.proportions(control, arm);
      case CTR -> Estimate.ratio(control, arm);
      default -> Estimate.means(control, arm);
    };
  }
}
