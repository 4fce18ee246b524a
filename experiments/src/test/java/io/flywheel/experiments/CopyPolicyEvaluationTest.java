package io.flywheel.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Candidate copy policies valued from a bandit arm's logs as delivery writes them: a logging policy
 * with known, unequal propensities over three angles, clicks drawn from known rates, and the
 * estimates of "always savings", "always stock" and "uniform" set against those rates. Lines of
 * another arm, repeats and dirt are ignored.
 */
class CopyPolicyEvaluationTest {
  private static final Map<String, Double> CLICK_RATE =
      Map.of("quality", 0.08, "savings", 0.12, "stock", 0.05);
  private static final List<String> ANGLES = List.of("quality", "savings", "stock");
  private static final double[] LOGGING = {0.2, 0.5, 0.3};

  @TempDir Path dir;

  @Test
  void candidatesAreValuedFromLoggedPropensitiesAndCoverTheTruth() throws Exception {
    Path log = dir.resolve("delivery.jsonl");
    SplittableRandom r = new SplittableRandom(4);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      double u = r.nextDouble();
      int a = u < LOGGING[0] ? 0 : u < LOGGING[0] + LOGGING[1] ? 1 : 2;
      String angle = ANGLES.get(a);
      String impression =
          "{\"eventId\":\"i"
              + i
              + "\",\"type\":\"impression\",\"userId\":\"u"
              + i
              + "\",\"contentId\":\"c-"
              + angle
              + "\",\"requestId\":\"r"
              + i
              + "\",\"experimentId\":\"copy\",\"arm\":\""
              + (i % 10 == 0 ? "control" : "bandit")
              + "\",\"timestamp\":1,\"receivedAt\":1,\"slot\":\"home\",\"segment\":\"new\","
              + "\"copyArm\":\""
              + angle
              + "\",\"copyPropensity\":"
              + LOGGING[a]
              + ",\"copyArms\":[\"quality\",\"savings\",\"stock\"]}";
      lines.add(impression);
      if (i % 97 == 0) {
        lines.add(impression); // delivered twice
      }
      if (r.nextDouble() < CLICK_RATE.get(angle)) {
        lines.add(
            "{\"eventId\":\"k"
                + i
                + "\",\"type\":\"click\",\"userId\":\"u"
                + i
                + "\",\"contentId\":\"c-"
                + angle
                + "\",\"requestId\":\"r"
                + i
                + "\",\"timestamp\":2,\"receivedAt\":2}");
      }
    }
    lines.add("{\"eventId\": \"broken");
    Files.write(log, lines);

    for (String candidate : List.of("angle:savings", "angle:stock", "uniform")) {
      double truth =
          candidate.equals("uniform")
              ? CLICK_RATE.values().stream()
                  .mapToDouble(Double::doubleValue)
                  .average()
                  .orElseThrow()
              : CLICK_RATE.get(candidate.substring("angle:".length()));
      CopyPolicyEvaluation.Result result =
          CopyPolicyEvaluation.evaluate(
              List.of(log),
              "copy",
              "bandit",
              CopyPolicyEvaluation.Candidate.parse(candidate),
              0.05);
      assertThat(result.decisions()).isEqualTo(27_000);
      for (OffPolicyEstimate e : List.of(result.ips(), result.snips(), result.doublyRobust())) {
        assertThat(e.covers(truth)).as("%s %s %s", candidate, e, truth).isTrue();
        assertThat(e.value()).isCloseTo(truth, within(0.012));
        assertThat(e.high() - e.low()).isLessThan(0.03);
      }
      // The logs' own click rate is the logging policy's mix, not the candidate's.
      assertThat(result.loggedClickRate())
          .isCloseTo(0.2 * 0.08 + 0.5 * 0.12 + 0.3 * 0.05, within(0.006));
      assertThat(result.clickRateByAngle().get("savings")).isCloseTo(0.12, within(0.01));
    }
  }

  @Test
  void aCandidateIsNamedOrRefused() {
    assertThat(CopyPolicyEvaluation.Candidate.parse("angle:trust").angle()).isEqualTo("trust");
    assertThat(
            CopyPolicyEvaluation.Candidate.parse("angle:trust")
                .probability("stock", List.of("stock", "savings")))
        .isEqualTo(0.5);
    assertThatThrownBy(() -> CopyPolicyEvaluation.Candidate.parse("best"))
        .isInstanceOf(ExperimentDefinitionException.class)
        .hasMessageContaining("candidate");
  }
}
