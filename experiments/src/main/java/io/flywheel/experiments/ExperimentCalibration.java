package io.flywheel.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Checks the statistics against known truth instead of assuming them: simulated experiments on a
 * population whose truth is known — each shopper has a hidden purchase propensity (Beta-distributed
 * around the plan's baseline), a pre-period of {@value #PRE_VISITS} visits drawn from it (what
 * CUPED sees) and, when exposed, buys with that propensity, times (1 + lift) in the treatment.
 * Shoppers arrive evenly over the days and the analysis looks after every day. Per run index it
 * simulates an A/A experiment (false positives, fixed-horizon and with daily peeking; false SRM
 * alarms), an experiment with the planted lift (power; CUPED's variance reduction and bias), and an
 * A/A with the traffic skewed (SRM detection), each at the planned size.
 */
public final class ExperimentCalibration {
  static final int PRE_VISITS = 8;

  /**
   * @param runs simulated experiments of each kind
   * @param lift the planted relative lift of the treatment's conversion
   * @param skew traffic shares 0.5 + skew/2 and 0.5 − skew/2 in the SRM runs (0.02: 51 / 49)
   * @param concentration how alike shoppers are (the Beta's α + β; smaller is more varied)
   */
  public record Settings(
      int runs,
      long seed,
      double lift,
      double skew,
      double baseline,
      double mde,
      double alpha,
      double power,
      int days,
      double concentration) {
    public Settings {
      if (runs < 1) {
        throw new IllegalArgumentException("runs: at least 1, got " + runs);
      }
      if (skew < 0 || skew >= 1) {
        throw new IllegalArgumentException("skew: in [0, 1), got " + skew);
      }
      if (lift <= -1) {
        throw new IllegalArgumentException("lift: above -1, got " + lift);
      }
      if (days < 1) {
        throw new IllegalArgumentException("days: at least 1, got " + days);
      }
      if (!(concentration > 0)) {
        throw new IllegalArgumentException("concentration: positive, got " + concentration);
      }
    }

    public static Settings defaults(int runs, long seed) {
      return new Settings(runs, seed, 0.05, 0.02, 0.10, 0.05, 0.05, 0.8, 14, 2.0);
    }
  }

  /** The calibration figures; the README lists the targets each is checked against. */
  public record Result(
      int runs,
      long usersPerArm,
      double aaFalsePositiveRate,
      double sequentialFalsePositiveRate,
      double power,
      double sequentialPower,
      double srmDetectionRate,
      double srmFalseAlarmRate,
      double cupedVarianceReduction,
      double cupedMeanLift,
      double cupedLiftStandardError,
      double plannedLift,
      double opeCoverageIps,
      double opeCoverageSnips,
      double opeCoverageDr,
      double banditRegret,
      double banditRegretGrowth,
      double elapsedSeconds) {}

  private record Run(
      boolean aaFixed,
      boolean aaSequential,
      boolean aaSrm,
      boolean liftFixed,
      boolean liftSequential,
      double plainLift,
      double cupedLift,
      boolean skewSrm) {}

  private ExperimentCalibration() {}

  /** Runs the calibration on all cores; {@code progress} hears each finished run's count. */
  public static Result run(Settings s, IntConsumer progress) {
    long began = System.nanoTime();
    ConversionExperiment.Plan plan =
        new ConversionExperiment.Plan(s.mde(), s.alpha(), s.power(), s.baseline(), 0);
    ConversionExperiment aa = experiment(plan);
    AtomicInteger done = new AtomicInteger();
    List<Run> runs =
        IntStream.range(0, s.runs())
            .parallel()
            .mapToObj(
                i -> {
                  Run r = one(s, aa, plan.usersPerArm(), s.seed() * 1_000_003L + i);
                  progress.accept(done.incrementAndGet());
                  return r;
                })
            .toList();
    double n = runs.size();
    double[] plain = runs.stream().mapToDouble(Run::plainLift).toArray();
    double[] cuped = runs.stream().mapToDouble(Run::cupedLift).toArray();
    double cupedMean = mean(cuped);
    double[] coverage = new double[3];
    IntStream.range(0, s.runs())
        .parallel()
        .mapToObj(i -> offPolicyCoverage(s.seed() * 7_919L + i))
        .toList()
        .forEach(
            c -> {
              for (int k = 0; k < 3; k++) {
                coverage[k] += c[k] ? 1.0 / s.runs() : 0;
              }
            });
    int banditRuns = Math.max(2, s.runs() / 50);
    List<double[]> bandits =
        IntStream.range(0, banditRuns)
            .parallel()
            .mapToObj(i -> banditRegret(s.seed() * 104_729L + i))
            .toList();
    return new Result(
        runs.size(),
        plan.usersPerArm(),
        runs.stream().filter(Run::aaFixed).count() / n,
        runs.stream().filter(Run::aaSequential).count() / n,
        runs.stream().filter(Run::liftFixed).count() / n,
        runs.stream().filter(Run::liftSequential).count() / n,
        runs.stream().filter(Run::skewSrm).count() / n,
        runs.stream().filter(Run::aaSrm).count() / n,
        runs.size() < 2 ? Double.NaN : 1 - variance(cuped) / variance(plain),
        cupedMean,
        runs.size() < 2 ? Double.NaN : Math.sqrt(variance(cuped) / n),
        s.lift(),
        coverage[0],
        coverage[1],
        coverage[2],
        bandits.stream().mapToDouble(b -> b[0]).average().orElse(Double.NaN),
        bandits.stream().mapToDouble(b -> b[1]).average().orElse(Double.NaN),
        (System.nanoTime() - began) / 1e9);
  }

  static final int SEGMENTS = 4;
  static final int VARIANTS = 5;

  /** True conversion rates per segment and copy variant: around 5 %, from 2 % to about 12 %. */
  private static double[][] rates(UniformRandomProvider rng) {
    double[][] mu = new double[SEGMENTS][VARIANTS];
    for (double[] row : mu) {
      for (int a = 0; a < VARIANTS; a++) {
        row[a] = 0.02 + 0.10 * Math.pow(rng.nextDouble(), 2);
      }
    }
    return mu;
  }

  /** A greedy-with-exploration policy on a noisy guess of the rates: π(a | x). */
  private static double[][] policy(double[][] mu, double explore, UniformRandomProvider rng) {
    double[][] pi = new double[SEGMENTS][VARIANTS];
    for (int x = 0; x < SEGMENTS; x++) {
      int best = 0;
      double bestGuess = -1;
      for (int a = 0; a < VARIANTS; a++) {
        double guess = mu[x][a] * Math.exp(0.5 * (rng.nextDouble() - 0.5));
        if (guess > bestGuess) {
          bestGuess = guess;
          best = a;
        }
      }
      for (int a = 0; a < VARIANTS; a++) {
        pi[x][a] = explore / VARIANTS + (a == best ? 1 - explore : 0);
      }
    }
    return pi;
  }

  private static int draw(double[] probabilities, UniformRandomProvider rng) {
    double u = rng.nextDouble();
    for (int a = 0; a < probabilities.length; a++) {
      u -= probabilities[a];
      if (u < 0) {
        return a;
      }
    }
    return probabilities.length - 1;
  }

  /**
   * Logs 20,000 decisions of one policy, estimates another's value from them (IPS, SNIPS, doubly
   * robust with a reward model fitted on an earlier, independent log), and says whether each 95 %
   * interval covers the candidate's true value.
   */
  private static boolean[] offPolicyCoverage(long seed) {
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    double[][] mu = rates(rng);
    double[][] logging = policy(mu, 0.3, rng);
    double[][] target = policy(mu, 0.1, rng);
    double truth = 0;
    for (int x = 0; x < SEGMENTS; x++) {
      for (int a = 0; a < VARIANTS; a++) {
        truth += target[x][a] * mu[x][a] / SEGMENTS;
      }
    }
    // The reward model: per segment and variant, the mean of an earlier uniform log.
    double[][] model = new double[SEGMENTS][VARIANTS];
    for (int x = 0; x < SEGMENTS; x++) {
      for (int a = 0; a < VARIANTS; a++) {
        int hits = 0;
        for (int i = 0; i < 250; i++) {
          hits += rng.nextDouble() < mu[x][a] ? 1 : 0;
        }
        model[x][a] = (hits + 0.5) / 251.0;
      }
    }
    OffPolicyEstimate.Accumulator acc = new OffPolicyEstimate.Accumulator();
    for (int i = 0; i < 20_000; i++) {
      int x = rng.nextInt(SEGMENTS);
      int a = draw(logging[x], rng);
      double r = rng.nextDouble() < mu[x][a] ? 1 : 0;
      double underTarget = 0;
      for (int b = 0; b < VARIANTS; b++) {
        underTarget += target[x][b] * model[x][b];
      }
      acc.add(logging[x][a], target[x][a], r, model[x][a], underTarget);
    }
    return new boolean[] {
      acc.ips(0.05).covers(truth),
      acc.selfNormalised(0.05).covers(truth),
      acc.doublyRobust(0.05).covers(truth)
    };
  }

  /**
   * A simulated month (30 days of 2,000 decisions) of Thompson sampling over copy variants per
   * segment with a 5 % exploration floor: its expected regret against the best copy per segment, as
   * a share of uniform random's, and how much the regret grew over the second half of the month
   * against the first (below 2: sub-linear).
   */
  private static double[] banditRegret(long seed) {
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    double[][] mu = rates(rng);
    List<String> variants = IntStream.range(0, VARIANTS).mapToObj(a -> "v" + a).toList();
    CopyBandit bandit = new CopyBandit(0.05, 1);
    double regret = 0;
    double uniform = 0;
    double half = 0;
    int decisions = 30 * 2_000;
    for (int t = 0; t < decisions; t++) {
      int x = rng.nextInt(SEGMENTS);
      double best = 0;
      double mean = 0;
      for (double m : mu[x]) {
        best = Math.max(best, m);
        mean += m / VARIANTS;
      }
      String context = "s" + x;
      int a = variants.indexOf(bandit.choose(context, variants, rng).variant());
      bandit.reward(context, variants.get(a), rng.nextDouble() < mu[x][a]);
      regret += best - mu[x][a];
      uniform += best - mean;
      if (t == decisions / 2 - 1) {
        half = regret;
      }
    }
    return new double[] {regret / uniform, regret / Math.max(1e-12, half)};
  }

  private static ConversionExperiment experiment(ConversionExperiment.Plan plan) {
    return new ConversionExperiment(
        "calibration",
        null,
        null,
        List.of(new Arm("control", 1, Map.of()), new Arm("treatment", 1, Map.of())),
        null,
        MetricKind.CONVERSION,
        List.of(),
        List.of(),
        plan,
        null,
        0,
        1);
  }

  private static Run one(Settings s, ConversionExperiment e, long perArm, long seed) {
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    ContinuousSampler propensity =
        ChengBetaSampler.of(
            rng, s.baseline() * s.concentration(), (1 - s.baseline()) * s.concentration());
    List<ExperimentReport> aa = simulate(s, e, perArm, rng, propensity, 0.5, 0);
    List<ExperimentReport> lift = simulate(s, e, perArm, rng, propensity, 0.5, s.lift());
    List<ExperimentReport> skew = simulate(s, e, perArm, rng, propensity, 0.5 + s.skew() / 2, 0);
    MetricResult aaLast = last(aa);
    MetricResult liftLast = last(lift);
    return new Run(
        aaLast.pValue() < s.alpha(),
        aa.stream().anyMatch(r -> r.metrics().get(0).sequentialPValue() < s.alpha()),
        aa.get(aa.size() - 1).sampleRatioMismatch(),
        liftLast.pValue() < s.alpha() && liftLast.difference() > 0,
        lift.stream()
            .anyMatch(
                r ->
                    r.metrics().get(0).sequentialPValue() < s.alpha()
                        && r.metrics().get(0).difference() > 0),
        liftLast.value() / liftLast.control() - 1,
        liftLast.lift(),
        skew.get(skew.size() - 1).sampleRatioMismatch());
  }

  private static MetricResult last(List<ExperimentReport> looks) {
    return looks.get(looks.size() - 1).metrics().get(0);
  }

  /** One simulated experiment, looked at after every day (cumulative). */
  private static List<ExperimentReport> simulate(
      Settings s,
      ConversionExperiment e,
      long perArm,
      UniformRandomProvider rng,
      ContinuousSampler propensity,
      double controlShare,
      double lift) {
    long total = 2 * perArm;
    // Per day and arm: n, Σy, Σy², Σx, Σx², Σxy (y: bought, x: pre-period orders).
    double[][][] sums = new double[s.days()][2][6];
    for (long u = 0; u < total; u++) {
      double q = propensity.sample();
      int pre = 0;
      for (int v = 0; v < PRE_VISITS; v++) {
        if (rng.nextDouble() < q) {
          pre++;
        }
      }
      int arm = rng.nextDouble() < controlShare ? 0 : 1;
      double p = arm == 1 ? Math.min(1, q * (1 + lift)) : q;
      double y = rng.nextDouble() < p ? 1 : 0;
      double[] acc = sums[rng.nextInt(s.days())][arm];
      acc[0]++;
      acc[1] += y;
      acc[2] += y * y;
      acc[3] += pre;
      acc[4] += (double) pre * pre;
      acc[5] += pre * y;
    }
    List<Map<String, ArmData>> cumulative = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    double[][] running = new double[2][6];
    for (int d = 0; d < s.days(); d++) {
      Map<String, ArmData> byArm = new LinkedHashMap<>();
      for (int arm = 0; arm < 2; arm++) {
        for (int k = 0; k < 6; k++) {
          running[arm][k] += sums[d][arm][k];
        }
        double[] r = running[arm];
        Moments conversion = new Moments((long) r[0], r[1], r[2], r[3], r[4], r[5]);
        byArm.put(
            e.arms().get(arm).name(),
            new ArmData(conversion, Moments.EMPTY, Moments.EMPTY, Moments.EMPTY));
      }
      cumulative.add(byArm);
      times.add((long) d);
    }
    return ExperimentAnalysis.looks(e, cumulative, times);
  }

  private static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  private static double variance(double[] v) {
    double m = mean(v);
    double sum = 0;
    for (double x : v) {
      sum += (x - m) * (x - m);
    }
    return sum / (v.length - 1);
  }
}
