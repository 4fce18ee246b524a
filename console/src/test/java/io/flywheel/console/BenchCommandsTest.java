package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark commands that judge quality on a simulated shop ({@code bench-quality}); the
 * feature jobs' benchmark modes are in FeaturesCommandTest.
 */
class BenchCommandsTest {
  @TempDir Path dir;

  /** The quality ceiling: the simulator's hidden truth tells a model more than the store does. */
  @Test
  void benchQualityShowsTheHiddenTruthRaisesTheCeiling() {
    Path home = ShopWorlds.copy(ShopWorlds.featured().home(), dir.resolve("home"));
    JsonNode q =
        Cli.ok(home, "bench-quality", "--truth", ShopWorlds.truth(home).toString(), "--json")
            .json();
    assertThat(Cli.integer(q, "/heldOutRows")).isPositive();
    double oracle = Cli.number(q, "/oracleAuc");
    double store = Cli.number(q, "/storeFeaturesAuc");
    double latents = Cli.number(q, "/withLatentsAuc");
    assertThat(oracle).isGreaterThan(0.6).isLessThan(1.0);
    assertThat(latents).isGreaterThan(store).isLessThan(1.0);
    assertThat(Cli.number(q, "/withLatentsRatio"))
        .isCloseTo(latents / oracle, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(Cli.number(q, "/storeFeaturesRatio"))
        .isCloseTo(store / oracle, org.assertj.core.data.Offset.offset(1e-9));
    // Nothing is tracked or registered.
    assertThat(Cli.ok(home, "models", "list").out()).contains("no registered models yet");
  }

  /** The console's page times: every page answered and timed, the verdict from the worst p95. */
  @Test
  void benchConsoleTimesEveryPage() {
    JsonNode r =
        Cli.ok(
                dir.resolve("console-home"),
                "bench-console",
                "--runs",
                "3",
                "--pipeline-runs",
                "2",
                "--requests",
                "5",
                "--warm-up",
                "1",
                "--json",
                "-q")
            .json();
    assertThat(Cli.integer(r, "/runs")).isEqualTo(3);
    JsonNode pages = r.get("pages");
    assertThat(pages.size()).isEqualTo(13);
    double worst = 0;
    for (JsonNode p : pages) {
      assertThat(p.get("bytes").asInt()).as(p.toString()).isPositive();
      assertThat(p.get("p95Millis").asDouble())
          .isGreaterThanOrEqualTo(p.get("p50Millis").asDouble());
      worst = Math.max(worst, p.get("p95Millis").asDouble());
    }
    assertThat(Cli.number(r, "/worstP95Millis")).isEqualTo(worst);
    assertThat(Cli.at(r, "/targetMet").asBoolean()).isEqualTo(worst <= 300);
  }
}
