package io.flywheel.webconsole;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.content.ContentReview;
import io.flywheel.deploy.ModelRollout;
import io.flywheel.workflows.Orchestration;
import io.flywheel.workflows.RunState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (headless Chromium through chromedriver) on a home with something
 * on every page: a run's curves drawn, two runs compared, a waiting task approved and its run
 * carrying on, a canary promoted, an experiment's result table read, content searched and an item
 * rejected, and an action refused while signed out. Screenshots of every page are kept under {@code
 * target/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebConsoleBrowserTest {
  @TempDir static Path dir;
  static ConsoleHome home;
  static WebConsole console;
  static WebDriver browser;
  static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    home = new ConsoleHome(dir);
    console = home.start();
    browser = Browser.shared();
  }

  @AfterAll
  static void stop() {
    if (console != null) {
      console.close();
    }
    if (home != null) {
      home.close();
    }
  }

  private static void open(String path) {
    browser.get(console.url() + path);
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @Test
  @Order(1)
  void signedOutActionsAreRefused() throws Exception {
    HttpResponse<String> refused =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(console.url() + "/models/" + ConsoleHome.MODEL + "/promote"))
                .POST(HttpRequest.BodyPublishers.ofString("csrf=guess"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("Sign in with the API token");
    assertThat(refused.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'");
    // In the browser: the promote button, signed out, answers with the same refusal.
    open("/models");
    browser.findElement(By.id("promote-" + ConsoleHome.MODEL)).click();
    assertThat(waiting().until(d -> d.findElement(By.cssSelector("p.problem"))).getText())
        .contains("Sign in with the API token");
    assertThat(rollout().canary()).isEqualTo(2);
    // A wrong token does not sign in.
    open("/signin");
    browser.findElement(By.id("token")).sendKeys("not-the-token");
    browser.findElement(By.cssSelector("form.signin button")).click();
    // The answer is a new page: wait for it rather than read the form's.
    assertThat(waiting().until(d -> d.findElement(By.cssSelector("p.problem"))).getText())
        .contains("not the API token");
  }

  @Test
  @Order(2)
  void aRunPageDrawsItsMetricCurves() throws Exception {
    open("/");
    Browser.screenshot(browser, "overview");
    open("/runs");
    Browser.screenshot(browser, "experiments");
    browser.findElement(By.linkText("ctr-training")).click();
    waiting().until(d -> d.findElement(By.linkText("ctr-eta-0.3")));
    Browser.screenshot(browser, "runs");
    browser.findElement(By.linkText("ctr-eta-0.3")).click();
    WebElement chart =
        waiting().until(d -> d.findElement(By.cssSelector("figure[data-drawn='true'] canvas")));
    // The canvas has ink on it: some pixel is not transparent.
    Object inked =
        ((JavascriptExecutor) browser)
            .executeScript(
                "var c = arguments[0]; var d = c.getContext('2d').getImageData(0, 0, c.width,"
                    + " c.height).data; for (var i = 3; i < d.length; i += 4) { if (d[i] > 0)"
                    + " return true; } return false;",
                chart);
    assertThat(inked).isEqualTo(true);
    assertThat(browser.findElement(By.id("params")).isDisplayed()).isTrue();
    assertThat(browser.getPageSource()).contains("eta", "0.3", "flywheel.training_window");
    // The chart logged as an artifact is shown.
    assertThat(browser.findElements(By.cssSelector(".plots img")))
        .as(browser.findElement(By.cssSelector("ul.artifacts")).getText())
        .hasSize(1);
    Browser.screenshot(browser, "run");
  }

  @Test
  @Order(3)
  void twoRunsAreComparedShowingOnlyWhatDiffers() throws Exception {
    open("/runs/experiments/" + home.experimentId);
    List<WebElement> boxes = browser.findElements(By.cssSelector("input[name=run]"));
    assertThat(boxes).hasSize(2);
    boxes.forEach(WebElement::click);
    browser.findElement(By.cssSelector("#compare-form button[type=submit]")).click();
    waiting().until(d -> d.getTitle().startsWith("Compare 2 runs"));
    String rows = browser.findElement(By.cssSelector("table.compare")).getText();
    assertThat(rows).contains("eta", "auc").doesNotContain("max_depth");
    Browser.screenshot(browser, "compare");
    // And the runs table as CSV.
    HttpResponse<String> csv =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        console.url() + "/runs/experiments/" + home.experimentId + "/runs.csv"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(csv.statusCode()).isEqualTo(200);
    List<String> lines = csv.body().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("params.eta", "metrics.auc");
  }

  @Test
  @Order(4)
  void aWaitingTaskIsApprovedAndTheRunCarriesOn() throws Exception {
    String runId =
        home.orchestration
            .pipelines()
            .submit(
                Orchestration.pipelineSpecs(home.home).get("approve-me"),
                Map.of(),
                LocalDate.of(2026, 1, 8));
    signIn();
    waitForTaskState(runId, "ask", "RUNNING");
    open("/");
    assertThat(browser.findElement(By.cssSelector("ul.attention")).getText())
        .contains("Approval waiting: approve-me");
    open("/pipelines/runs/" + runId);
    assertThat(browser.findElements(By.cssSelector("svg g.node"))).hasSize(2);
    Browser.screenshot(browser, "pipeline-run-waiting");
    browser.findElement(By.id("approve-ask")).click();
    RunState done = home.orchestration.pipelines().await(runId, Duration.ofSeconds(60));
    assertThat(done.status()).isEqualTo("SUCCEEDED");
    open("/pipelines/runs/" + runId);
    assertThat(browser.findElement(By.id("run-status")).getText()).isEqualTo("SUCCEEDED");
    // Each task's log: its attempt, what it reported, how it ended.
    browser.findElement(By.cssSelector("#task-check a.log")).click();
    assertThat(waiting().until(d -> d.findElement(By.id("task-log"))).getText())
        .contains("attempt 1 started (threshold", "attempt 1 succeeded");
    Browser.screenshot(browser, "task-log");
    open("/pipelines");
    assertThat(browser.findElements(By.cssSelector("table.grid a.cell.SUCCEEDED")))
        .hasSizeGreaterThanOrEqualTo(2);
    Browser.screenshot(browser, "pipelines");
  }

  @Test
  @Order(5)
  void aCanaryIsPromoted() throws Exception {
    signIn();
    open("/models");
    // The live version's training run says what it leans on.
    assertThat(browser.findElement(By.cssSelector("table.contributions")).getText())
        .contains("product_stats__ctr_7d", "60.0%");
    Browser.screenshot(browser, "models-before");
    browser.findElement(By.id("promote-" + ConsoleHome.MODEL)).click();
    waiting().until(d -> d.findElement(By.cssSelector(".rollout")).getText().contains("live v2"));
    assertThat(browser.findElements(By.id("promote-" + ConsoleHome.MODEL))).isEmpty();
    assertThat(rollout().live()).isEqualTo(2);
    assertThat(rollout().canary()).isNull();
    assertThat(browser.findElement(By.cssSelector("table.contributions")).getText())
        .contains("user_activity__clicks_7d", "30.0%");
    Browser.screenshot(browser, "models");
  }

  @Test
  @Order(6)
  void anExperimentsResultTableIsRead() throws Exception {
    open("/ab");
    Browser.screenshot(browser, "ab");
    browser.findElement(By.linkText("copy-test")).click();
    String table = waiting().until(d -> d.findElement(By.id("results"))).getText();
    assertThat(table).contains("conversion", "campaign", "primary", "ctr");
    assertThat(browser.findElement(By.id("decision")).getText())
        .isIn("ship", "stop", "keep running", "blocked");
    waiting().until(d -> d.findElement(By.cssSelector("figure[data-drawn='true'] canvas")));
    // The bandit arm: what it learnt, and where its choices went day by day.
    assertThat(browser.findElements(By.id("allocation")))
        .as(browser.findElement(By.tagName("main")).getText())
        .hasSize(1);
    waiting().until(d -> d.findElement(By.cssSelector("#allocation[data-drawn='true'] canvas")));
    assertThat(browser.getPageSource()).contains("home/new", "savings");
    Browser.screenshot(browser, "ab-result");
  }

  @Test
  @Order(7)
  void contentIsSearchedAndAnItemRejected() throws Exception {
    signIn();
    open("/content?q=jacket");
    assertThat(browser.findElement(By.cssSelector("ul.hits")).getText())
        .contains("Rain jacket", "needs_review", "unverified_superlative");
    Browser.screenshot(browser, "content");
    browser.findElement(By.id("reject-held-1")).click();
    waiting().until(d -> d.findElements(By.id("held-held-1")).isEmpty());
    assertThat(new ContentReview(home.home).held())
        .anySatisfy(
            h -> {
              assertThat(h.item().id()).isEqualTo("held-1");
              assertThat(h.verdict()).isEqualTo("rejected");
            });
    assertThat(browser.findElements(By.id("held-held-2"))).hasSize(1);
    open("/features");
    Browser.screenshot(browser, "features");
  }

  private static void signIn() {
    open("/");
    if (!browser.findElements(By.cssSelector("form[action='/signout']")).isEmpty()) {
      return;
    }
    open("/signin?next=/");
    browser.findElement(By.id("token")).sendKeys(ConsoleHome.TOKEN);
    browser.findElement(By.cssSelector("form.signin button")).click();
    waiting().until(d -> !d.findElements(By.cssSelector("form[action='/signout']")).isEmpty());
  }

  private static void waitForTaskState(String runId, String task, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var s = home.orchestration.pipelines().status(runId);
      if (s.isPresent()
          && s.get().tasks() != null
          && s.get().tasks().containsKey(task)
          && s.get().tasks().get(task).state().name().equals(state)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(task + " of " + runId + " never reached " + state);
  }

  private static io.flywheel.deploy.RolloutState rollout() throws Exception {
    return new ModelRollout(home.home.resolve("deploy").resolve("rollouts"), null, null, null)
        .state(ConsoleHome.MODEL);
  }
}
