package io.flywheel.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.experiments.ConversionExperiment;
import io.flywheel.experiments.CopyPolicyEvaluation;
import io.flywheel.experiments.ExperimentAnalysis;
import io.flywheel.experiments.ExperimentCatalog;
import io.flywheel.experiments.ExperimentOutcomes;
import io.flywheel.experiments.ExperimentReport;
import io.flywheel.experiments.MetricResult;
import io.flywheel.experiments.UserOutcome;
import io.flywheel.workflows.FeatureStoreCovariates;
import io.flywheel.workflows.HomeDelivery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo's experiment: the campaign's generated copy (preferred wherever a product has some)
 * against delivery's usual choice (the best-scored approved copy), running in delivery while the
 * live day of step 10 is served, then read from the logged exposures and the shoppers' outcomes.
 * The control arm is delivery unchanged, so step 10's value is half its own.
 */
final class DemoExperimentStep {
  static final String ID = "campaign-copy";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DEFINITION =
      """
      id: campaign-copy
      name: The campaign's generated copy, and a bandit over copy angles, against delivery's best-scored copy
      arms:
        - {name: control, weight: 1, treatment: {}}
        - {name: campaign, weight: 1, treatment: {copy: campaign}}
        - {name: bandit, weight: 1, treatment: {copy: bandit, explore: 0.1}}
      metrics: {primary: conversion, secondary: [ctr, revenue], guardrails: [orders]}
      plan: {mde: 0.10, alpha: 0.05, power: 0.8, baseline: 0.05}
      """;

  private DemoExperimentStep() {}

  /** Defines and starts the experiment (delivery picks it up within seconds). */
  static void start(Path demoHome, PrintWriter out) throws IOException {
    ExperimentCatalog catalog = new ExperimentCatalog(demoHome);
    if (catalog.find(ID).isEmpty()) {
      catalog.create(ConversionExperiment.parse(DEFINITION));
    }
    ExperimentCatalog.Entry e = catalog.start(ID, System.currentTimeMillis());
    out.printf(
        Locale.ROOT,
        "  experiment %s running: %s (%,d users per arm planned for a %.0f%% lift)%n",
        ID,
        e.experiment().name(),
        e.experiment().plan().usersPerArm(),
        100 * e.experiment().plan().mde());
  }

  /** Reads the day's exposures (delivery's log) and outcomes (the day's events), and stops it. */
  static void report(Path demoHome, Path dayDir, Path worldDir, String deliveryUrl, PrintWriter out)
      throws IOException, InterruptedException {
    ExperimentCatalog catalog = new ExperimentCatalog(demoHome);
    ExperimentCatalog.Entry e = catalog.stop(ID, System.currentTimeMillis());
    // CUPED's covariate from the feature store: what each shopper bought in the week before their
    // first exposure, as the feature job had it then.
    ExperimentOutcomes outcomes =
        FeatureStoreCovariates.apply(
            demoHome,
            ExperimentOutcomes.read(
                List.of(
                    HomeDelivery.eventsFile(demoHome),
                    dayDir.resolve("events.jsonl"),
                    worldDir.resolve("events.jsonl")),
                ID),
            "features");
    List<ExperimentReport> daily = ExperimentAnalysis.daily(e.experiment(), outcomes);
    out.printf(
        Locale.ROOT,
        "  %,d shoppers exposed; the experiment is stopped (`flywheel experiments results %s`"
            + " reads it again)%n",
        outcomes.exposedUsers(),
        ID);
    if (daily.isEmpty()) {
      out.println("  no exposures were logged");
      return;
    }
    ExperimentReport last = daily.get(daily.size() - 1);
    ExperimentResultsTable.print(last, out);
    out.println("  CUPED covariate: " + outcomes.covariateSource());
    truthBeside(last, outcomes.asOf(last.asOf()), dayDir, out);
    banditTable(deliveryUrl, out);
    out.println(
        "  off-policy: what other copy policies would have earned, valued from the bandit arm's"
            + " logged choices and propensities (`flywheel experiments ope`)");
    for (String candidate : List.of("angle:stock", "uniform")) {
      OffPolicyTable.print(
          CopyPolicyEvaluation.evaluate(
              List.of(HomeDelivery.eventsFile(demoHome), dayDir.resolve("events.jsonl")),
              ID,
              "bandit",
              CopyPolicyEvaluation.Candidate.parse(candidate),
              0.05),
          out);
    }
  }

  /**
   * What the bandit arm learnt from the clicks the shoppers' pages posted to delivery's collector:
   * per slot and segment, each message angle's click rate and the choices it rests on.
   */
  private static void banditTable(String deliveryUrl, PrintWriter out)
      throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> answer =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(deliveryUrl + "/v1/bandits"))
                    .timeout(java.time.Duration.ofSeconds(5))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    JsonNode rows = JSON.readTree(answer.body()).path("bandits");
    if (answer.statusCode() != 200 || rows.isEmpty()) {
      out.println("  the bandit arm made no choices");
      return;
    }
    out.println(
        "  bandit arm (GET /v1/bandits): copy angle chosen per slot/segment, click rate learnt"
            + " from the clicks posted to the collector");
    out.printf(
        Locale.ROOT,
        "    %-22s %-14s %8s %7s %11s%n",
        "slot/segment",
        "angle",
        "shown",
        "clicks",
        "click rate");
    for (JsonNode row : rows) {
      out.printf(
          Locale.ROOT,
          "    %-22s %-14s %,8d %,7d %10.1f%%%n",
          row.path("context").asText(),
          row.path("angle").asText(),
          row.path("trials").asLong(),
          row.path("clicks").asLong(),
          100 * row.path("meanClickRate").asDouble());
    }
  }

  /**
   * The same comparison from the truth: each exposed shopper's expected orders are the sum of the
   * true purchase probabilities of what they were shown after exposure (the day's truth keyed by
   * impression), so the orders lift the truth gives can be set beside the measured interval.
   */
  private static void truthBeside(
      ExperimentReport last, List<UserOutcome> users, Path dayDir, PrintWriter out)
      throws IOException {
    Map<String, Double> pPurchase = new HashMap<>();
    impressions(
        dayDir.resolve("truth.jsonl"),
        "\"kind\":\"impression\"",
        n -> pPurchase.put(n.path("eventId").asText(), n.path("pPurchase").asDouble()));
    Map<String, UserOutcome> byUser = new HashMap<>();
    users.forEach(u -> byUser.put(u.userId(), u));
    Map<String, double[]> expected = new HashMap<>(); // arm -> {Σ expected orders, users}
    users.forEach(u -> expected.computeIfAbsent(u.arm(), a -> new double[2])[1]++);
    impressions(
        dayDir.resolve("events.jsonl"),
        "\"type\":\"impression\"",
        n -> {
          UserOutcome u = byUser.get(n.path("userId").asText());
          Double p = pPurchase.get(n.path("eventId").asText());
          if (u != null && p != null && n.path("timestamp").asLong() >= u.firstExposure()) {
            expected.get(u.arm())[0] += p;
          }
        });
    String control = last.arms().get(0);
    double[] c = expected.get(control);
    if (c == null || c[1] == 0 || c[0] == 0) {
      return;
    }
    for (String arm : last.arms().subList(1, last.arms().size())) {
      double[] a = expected.get(arm);
      MetricResult orders =
          last.metrics().stream()
              .filter(m -> m.metric().equals("orders") && m.arm().equals(arm))
              .findFirst()
              .orElse(null);
      if (a == null || a[1] == 0 || orders == null) {
        continue;
      }
      double truthLift = (a[0] / a[1]) / (c[0] / c[1]) - 1;
      out.printf(
          Locale.ROOT,
          "  truth: expected orders per shopper %.4f (%s) vs %.4f (%s), lift %+.1f%%; the "
              + "measured interval [%+.1f%%, %+.1f%%] %s it%n",
          c[0] / c[1],
          control,
          a[0] / a[1],
          arm,
          100 * truthLift,
          100 * orders.liftLow(),
          100 * orders.liftHigh(),
          orders.liftLow() <= truthLift && truthLift <= orders.liftHigh() ? "covers" : "misses");
    }
  }

  /** Every well-formed line of {@code file} holding {@code marker}, as JSON. */
  private static void impressions(
      Path file, String marker, java.util.function.Consumer<JsonNode> each) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      lines
          .filter(l -> l.contains(marker))
          .map(DemoExperimentStep::read)
          .filter(java.util.Objects::nonNull)
          .forEach(each);
    }
  }

  /** The line as JSON, or null for a malformed one (the world's stream has dirt in it). */
  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException malformed) {
      return null;
    }
  }
}
