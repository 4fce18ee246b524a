package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel experiments}: the lifecycle, results from logged events, and bad input. */
class ExperimentsCommandTest {
  private static final long T0 = 1_767_225_600_000L;
  @TempDir Path dir;

  private static final String DEFINITION =
      """
      id: copy-test
      arms:
        - {name: control, weight: 1, treatment: {copy: stock}}
        - {name: generated, weight: 1, treatment: {copy: generated}}
      metrics: {primary: conversion, secondary: [ctr]}
      plan: {mde: 0.3, baseline: 0.1}
      """;

  @Test
  void anExperimentIsCreatedStartedReadAndStopped() throws Exception {
    Path home = dir.resolve("home");
    Path file = Files.writeString(dir.resolve("copy-test.yaml"), DEFINITION);
    JsonNode created = Cli.ok(home, "experiments", "create", file.toString(), "--json").json();
    assertThat(created.get("status").asText()).isEqualTo("draft");
    assertThat(created.get("plannedUsersPerArm").asLong()).isPositive();
    assertThat(Cli.run(home, "experiments", "create", file.toString()).code()).isEqualTo(2);
    assertThat(
            Cli.ok(home, "experiments", "start", "copy-test", "--json")
                .json()
                .get("status")
                .asText())
        .isEqualTo("running");

    // Exposures and outcomes as delivery and the collector log them: generated copy converts more.
    SplittableRandom r = new SplittableRandom(4);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      String arm = i % 2 == 0 ? "control" : "generated";
      long t = T0 + r.nextLong(2 * 86_400_000L);
      lines.add(
          String.format(
              "{\"eventId\":\"i%d\",\"type\":\"impression\",\"userId\":\"u%d\",\"productId\":\"p1\","
                  + "\"contentId\":\"c1\",\"requestId\":\"r%d\",\"position\":0,\"propensity\":1.0,"
                  + "\"experimentId\":\"copy-test\",\"arm\":\"%s\",\"timestamp\":%d,\"receivedAt\":%d}",
              i, i, i, arm, t, t));
      if (r.nextDouble() < (arm.equals("control") ? 0.10 : 0.16)) {
        lines.add(
            String.format(
                "{\"eventId\":\"b%d\",\"type\":\"purchase\",\"userId\":\"u%d\",\"productId\":\"p1\","
                    + "\"price\":9.5,\"quantity\":1,\"timestamp\":%d,\"receivedAt\":%d}",
                i, i, t + 1000, t + 1000));
      }
    }
    Files.createDirectories(home.resolve("events"));
    Files.write(home.resolve("events").resolve("delivery.jsonl"), lines);

    JsonNode results = Cli.ok(home, "experiments", "results", "copy-test", "--json").json();
    assertThat(results.get("exposedUsers").asInt()).isEqualTo(4000);
    JsonNode latest = results.get("latest");
    assertThat(latest.get("sampleRatioMismatch").asBoolean()).isFalse();
    JsonNode conversion = latest.get("metrics").get(0);
    assertThat(conversion.get("metric").asText()).isEqualTo("conversion");
    assertThat(conversion.get("lift").asDouble()).isBetween(0.3, 0.9);
    assertThat(latest.get("decision").get("verdict").asText()).isEqualTo("ship");
    assertThat(results.get("daily").size()).isGreaterThanOrEqualTo(2);
    Cli.Result text = Cli.ok(home, "experiments", "results", "copy-test");
    assertThat(text.out()).contains("decision: ship", "generated wins on conversion", "χ² p");

    assertThat(Cli.ok(home, "experiments", "list").out()).contains("copy-test", "running");
    assertThat(
            Cli.ok(home, "experiments", "stop", "copy-test", "--json")
                .json()
                .get("status")
                .asText())
        .isEqualTo("stopped");

    // The winner is promoted to every shopper; an arm the experiment lacks is refused.
    Cli.Result unknownArm = Cli.run(home, "experiments", "promote", "copy-test", "--arm", "nope");
    assertThat(unknownArm.code()).isEqualTo(2);
    assertThat(unknownArm.err()).contains("arm", "nope");
    JsonNode promoted =
        Cli.ok(home, "experiments", "promote", "copy-test", "--arm", "generated", "--json").json();
    assertThat(promoted.path("arm").asText()).isEqualTo("generated");
    assertThat(promoted.path("treatment").path("copy").asText()).isEqualTo("generated");
    assertThat(Cli.ok(home, "experiments", "list").out())
        .contains("promoted to every shopper outside them: generated of copy-test");
    // Off-policy estimates need a bandit arm, and a candidate they know.
    Cli.Result notBandit =
        Cli.run(
            home,
            "experiments",
            "ope",
            "copy-test",
            "--arm",
            "generated",
            "--candidate",
            "uniform");
    assertThat(notBandit.code()).isEqualTo(2);
    assertThat(notBandit.err()).contains("not a bandit");
  }

  @Test
  void badDefinitionsAndUnknownExperimentsExitTwoNamingTheField() throws Exception {
    Path home = dir.resolve("bad");
    Path file =
        Files.writeString(dir.resolve("bad.yaml"), DEFINITION.replace("mde: 0.3", "mde: 0"));
    Cli.Result bad = Cli.run(home, "experiments", "create", file.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("plan.mde");
    Cli.Result unknown = Cli.run(home, "experiments", "results", "nope");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("no experiment 'nope'");
    Cli.Result runs = Cli.run(home, "experiments", "calibrate", "--runs", "0");
    assertThat(runs.code()).isEqualTo(2);
    assertThat(runs.err()).contains("runs");
    assertThat(Cli.run(home, "experiments", "bench", "--exposures", "5").code()).isEqualTo(2);
  }

  @Test
  void theAnalysisBenchmarkReadsEveryExposure() {
    JsonNode r =
        Cli.ok(dir.resolve("bench"), "experiments", "bench", "--exposures", "20000", "--json")
            .json();
    assertThat(r.get("exposures").asLong()).isEqualTo(20_000);
    assertThat(r.get("lines").asLong()).isGreaterThan(20_000);
    assertThat(r.get("totalSeconds").asDouble()).isPositive();
  }
}
