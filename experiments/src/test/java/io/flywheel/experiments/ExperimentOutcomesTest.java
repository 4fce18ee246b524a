package io.flywheel.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentOutcomesTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
  @TempDir Path dir;
  private int seq;

  private String impression(String user, long t, String experiment, String arm) {
    return "{\"eventId\":\"e"
        + (seq++)
        + "\",\"type\":\"impression\",\"userId\":\""
        + user
        + "\",\"productId\":\"p1\",\"contentId\":\"c1\",\"requestId\":\"r"
        + seq
        + "\",\"position\":0,\"propensity\":0.5"
        + (experiment == null
            ? ""
            : ",\"experimentId\":\"" + experiment + "\",\"arm\":\"" + arm + "\"")
        + ",\"timestamp\":"
        + t
        + ",\"receivedAt\":"
        + t
        + "}";
  }

  private String action(String type, String user, long t, double price) {
    return "{\"eventId\":\"e"
        + (seq++)
        + "\",\"type\":\""
        + type
        + "\",\"userId\":\""
        + user
        + "\",\"productId\":\"p1\""
        + (type.equals("purchase") ? ",\"price\":" + price + ",\"quantity\":2" : "")
        + ",\"timestamp\":"
        + t
        + ",\"receivedAt\":"
        + t
        + "}";
  }

  @Test
  void exposuresCountFromTheFirstImpressionAndThePrePeriodFeedsCuped() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add(action("purchase", "u1", T0 - 3 * DAY, 10)); // pre-period: 1 order, 20.0
    lines.add(impression("u1", T0 + 1000, null, null)); // not this experiment's
    lines.add(impression("u1", T0 + 2000, "exp", "treatment"));
    lines.add(impression("u1", T0 + DAY + 10, "exp", "control")); // later arm: ignored (ITT)
    lines.add(action("click", "u1", T0 + 3000, 0));
    lines.add(action("purchase", "u1", T0 + DAY + 20, 5)); // day 2: 10.0
    lines.add(impression("u2", T0 + 5000, "exp", "control"));
    // The page logged u1's first impression too, under its own event id and without the
    // experiment: the same request and position, so the same impression.
    lines.add(
        lines
            .get(2)
            .replace("\"eventId\":\"e2\"", "\"eventId\":\"page-1\"")
            .replace(",\"experimentId\":\"exp\"", ""));
    lines.add("{\"broken\": ");
    Path file = dir.resolve("events.jsonl");
    Files.write(file, lines);

    ExperimentOutcomes outcomes = ExperimentOutcomes.read(List.of(file), "exp");
    // The page's copy first: still the same impression, and still the exposure.
    Path pageFirst = dir.resolve("page-first.jsonl");
    List<String> reordered = new ArrayList<>(lines);
    reordered.add(0, reordered.remove(reordered.size() - 2));
    Files.write(pageFirst, reordered);
    ExperimentOutcomes fromPageFirst = ExperimentOutcomes.read(List.of(pageFirst), "exp");
    assertThat(fromPageFirst.asOf(T0 + DAY - 1))
        .filteredOn(u -> u.userId().equals("u1"))
        .singleElement()
        .satisfies(u -> assertThat(u.arm()).isEqualTo("treatment"))
        .satisfies(u -> assertThat(u.impressions()).isEqualTo(1));
    assertThat(outcomes.exposedUsers()).isEqualTo(2);
    assertThat(outcomes.malformedLines()).isEqualTo(1);
    assertThat(outcomes.dailyLooks()).containsExactly(T0 + DAY - 1, T0 + DAY + 20);
    UserOutcome dayOne =
        outcomes.asOf(T0 + DAY - 1).stream()
            .filter(u -> u.userId().equals("u1"))
            .findFirst()
            .orElseThrow();
    assertThat(dayOne.arm()).isEqualTo("treatment");
    assertThat(dayOne.converted()).isFalse();
    assertThat(dayOne.clicks()).isEqualTo(1);
    assertThat(dayOne.impressions()).isEqualTo(1);
    assertThat(dayOne.preOrders()).isEqualTo(1);
    assertThat(dayOne.preRevenue()).isEqualTo(20.0);
    UserOutcome dayTwo =
        outcomes.asOf(T0 + DAY + 20).stream()
            .filter(u -> u.userId().equals("u1"))
            .findFirst()
            .orElseThrow();
    assertThat(dayTwo.converted()).isTrue();
    assertThat(dayTwo.revenue()).isEqualTo(10.0);
    assertThat(dayTwo.impressions()).isEqualTo(2);
  }

  @Test
  void aPlantedLiftIsFoundAndItsIntervalCoversIt() throws Exception {
    // 6,000 shoppers over three days: control buys with 10 %, treatment with 15 %.
    SplittableRandom r = new SplittableRandom(9);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      String user = "u" + i;
      long t = T0 + r.nextLong(3 * DAY);
      String arm = i % 2 == 0 ? "control" : "treatment";
      lines.add(impression(user, t, "exp", arm));
      if (r.nextDouble() < (arm.equals("control") ? 0.10 : 0.15)) {
        lines.add(action("purchase", user, t + 60_000, 4));
      }
    }
    Path file = dir.resolve("planted.jsonl");
    Files.write(file, lines);
    ConversionExperiment e =
        new ConversionExperiment(
            "exp",
            null,
            null,
            List.of(new Arm("control", 1, Map.of()), new Arm("treatment", 1, Map.of())),
            null,
            MetricKind.CONVERSION,
            List.of(MetricKind.REVENUE),
            List.of(),
            new ConversionExperiment.Plan(0.2, 0.05, 0.8, 0.10, 0),
            null,
            0,
            1);
    List<ExperimentReport> daily =
        ExperimentAnalysis.daily(e, ExperimentOutcomes.read(List.of(file), "exp"));
    assertThat(daily).hasSizeGreaterThanOrEqualTo(3);
    ExperimentReport last = daily.get(daily.size() - 1);
    assertThat(last.users()).containsExactly(3000L, 3000L);
    assertThat(last.sampleRatioMismatch()).isFalse();
    MetricResult conversion = last.result(MetricKind.CONVERSION, "treatment");
    assertThat(conversion.liftLow()).isLessThan(0.5).isGreaterThan(0);
    assertThat(conversion.liftHigh()).isGreaterThan(0.5);
    assertThat(last.decision().verdict()).isEqualTo("ship");
    assertThat(last.decision().arm()).isEqualTo("treatment");
    // Sequential p-values only fall from look to look.
    for (int i = 1; i < daily.size(); i++) {
      assertThat(daily.get(i).result(MetricKind.CONVERSION, "treatment").sequentialPValue())
          .isLessThanOrEqualTo(
              daily.get(i - 1).result(MetricKind.CONVERSION, "treatment").sequentialPValue());
    }
    MetricResult revenue = last.result(MetricKind.REVENUE, "treatment");
    assertThat(revenue.value()).isGreaterThan(revenue.control());
  }

  @Test
  void aSampleRatioMismatchBlocksTheDecision() {
    ConversionExperiment e = ConversionExperiment.parse(ConversionExperimentTest.RANKER);
    List<UserOutcome> users = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String arm = i % 100 < 54 ? "control" : "popular";
      users.add(new UserOutcome("u" + i, arm, 0, arm.equals("popular"), 0, 0, 1, 10, 0, 0));
    }
    ExperimentReport r = ExperimentAnalysis.once(e, users, 1);
    assertThat(r.sampleRatioMismatch()).isTrue();
    assertThat(r.decision().verdict()).isEqualTo("blocked");
    assertThat(r.decision().reason()).contains("sample ratio mismatch");
  }

  @Test
  void theCatalogKeepsDefinitionsAndRefusesOverlappingSlices() throws Exception {
    ExperimentCatalog catalog = new ExperimentCatalog(dir);
    ConversionExperiment left = ConversionExperiment.parse(ConversionExperimentTest.RANKER);
    ConversionExperiment overlapping =
        ConversionExperiment.parse(
            ConversionExperimentTest.RANKER
                .replace("id: ranker-v2", "id: ranker-v3")
                .replace("from: 0.0, to: 0.5", "from: 0.4, to: 0.9"));
    catalog.create(left);
    catalog.create(overlapping);
    assertThatThrownBy(() -> catalog.create(left)).hasMessageContaining("already exists");
    assertThat(catalog.start("ranker-v2", 100).running()).isTrue();
    assertThatThrownBy(() -> catalog.start("ranker-v3", 200))
        .isInstanceOf(ExperimentDefinitionException.class)
        .hasMessageContaining("overlaps running experiment 'ranker-v2'");
    assertThat(catalog.running()).extracting(ConversionExperiment::id).containsExactly("ranker-v2");
    ExperimentCatalog.Entry stopped = catalog.stop("ranker-v2", 300);
    assertThat(stopped.status()).isEqualTo("stopped");
    assertThat(catalog.get("ranker-v2").startedAt()).isEqualTo(100L);
    assertThat(catalog.start("ranker-v3", 400).running()).isTrue();
    assertThat(catalog.list()).hasSize(2);
    assertThat(catalog.get("ranker-v2").experiment()).isEqualTo(left);
  }
}
