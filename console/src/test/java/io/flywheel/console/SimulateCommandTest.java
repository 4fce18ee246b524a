package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel simulate}: the shop's files, its report, its progress and its arguments. */
class SimulateCommandTest {
  @TempDir Path dir;

  @Test
  void simulateWritesTheShopUnderHomeAndReportsJson() {
    Path home = dir.resolve("home");
    Cli.Result result =
        run(
            "--home",
            home.toString(),
            "simulate",
            "--users",
            "200",
            "--products",
            "40",
            "--days",
            "3",
            "--quiet",
            "--json");
    JsonNode summary = result.json();
    assertThat(Cli.integer(summary, "/users")).isEqualTo(200);
    assertThat(Cli.integer(summary, "/impressions")).isPositive();
    for (String file :
        List.of(
            "products.jsonl",
            "users.jsonl",
            "content.jsonl",
            "campaigns.jsonl",
            "events.jsonl",
            "truth.jsonl",
            "summary.json")) {
      assertThat(home.resolve("world").resolve(file)).isNotEmptyFile();
    }
    // --home is accepted after the subcommand too.
    Path other = dir.resolve("other");
    assertThat(
            run(
                    "simulate",
                    "--home",
                    other.toString(),
                    "--users",
                    "50",
                    "--products",
                    "10",
                    "--days",
                    "1",
                    "-q")
                .code())
        .isZero();
    assertThat(other.resolve("world").resolve("events.jsonl")).isNotEmptyFile();
  }

  @Test
  void simulateShowsProgressLinesWithRate() {
    Cli.Result result =
        run(
            "simulate",
            "--out",
            dir.resolve("w").toString(),
            "--users",
            "100",
            "--products",
            "20",
            "--days",
            "1");
    assertThat(result.code()).as(result.transcript()).isZero();
    assertThat(result.err()).contains("simulate", "24/24 h", "events", "ev/s");
    assertThat(result.out()).contains("CTR", "truth expects");
  }

  @Test
  void badArgumentsExitNonZeroNamingTheOption() throws IOException {
    Cli.Result negative = run("simulate", "--users", "-5", "--out", dir.toString());
    assertThat(negative.code()).isEqualTo(2);
    assertThat(negative.err()).contains("--users must be at least 1, got -5");

    Cli.Result days = run("simulate", "--days", "0", "--out", dir.toString());
    assertThat(days.code()).isEqualTo(2);
    assertThat(days.err()).contains("--days");

    Cli.Result dirty = run("simulate", "--dirty", "0.9", "--out", dir.toString());
    assertThat(dirty.code()).isEqualTo(2);
    assertThat(dirty.err()).contains("--dirty must be between 0 and 0.25");

    Cli.Result notANumber = run("simulate", "--products", "many");
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--products");

    // A folder under a regular file can never be created, even by root.
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    Cli.Result unwritable = run("simulate", "--out", file.resolve("world").toString());
    assertThat(unwritable.code()).isEqualTo(2);
    assertThat(unwritable.err()).contains("--out", "cannot be written");

    Path world = Files.writeString(dir.resolve("world.yaml"), "slotsize: 3\n");
    Cli.Result badWorld = run("simulate", "--world", world.toString(), "--out", dir.toString());
    assertThat(badWorld.code()).isEqualTo(2);
    assertThat(badWorld.err()).contains("--world", "unknown field 'slotsize'");
    // None of them wrote a world.
    assertThat(dir.resolve("events.jsonl")).doesNotExist();
  }
}
