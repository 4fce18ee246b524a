package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel up} in its own process runs every embedded service of a home; the other commands
 * of that home (in this process) find them in {@code HOME/services.json} and talk to them over
 * their protocols instead of opening the same stores; {@code flywheel down} stops them.
 */
class UpCommandTest {
  @TempDir Path dir;

  @Test
  void everyCommandUsesTheServicesUpRunsAndDownStopsThem() throws Exception {
    Path home = ShopWorlds.copy(ShopWorlds.trained().home(), dir.resolve("home"));
    Cli.ok(home, "deploy", "flywheel-ctr");
    String user =
        Cli.parse(Files.readAllLines(ShopWorlds.events(home)).get(0)).get("userId").asText();
    JsonNode before =
        Cli.ok(home, "features", "get", "--view", "user_activity", "--key", user, "--json").json();
    assertThat(Cli.ok(home, "status").out()).contains("nothing is up");

    Path log = dir.resolve("up.log");
    Process up =
        CliProcess.start(
            log, List.of(), "--home", home.toString(), "up", "--any-ports", "--no-triggers");
    try {
      CliProcess.await("up", up, () -> CliProcess.logged(log, "Flywheel is up"));
      assertThat(Files.readString(log))
          .contains("tracking", "inference", "temporal", "pipelines", "features");

      JsonNode status = Cli.ok(home, "status", "--json").json();
      assertThat(Cli.at(status, "/up").asBoolean()).isTrue();
      assertThat(Cli.integer(status, "/pid")).isEqualTo(up.pid());
      List<String> names = new ArrayList<>();
      for (JsonNode s : status.get("services")) {
        names.add(s.get("name").asText());
        assertThat(s.get("health").asText()).as(s.toString()).startsWith("up");
      }
      assertThat(names)
          .containsExactlyInAnyOrder(
              "tracking",
              "inference",
              "temporal",
              "pipelines",
              "features",
              "elasticsearch",
              "delivery",
              "console");
      // The console is up's: a second one on the same home is refused, naming it.
      Cli.Result secondConsole = Cli.run(home, "console", "--port", "0");
      assertThat(secondConsole.code()).isEqualTo(2);
      assertThat(secondConsole.err()).contains("already serves the console");

      // The stores `up` holds are read through its servers, never opened a second time.
      JsonNode served =
          Cli.ok(home, "features", "get", "--view", "user_activity", "--key", user, "--json")
              .json();
      assertThat(served.get("asOf")).isEqualTo(before.get("asOf"));
      assertThat(served.get("values")).isEqualTo(before.get("values"));
      assertThat(Cli.ok(home, "models", "list").out()).contains("flywheel-ctr");
      Path rows =
          Files.writeString(
              dir.resolve("rows.jsonl"),
              DeployCommandTest.row(
                      "u1",
                      0,
                      DeployCommandTest.featureNames(home, ShopWorlds.trained().championVersion()))
                  + "\n");
      JsonNode scored =
          Cli.parse(Cli.ok(home, "infer", "flywheel-ctr", "--input", rows.toString()).out());
      assertThat(Cli.number(scored, "/score")).isBetween(0.0, 1.0);
      // A run goes to up's Temporal service and its worker runs the tasks.
      JsonNode run =
          Cli.ok(
                  home,
                  "pipelines",
                  "run",
                  "smoke-test",
                  "--param",
                  "pause=10ms",
                  "--wait",
                  "--json")
              .jsonObject();
      assertThat(Cli.text(run, "/status")).isEqualTo("SUCCEEDED");
      // Content commands use up's Elasticsearch node rather than starting one of their own.
      Cli.Result search = Cli.run(home, "content", "search", "kettle");
      assertThat(search.code()).as(search.transcript()).isEqualTo(1);
      assertThat(search.err())
          .contains("the content index is empty")
          .doesNotContain("starting a local Elasticsearch");
      // A writer of the online store up holds is refused naming it.
      Cli.Result writer = Cli.run(home, "features", "run", "--quiet");
      assertThat(writer.code()).isNotZero();
      assertThat(writer.err()).contains(Long.toString(up.pid()));
      Cli.Result second = Cli.run(home, "up", "--any-ports");
      assertThat(second.code()).isEqualTo(2);
      assertThat(second.err()).contains("already up", Long.toString(up.pid()));

      Cli.Result down = Cli.ok(home, "down");
      assertThat(down.out()).contains("stopped 8 services");
      assertThat(up.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(home.resolve("services.json")).doesNotExist();
      assertThat(Cli.ok(home, "status").out()).contains("nothing is up");
    } finally {
      if (up.isAlive()) {
        CliProcess.kill(up);
      }
    }
  }
}
