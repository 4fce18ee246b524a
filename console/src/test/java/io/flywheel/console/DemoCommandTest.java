package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel demo}: the whole product, step by step, on a small shop. What each command does
 * on its own is tested in the command's class; this checks the demo's transcript and that it leaves
 * a home the other commands can work on.
 */
class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoRunsTheWholeProductOnASmallShop() {
    Path home = dir.resolve("demo-home");
    Cli.Result result =
        run(
            home,
            "demo",
            "--users",
            "300",
            "--products",
            "50",
            "--days",
            "3",
            "--min-auc",
            "0",
            "--quiet");
    assertThat(result.code()).as(result.transcript()).isZero();
    assertThat(result.out())
        .contains(
            "== 1. Simulate a shop",
            "== 2. Read the stream back",
            "duplicates recognised",
            "dead-lettered",
            "== 3. Streaming features",
            "labelled examples",
            "== 4. Serve features",
            "GET /health -> {\"status\":\"up\"",
            "training set:",
            "oracle (the simulator's true click probability)",
            "== 5. Train CTR, conversion and ranking models",
            "embedded MLflow-compatible server",
            "flywheel-ctr version 1 (champion)",
            "oracle AUC",
            "logistic baseline (gblinear) on the same rows",
            "recommenders",
            "covisitation",
            "registry: flywheel-ctr v1",
            "== 6. Deploy the CTR champion",
            "largest difference from in-process xgboost4j 0.00e+00",
            "== 7. Orchestrate",
            "(smoke-test, 2026-01-12): SUCCEEDED",
            "(train-evaluate-deploy, 2026-01-12): SUCCEEDED",
            "outcome on MLflow run",
            "drift trigger armed and checked: 0 retraining runs",
            "== 8. Content",
            "(refused)",
            "planted",
            "search \"",
            "(content-campaign, 2026-01-12): SUCCEEDED",
            "== 9. One local platform",
            "== 10. Delivery",
            "0 failed",
            "stopped (as `flywheel down` does)");
    // Every service of the platform answered healthy, and features were read through its server.
    Matcher services =
        Pattern.compile(
                "(?m)^  (tracking|inference|temporal|pipelines|features|elasticsearch|delivery|console)\\s+\\S+\\s+up")
            .matcher(result.out());
    assertThat(services.results().count()).as(result.out()).isEqualTo(8);
    // Every section of the web console answered.
    Matcher pages = Pattern.compile("(?m)^  /\\S*\\s+HTTP 200 in +\\d+ ms").matcher(result.out());
    assertThat(pages.results().count()).as(result.out()).isEqualTo(7);
    // Every item the delivery API answered was logged by it: what the simulator showed, plus what
    // it could not show (items unknown to the world, or repeated).
    Matcher logged =
        Pattern.compile("logged ([\\d,]+) impressions for it .* the simulator saw ([\\d,]+) shown")
            .matcher(result.out());
    Matcher notShown =
        Pattern.compile("items +([\\d,]+) unknown to the world, ([\\d,]+) dropped")
            .matcher(result.out());
    assertThat(logged.find()).as(result.out()).isTrue();
    assertThat(notShown.find()).as(result.out()).isTrue();
    assertThat(number(logged.group(1)))
        .isEqualTo(number(logged.group(2)) + number(notShown.group(1)) + number(notShown.group(2)))
        .isPositive();
    // The experiment delivery ran that day was read back with a decision.
    assertThat(result.out())
        .contains("== 11. Conversion experiment", "shoppers exposed", "decision: ");
    // The shoppers' pages posted their clicks to delivery's collector, and the bandit arm learnt
    // from them: every angle it chose was shown, and the clicks it counted came from those posts.
    Matcher posted =
        Pattern.compile("events posted to the collector: ([\\d,]+) \\(0 refused or lost\\)")
            .matcher(result.out());
    assertThat(posted.find()).as(result.out()).isTrue();
    assertThat(number(posted.group(1))).isPositive();
    Matcher bandit =
        Pattern.compile("(?m)^    home/\\S+ +\\S+ +([\\d,]+) +([\\d,]+) +\\d+\\.\\d%$")
            .matcher(result.out());
    long shown = 0;
    long clicks = 0;
    while (bandit.find()) {
      shown += number(bandit.group(1));
      clicks += number(bandit.group(2));
    }
    assertThat(shown).as(result.out()).isPositive();
    assertThat(clicks).isPositive().isLessThan(shown);
    assertThat(result.out())
        .containsPattern("candidate angle:stock, from [\\d,]+ decisions of campaign-copy / bandit")
        .containsPattern("(?m)^    dr +click rate +\\d+\\.\\d+% \\[");
    assertThat(result.out()).containsPattern("product_stats p1 \\d+ values");
    assertThat(home.resolve("demo").resolve("services.json")).doesNotExist();
    // The true probabilities rank clicks far better than chance, and the interval holds them.
    Matcher auc =
        Pattern.compile("ROC AUC (\\d\\.\\d+) \\(95% CI (\\d\\.\\d+)-(\\d\\.\\d+)\\)")
            .matcher(result.out());
    assertThat(auc.find()).as(result.out()).isTrue();
    double estimate = Double.parseDouble(auc.group(1));
    assertThat(estimate)
        .isGreaterThan(0.6)
        .isLessThan(1.0)
        .isBetween(Double.parseDouble(auc.group(2)), Double.parseDouble(auc.group(3)));
    Path demo = home.resolve("demo");
    assertThat(demo.resolve("world").resolve("events.jsonl")).isNotEmptyFile();
    assertThat(demo.resolve("dead-letter").resolve("events.jsonl")).exists();

    // The demo's folder is a home like any other: the registry commands read what it made.
    Cli.Result listed = Cli.ok(demo, "models", "list", "--json");
    assertThat(listed.json().findValuesAsText("name")).contains("flywheel-ctr");
  }

  private static long number(String digits) {
    return Long.parseLong(digits.replace(",", ""));
  }
}
