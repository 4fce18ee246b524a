package io.flywheel.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a candidate copy policy would earn, estimated from delivery's logs of a bandit arm before
 * the candidate goes live. Each logged bandit decision says which message angles the product's copy
 * offered ({@code copyArms}), which was shown ({@code copyArm}) and with what probability ({@code
 * copyPropensity}); the reward is a click on that impression (same request and copy). The candidate
 * is evaluated with IPS, self-normalised IPS and doubly robust estimates ({@link
 * OffPolicyEstimate}); the reward model for DR is the smoothed click rate per slot, segment and
 * angle in the same logs.
 */
public final class CopyPolicyEvaluation {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A candidate: {@code uniform} (each offered angle alike) or {@code angle:NAME} (that angle where
   * offered, else uniform over what is; {@code angle:stock} is the shop's own copy).
   */
  public record Candidate(String name, String angle) {
    public static Candidate parse(String text) {
      String t = text == null ? "" : text.trim();
      if (t.equals("uniform")) {
        return new Candidate(t, null);
      }
      if (t.startsWith("angle:") && t.length() > "angle:".length()) {
        return new Candidate(t, t.substring("angle:".length()));
      }
      throw new ExperimentDefinitionException(
          "candidate", "uniform or angle:NAME (e.g. angle:savings), got '" + text + "'");
    }

    /** The candidate's probability of showing {@code shown} when {@code offered} are on offer. */
    double probability(String shown, List<String> offered) {
      if (angle != null && offered.contains(angle)) {
        return shown.equals(angle) ? 1 : 0;
      }
      return offered.contains(shown) ? 1.0 / offered.size() : 0;
    }
  }

  /**
   * The estimates, click rates per impression.
   *
   * @param decisions logged bandit decisions read
   * @param loggedClickRate what the logging policy itself earned on them
   * @param clickRateByAngle the logs' click rate per angle shown (all contexts)
   */
  public record Result(
      String experiment,
      String arm,
      String candidate,
      long decisions,
      long clicks,
      double loggedClickRate,
      OffPolicyEstimate ips,
      OffPolicyEstimate snips,
      OffPolicyEstimate doublyRobust,
      Map<String, Double> clickRateByAngle) {}

  private record Decision(
      String context, String shown, List<String> offered, double propensity, String clickKey) {}

  private CopyPolicyEvaluation() {}

  /** Reads the logs (an event in two files counts once) and evaluates {@code candidate}. */
  public static Result evaluate(
      List<Path> files, String experiment, String arm, Candidate candidate, double alpha)
      throws IOException {
    List<Decision> decisions = new ArrayList<>();
    Set<String> clicked = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (Path file : files) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          boolean impression = line.contains("\"copyPropensity\"");
          if (!impression && !line.contains("\"type\":\"click\"")) {
            continue;
          }
          JsonNode n;
          try {
            n = JSON.readTree(line);
          } catch (IOException malformed) {
            continue;
          }
          if (n == null || !seen.add(n.path("eventId").asText())) {
            continue;
          }
          String key = n.path("requestId").asText() + "\n" + n.path("contentId").asText();
          if (!impression) {
            clicked.add(key);
          } else if (experiment.equals(n.path("experimentId").asText())
              && arm.equals(n.path("arm").asText())) {
            List<String> offered = new ArrayList<>();
            n.path("copyArms").forEach(a -> offered.add(a.asText()));
            double p = n.path("copyPropensity").asDouble(Double.NaN);
            if (offered.isEmpty() || !(p > 0 && p <= 1)) {
              continue;
            }
            decisions.add(
                new Decision(
                    n.path("slot").asText("") + "/" + n.path("segment").asText(""),
                    n.path("copyArm").asText(),
                    offered,
                    p,
                    key));
          }
        }
      }
    }
    // The reward model: click rate per context and angle, smoothed towards the angle's overall
    // rate (and that towards the overall one) with a few pseudo-impressions.
    Map<String, double[]> byContextAngle = new HashMap<>();
    Map<String, double[]> byAngle = new TreeMap<>();
    double[] all = new double[2];
    for (Decision d : decisions) {
      double r = clicked.contains(d.clickKey()) ? 1 : 0;
      add(byContextAngle, d.context() + "\n" + d.shown(), r);
      add(byAngle, d.shown(), r);
      all[0] += r;
      all[1]++;
    }
    double overall = (all[0] + 1) / (all[1] + 2);
    OffPolicyEstimate.Accumulator acc = new OffPolicyEstimate.Accumulator();
    for (Decision d : decisions) {
      double r = clicked.contains(d.clickKey()) ? 1 : 0;
      double underCandidate = 0;
      for (String a : d.offered()) {
        underCandidate +=
            candidate.probability(a, d.offered())
                * model(byContextAngle, byAngle, overall, d.context(), a);
      }
      acc.add(
          d.propensity(),
          candidate.probability(d.shown(), d.offered()),
          r,
          model(byContextAngle, byAngle, overall, d.context(), d.shown()),
          underCandidate);
    }
    Map<String, Double> rates = new TreeMap<>();
    byAngle.forEach((a, c) -> rates.put(a, c[0] / c[1]));
    return new Result(
        experiment,
        arm,
        candidate.name(),
        decisions.size(),
        Math.round(all[0]),
        all[1] == 0 ? Double.NaN : all[0] / all[1],
        acc.ips(alpha),
        acc.selfNormalised(alpha),
        acc.doublyRobust(alpha),
        rates);
  }

  private static void add(Map<String, double[]> counts, String key, double reward) {
    double[] c = counts.computeIfAbsent(key, k -> new double[2]);
    c[0] += reward;
    c[1]++;
  }

  private static double model(
      Map<String, double[]> byContextAngle,
      Map<String, double[]> byAngle,
      double overall,
      String context,
      String angle) {
    double[] a = byAngle.getOrDefault(angle, new double[2]);
    double angleRate = (a[0] + 5 * overall) / (a[1] + 5);
    double[] c = byContextAngle.getOrDefault(context + "\n" + angle, new double[2]);
    return (c[0] + 5 * angleRate) / (c[1] + 5);
  }
}
