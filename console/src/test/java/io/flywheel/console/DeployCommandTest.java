package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.deploy.ModelRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel deploy}, {@code rollout}, {@code infer} and {@code serve-models}, each test on
 * its own copy of the trained shop (a CTR champion, a CTR challenger and the recommenders, nothing
 * deployed).
 */
class DeployCommandTest {
  @TempDir Path dir;

  private Path freshHome() {
    return ShopWorlds.copy(ShopWorlds.trained().home(), dir.resolve("home"));
  }

  @Test
  void aChallengerGoesOnTrialTakesItsShareOfTrafficAndIsPromoted() throws IOException {
    ShopWorlds.Trained shop = ShopWorlds.trained();
    int champion = shop.championVersion();
    int challenger = shop.challengerVersion();
    Path home = freshHome();
    // The first version deployed goes live at once.
    JsonNode first = Cli.ok(home, "deploy", "flywheel-ctr", "--json").json();
    assertThat(Cli.integer(first, "/live")).isEqualTo(champion);
    assertThat(Cli.at(first, "/canary").isNull()).isTrue();
    // Deploying the live version again succeeds and changes nothing.
    Cli.Result again = run(home, "deploy", "flywheel-ctr");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("is already live on the", "nothing to do");
    // A later one goes on trial.
    JsonNode canary =
        Cli.ok(home, "deploy", "flywheel-ctr@challenger", "--canary", "50", "--json").json();
    assertThat(Cli.integer(canary, "/live")).isEqualTo(champion);
    assertThat(Cli.integer(canary, "/canary")).isEqualTo(challenger);
    assertThat(Cli.integer(canary, "/canaryPercent")).isEqualTo(50);

    Path rows = dir.resolve("rows.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      lines.append(row("u" + i, i % 4, featureNames(home, champion))).append('\n');
    }
    Files.writeString(rows, lines);
    Cli.Result scored = Cli.ok(home, "infer", "flywheel-ctr", "--input", rows.toString());
    List<JsonNode> results = new ArrayList<>();
    for (String line : scored.out().split("\n")) {
      results.add(Cli.parse(line));
    }
    assertThat(results)
        .hasSize(20)
        .allSatisfy(
            r -> {
              assertThat(Cli.number(r, "/score")).isBetween(0.0, 1.0);
              assertThat(Cli.text(r, "/key")).startsWith("u");
            });
    // Routed by key: both the live version and the canary answer some of the rows.
    assertThat(results.stream().map(r -> (int) Cli.integer(r, "/version")).distinct())
        .containsExactlyInAnyOrder(champion, challenger);

    JsonNode promoted = Cli.ok(home, "rollout", "promote", "flywheel-ctr", "--json").json();
    assertThat(Cli.integer(promoted, "/live")).isEqualTo(challenger);
    assertThat(Cli.at(promoted, "/canary").isNull()).isTrue();
    Cli.Result status = Cli.ok(home, "rollout", "status", "flywheel-ctr");
    assertThat(status.out()).contains("live v" + challenger, "promoted", "manual");
  }

  /** The feature names the deployed version takes, in order. */
  static List<String> featureNames(Path home, int version) throws IOException {
    return new ModelRepository(home.resolve("deploy").resolve("repository"))
        .readMetadata("flywheel-ctr", version)
        .featureNames();
  }

  /** An infer row: every feature unknown (null) but the position. */
  static String row(String key, int position, List<String> names) {
    StringBuilder row = new StringBuilder("{\"key\":\"" + key + "\"");
    for (String name : names) {
      row.append(",\"")
          .append(name)
          .append("\":")
          .append(name.equals("position") ? position : "null");
    }
    return row.append('}').toString();
  }

  @Test
  void whatCannotBeDeployedOrScoredIsRefused() throws IOException {
    Path home = freshHome();
    Cli.Result recs = run(home, "deploy", "flywheel-recs");
    assertThat(recs.code()).isEqualTo(1);
    assertThat(recs.err()).contains("not a deployable XGBoost model");
    Cli.Result badShare = run(home, "deploy", "flywheel-ctr", "--canary", "0");
    assertThat(badShare.code()).isEqualTo(2);
    assertThat(badShare.err()).contains("--canary", "got 0");
    Cli.Result noSuchVersion = run(home, "deploy", "flywheel-ctr:99");
    assertThat(noSuchVersion.code()).isNotZero();
    assertThat(noSuchVersion.err())
        .contains("Model version 99 of 'flywheel-ctr' does not exist", "RESOURCE_DOES_NOT_EXIST")
        .doesNotContain("statusCode=", "reasonPhrase");
    Cli.Result neverDeployed = run(home, "rollout", "status", "flywheel-cvr");
    assertThat(neverDeployed.code()).isEqualTo(2);
    assertThat(neverDeployed.err()).contains("never deployed");

    Cli.ok(home, "deploy", "flywheel-ctr");
    Path rows = Files.writeString(dir.resolve("rows.jsonl"), "{\"nope\": 1}\n");
    Cli.Result badRow = run(home, "infer", "flywheel-ctr", "--input", rows.toString());
    assertThat(badRow.code()).isEqualTo(2);
    assertThat(badRow.err()).contains("line 1", "unknown features [nope]");
    List<String> names = featureNames(home, ShopWorlds.trained().championVersion());
    Files.writeString(
        rows,
        row("u1", 1, names)
            + "\n"
            + row("u2", 2, names).replace("\"position\":2", "\"position\":\"abc\"")
            + "\n");
    Cli.Result notANumber = run(home, "infer", "flywheel-ctr", "--input", rows.toString());
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(notANumber.err())
        .contains("--input line 2", "feature 'position'", "expected a number", "\"abc\"");
    Files.writeString(rows, "{\"position\": 1}\n");
    Cli.Result missing = run(home, "infer", "flywheel-ctr", "--input", rows.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--input line 1", "missing features", "null for unknown");
    Files.write(rows, new byte[] {'\n', (byte) 0xC0, (byte) 0x80, '\n'});
    Cli.Result binary = run(home, "infer", "flywheel-ctr", "--input", rows.toString());
    assertThat(binary.code()).isEqualTo(2);
    assertThat(binary.err()).contains("--input line 2", "not UTF-8 text");
    Cli.Result directory = run(home, "infer", "flywheel-ctr", "--input", dir.toString());
    assertThat(directory.err()).contains("--input", "is a directory");
    Cli.Result badAction = run(home, "rollout", "restart", "flywheel-ctr");
    assertThat(badAction.code()).isEqualTo(2);
    assertThat(badAction.err()).contains("ACTION", "restart");
  }

  @Test
  void serveModelsServesTheLiveVersionUntilStopped() throws Exception {
    int champion = ShopWorlds.trained().championVersion();
    Path home = freshHome();
    Cli.ok(home, "deploy", "flywheel-ctr");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicInteger code = new AtomicInteger(-1);
    // It serves until Ctrl-C; here the thread running it is interrupted instead.
    Thread server =
        new Thread(
            () ->
                code.set(
                    FlywheelCli.execute(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        "--home",
                        home.toString(),
                        "serve-models",
                        "--port",
                        "0",
                        "--http-port",
                        "0")),
            "serve-models");
    server.setDaemon(true);
    server.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!out.toString().contains("Ctrl-C stops")
          && server.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(out.toString())
          .as("%s%n%s", out, err)
          .contains("Ctrl-C stops")
          .contains("serving flywheel-ctr [" + champion + "]");
      Matcher http =
          Pattern.compile("/health and /metrics on http://([^:]+):(\\d+)").matcher(out.toString());
      assertThat(http.find()).as(out.toString()).isTrue();
      String base = "http://127.0.0.1:" + http.group(2);
      HttpClient client = HttpClient.newHttpClient();
      JsonNode health =
          Cli.parse(
              client
                  .send(
                      HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(Cli.text(health, "/status")).isEqualTo("up");
      assertThat(Cli.text(health, "/models/flywheel-ctr/state")).isEqualTo("ready");
      assertThat(Cli.at(health, "/models/flywheel-ctr/versions").toString())
          .isEqualTo("[" + champion + "]");
    } finally {
      server.interrupt();
      server.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(server.isAlive()).isFalse();
    assertThat(code.get()).as("serve-models returned").isNotEqualTo(-1);
  }
}
