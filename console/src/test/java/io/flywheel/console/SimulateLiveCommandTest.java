package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel simulate --live}: shoppers served by a policy, and its report. */
class SimulateLiveCommandTest {
  private static final String[] SMALL = {"--users", "150", "--products", "30", "--days", "1"};

  @TempDir Path dir;

  private Cli.Result simulate(String... args) {
    List<String> all = new ArrayList<>(List.of("simulate", "--out", dir.toString(), "-q"));
    all.addAll(List.of(SMALL));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  @Test
  void liveRandomPrintsTheLiveSummaryAsJson() {
    JsonNode summary = simulate("--live", "--policy", "random", "--json").json();
    assertThat(summary.fieldNames())
        .toIterable()
        .containsExactly(
            "seed",
            "startDay",
            "days",
            "policy",
            "requests",
            "answeredRequests",
            "failedRequests",
            "fallbackRequests",
            "fallbacks",
            "unknownItems",
            "droppedItems",
            "impressions",
            "clicks",
            "carts",
            "purchases",
            "clicksPer1000",
            "purchasesPer1000",
            "policyToOracle",
            "policyToPopularity",
            "firstError",
            "reportedEvents",
            "unreportedEvents");
    assertThat(Cli.text(summary, "/policy")).isEqualTo("random");
    assertThat(Cli.integer(summary, "/reportedEvents")).isZero();
    long requests = Cli.integer(summary, "/requests");
    assertThat(requests).isPositive();
    assertThat(Cli.integer(summary, "/answeredRequests")).isEqualTo(requests);
    for (String value : List.of("clicksPer1000", "purchasesPer1000")) {
      assertThat(summary.get(value).fieldNames())
          .toIterable()
          .containsExactly("policy", "oracle", "popularity", "ceiling");
    }
    assertThat(Cli.number(summary, "/purchasesPer1000/oracle"))
        .isGreaterThan(Cli.number(summary, "/purchasesPer1000/policy"));
    assertThat(dir.resolve("live.json")).isNotEmptyFile();
    assertThat(dir.resolve("events.jsonl")).isNotEmptyFile();
  }

  @Test
  void liveOracleReportsItsValueForPeople() {
    Cli.Result result = simulate("--live", "--policy", "oracle");
    assertThat(result.code()).as(result.transcript()).isZero();
    assertThat(result.out())
        .contains("served by oracle", "requests", "policy", "oracle", "popularity")
        .contains("clicks", "purchases", "policy/oracle 1.000");
  }

  @Test
  void aPolicyUrlThatIsDownFailsItsRequestsAndTheRunFinishes() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    JsonNode summary =
        simulate(
                "--live",
                "--policy",
                "http://127.0.0.1:" + port,
                "--policy-timeout",
                "500ms",
                "--json")
            .json();
    long requests = Cli.integer(summary, "/requests");
    assertThat(requests).isPositive();
    assertThat(Cli.integer(summary, "/failedRequests")).isEqualTo(requests);
    assertThat(Cli.integer(summary, "/impressions")).isZero();
    assertThat(Cli.text(summary, "/firstError")).contains("127.0.0.1:" + port);
  }

  @Test
  void badLiveOptionsExitTwoNamingTheOption() {
    Cli.Result greedy = simulate("--live", "--policy", "greedy");
    assertThat(greedy.code()).as(greedy.transcript()).isEqualTo(2);
    assertThat(greedy.err())
        .contains("--policy must be one of popularity, random, oracle or an http(s) URL")
        .contains("'greedy'");

    Cli.Result ftp = simulate("--live", "--policy", "ftp://example.com/recs");
    assertThat(ftp.code()).isEqualTo(2);
    assertThat(ftp.err()).contains("--policy");

    Cli.Result withoutLive = simulate("--policy", "oracle");
    assertThat(withoutLive.code()).isEqualTo(2);
    assertThat(withoutLive.err()).contains("--policy needs --live");

    Cli.Result lateStart = simulate("--live", "--start-day", "1");
    assertThat(lateStart.code()).isEqualTo(2);
    assertThat(lateStart.err()).contains("--start-day must be a day of the world, 0 to 0");

    Cli.Result builtInReports = simulate("--live", "--policy", "oracle", "--report-events");
    assertThat(builtInReports.code()).isEqualTo(2);
    assertThat(builtInReports.err()).contains("--report-events needs a policy URL");

    Cli.Result speed = simulate("--live", "--speed", "-1");
    assertThat(speed.code()).isEqualTo(2);
    assertThat(speed.err()).contains("--speed");
    assertThat(dir.resolve("events.jsonl")).doesNotExist();
  }
}
