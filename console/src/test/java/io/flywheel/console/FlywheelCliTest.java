package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.workflows.FlywheelTasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FlywheelCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = FlywheelCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void everyCommandHasHelp() {
    CommandLine cli = new CommandLine(new FlywheelCli());
    List<String> names = new ArrayList<>(cli.getSubcommands().keySet());
    names.remove("help");
    assertThat(names)
        .contains(
            "simulate",
            "demo",
            "validate",
            "features",
            "train",
            "evaluate",
            "models",
            "deploy",
            "rollout",
            "serve-models",
            "infer",
            "bench-infer",
            "pipelines",
            "bench-quality");
    Result top = run("--help");
    assertThat(top.code()).isZero();
    assertThat(top.out()).contains("Usage: flywheel", "--home");
    for (String name : names) {
      Result result = run(name, "--help");
      assertThat(result.code()).as(name).isZero();
      assertThat(result.out()).as(name).contains("Usage: flywheel " + name, "--home");
    }
  }

  @Test
  void simulateWritesTheShopUnderHomeAndReportsJson() throws IOException {
    Path home = dir.resolve("home");
    Result result =
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
    assertThat(result.code()).as(result.err()).isZero();
    JsonNode summary = JSON.readTree(result.out());
    assertThat(summary.get("users").asInt()).isEqualTo(200);
    assertThat(summary.get("impressions").asLong()).isPositive();
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
    assertThat(other.resolve("world").resolve("events.jsonl")).exists();
  }

  @Test
  void simulateShowsProgressLinesWithRate() {
    Result result =
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
    assertThat(result.code()).isZero();
    assertThat(result.err()).contains("simulate", "24/24 h", "events", "ev/s");
    assertThat(result.out()).contains("CTR", "truth expects");
  }

  @Test
  void badArgumentsExitNonZeroNamingTheOption() throws IOException {
    Result negative = run("simulate", "--users", "-5", "--out", dir.toString());
    assertThat(negative.code()).isEqualTo(2);
    assertThat(negative.err()).contains("--users must be at least 1, got -5");

    Result days = run("simulate", "--days", "0", "--out", dir.toString());
    assertThat(days.code()).isEqualTo(2);
    assertThat(days.err()).contains("--days");

    Result dirty = run("simulate", "--dirty", "0.9", "--out", dir.toString());
    assertThat(dirty.code()).isEqualTo(2);
    assertThat(dirty.err()).contains("--dirty must be between 0 and 0.25");

    Result notANumber = run("simulate", "--products", "many");
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--products");

    // A folder under a regular file can never be created, even by root.
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    Result unwritable = run("simulate", "--out", file.resolve("world").toString());
    assertThat(unwritable.code()).isEqualTo(2);
    assertThat(unwritable.err()).contains("--out", "cannot be written");

    Path world = Files.writeString(dir.resolve("world.yaml"), "slotsize: 3\n");
    Result badWorld = run("simulate", "--world", world.toString(), "--out", dir.toString());
    assertThat(badWorld.code()).isEqualTo(2);
    assertThat(badWorld.err()).contains("--world", "unknown field 'slotsize'");
  }

  @Test
  void validateFailsFastOrDeadLetters() throws IOException {
    Path events = dir.resolve("events.jsonl");
    Files.write(
        events,
        List.of(
            "{\"eventId\":\"e1\",\"type\":\"click\",\"userId\":\"u\",\"productId\":\"p\","
                + "\"timestamp\":5,\"receivedAt\":6}",
            "{\"eventId\":\"e2\",\"type\":\"click\",\"userId\":\"u\",\"productId\":\"p\","
                + "\"timestamp\":\"noon\",\"receivedAt\":6}"));
    Result failFast = run("validate", "events", events.toString());
    assertThat(failFast.code()).isEqualTo(1);
    assertThat(failFast.err()).contains("events.jsonl:2: field 'timestamp'");

    Path dead = dir.resolve("dead.jsonl");
    Result lenient =
        run("validate", "events", events.toString(), "--dead-letter", dead.toString(), "--json");
    assertThat(lenient.code()).isZero();
    JsonNode report = JSON.readTree(lenient.out());
    assertThat(report.get("accepted").asLong()).isEqualTo(1);
    assertThat(report.get("rejected").asLong()).isEqualTo(1);
    assertThat(Files.readAllLines(dead)).hasSize(1);

    Result badKind = run("validate", "orders", events.toString());
    assertThat(badKind.code()).isEqualTo(2);
    assertThat(badKind.err()).contains("KIND", "unknown record kind 'orders'");
  }

  @Test
  void featuresRunFillsTheStoresAndGetReadsThem() throws IOException {
    Path home = dir.resolve("features-home");
    assertThat(
            run(
                    "--home",
                    home.toString(),
                    "simulate",
                    "--users",
                    "80",
                    "--products",
                    "20",
                    "--days",
                    "2",
                    "-q")
                .code())
        .isZero();
    Result features = run("--home", home.toString(), "features", "run", "--json");
    assertThat(features.code()).as(features.err()).isZero();
    JsonNode result = JSON.readTree(features.out());
    assertThat(result.get("accepted").asLong()).isPositive();
    assertThat(result.get("trainingExamples").asLong()).isPositive();
    assertThat(features.err()).contains("features", "co-visitation", "MB");

    String user =
        JSON.readTree(Files.readAllLines(home.resolve("world").resolve("events.jsonl")).get(0))
            .get("userId")
            .asText();
    Result get =
        run(
            "--home",
            home.toString(),
            "features",
            "get",
            "--view",
            "user_activity",
            "--key",
            user,
            "--json");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(JSON.readTree(get.out()).at("/values/impressions_7d").asDouble()).isPositive();
    Result nobody =
        run(
            "--home",
            home.toString(),
            "features",
            "get",
            "--view",
            "user_activity",
            "--key",
            "nobody");
    assertThat(nobody.code()).isEqualTo(1);
    assertThat(nobody.err()).contains("no live features for --key nobody");
    Result product =
        run("--home", home.toString(), "features", "get", "--view", "product_stats", "--key", "p0");
    assertThat(product.code()).as(product.err()).isZero();
    assertThat(product.out()).contains("product_stats p0 as of", "impressions_7d");

    Result badView =
        run("--home", home.toString(), "features", "get", "--view", "orders", "--key", "u0");
    assertThat(badView.code()).isEqualTo(2);
    assertThat(badView.err()).contains("--view", "unknown feature view 'orders'");
    Result missing =
        run(
            "--home",
            home.toString(),
            "features",
            "run",
            "--events",
            dir.resolve("nope.jsonl").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--events", "no such file");
    Result badDuration =
        run("--home", home.toString(), "features", "run", "--allowed-lateness", "soon");
    assertThat(badDuration.code()).isEqualTo(2);
    assertThat(badDuration.err()).contains("--allowed-lateness", "'soon' is not a duration");
  }

  @Test
  void benchmarkModesMeasureTheJobsAlone() throws IOException {
    Path home = dir.resolve("bench-home");
    assertThat(
            run(
                    "--home",
                    home.toString(),
                    "simulate",
                    "--users",
                    "300",
                    "--products",
                    "30",
                    "--days",
                    "3",
                    "-q")
                .code())
        .isZero();
    Result heap =
        run(
            "--home",
            home.toString(),
            "features",
            "run",
            "--state-backend",
            "hashmap",
            "--discard-outputs",
            "--json",
            "-q");
    assertThat(heap.code()).as(heap.err()).isZero();
    assertThat(JSON.readTree(heap.out()).get("trainingExamples").asLong()).isPositive();
    assertThat(home.resolve("features").resolve("offline")).doesNotExist();
    assertThat(home.resolve("features").resolve("online")).doesNotExist();
    Result badBackend =
        run("--home", home.toString(), "features", "run", "--state-backend", "disk");
    assertThat(badBackend.code()).isEqualTo(2);
    assertThat(badBackend.err()).contains("--state-backend", "disk");

    Result fresh =
        run(
            "--home",
            home.toString(),
            "features",
            "bench-freshness",
            "--rate",
            "1000",
            "--warm-up",
            "0s");
    assertThat(fresh.code()).as(fresh.err()).isZero();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "p50 (\\d+) ms, p99 (\\d+) ms, max \\d+ ms over ([\\d,]+) watched events "
                    + "\\(0 never seen\\)")
            .matcher(fresh.out());
    assertThat(m.find()).as(fresh.out()).isTrue();
    assertThat(Long.parseLong(m.group(3).replace(",", ""))).isGreaterThan(20);
    // Visible well before a checkpoint (every 10 s) would have flushed it.
    assertThat(Long.parseLong(m.group(1))).isLessThan(5_000);
  }

  @Test
  void theClasspathHoldsOnlyFlinksKryoAndNoScala() {
    // XGBoost brings Kryo 5 and Scala; Kryo 5 shares Flink's Kryo package and corrupts the
    // records between operators (the demo hung on it), so the build must keep them out.
    List<String> jars =
        List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
    assertThat(jars).anyMatch(j -> j.contains("xgboost4j"));
    assertThat(jars)
        .filteredOn(j -> j.matches(".*/kryo-\\d.*"))
        .allMatch(j -> j.contains("kryo-2.24"), "only Flink's Kryo 2.24");
    assertThat(jars).noneMatch(j -> j.contains("scala-library"));
  }

  @Test
  void demoRunsTheWholeProductOnASmallShop() throws Exception {
    Path home = dir.resolve("demo-home");
    Result result =
        run(
            "--home",
            home.toString(),
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
    assertThat(result.code()).as(result.err()).isZero();
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
            "drift trigger armed and checked: 0 retraining runs");
    // The true probabilities rank clicks far better than chance, and the interval holds them.
    java.util.regex.Matcher auc =
        java.util.regex.Pattern.compile(
                "ROC AUC (\\d\\.\\d+) \\(95% CI (\\d\\.\\d+)-(\\d\\.\\d+)\\)")
            .matcher(result.out());
    assertThat(auc.find()).as(result.out()).isTrue();
    double estimate = Double.parseDouble(auc.group(1));
    assertThat(estimate)
        .isGreaterThan(0.6)
        .isLessThan(1.0)
        .isBetween(Double.parseDouble(auc.group(2)), Double.parseDouble(auc.group(3)));
    assertThat(home.resolve("demo").resolve("world").resolve("events.jsonl")).isNotEmptyFile();
    assertThat(home.resolve("demo").resolve("dead-letter").resolve("events.jsonl")).exists();
    trainEvaluateAndAliasOnTheDemosStore(home.resolve("demo"));
  }

  /** Pipelines: list, run locally to the end, status from the run index, bad input. */
  private void runPipelinesOnTheDemosHome(Path home) throws Exception {
    Files.createDirectories(home.resolve("pipelines"));
    Files.writeString(
        home.resolve("pipelines").resolve("gated.yaml"),
        String.join(
            "\n",
            "name: gated",
            "params: {ok: \"false\"}",
            "tasks:",
            "  - id: gate",
            "    type: check",
            "    params: {condition: \"{{ params.ok }}\", message: \"gate refused\"}",
            "  - {id: after, type: noop, upstream: gate}",
            ""));
    Result listed = run("--home", home.toString(), "pipelines", "list");
    assertThat(listed.out()).contains("smoke-test", "gated");
    Result passed =
        run(
            "--home",
            home.toString(),
            "pipelines",
            "run",
            "gated",
            "--param",
            "ok=true",
            "--date",
            "2026-02-01",
            "--json");
    assertThat(passed.code()).as(passed.err()).isZero();
    JsonNode state = JSON.readTree(passed.out().substring(passed.out().indexOf('{')));
    assertThat(state.get("status").asText()).isEqualTo("SUCCEEDED");
    Result failed = run("--home", home.toString(), "pipelines", "run", "gated");
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.out()).contains("FAILED", "UPSTREAM_FAILED", "gate refused");
    String runId =
        failed
            .out()
            .lines()
            .filter(l -> l.startsWith("started "))
            .findFirst()
            .orElseThrow()
            .split(" ")[1];
    // The service that ran it is gone; the run index still knows how it ended.
    Result status = run("--home", home.toString(), "pipelines", "status", runId);
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains(runId, "FAILED");
    // The shipped ML pipeline, end to end: the new version is judged against the champion,
    // registered, passes the gate, goes on trial, earns promotion on replayed traffic, and the
    // outcome lands on its MLflow run.
    String truth = home.resolve("world").resolve("truth.jsonl").toString();
    Result shipped =
        run(
            "--home",
            home.toString(),
            "pipelines",
            "run",
            "train-evaluate-deploy",
            "--param",
            "model=ctr",
            "--param",
            "truth=" + truth,
            "--param",
            "min_metric=0.0",
            "--json");
    assertThat(shipped.code()).as(shipped.out() + shipped.err()).isZero();
    JsonNode ted = JSON.readTree(shipped.out().substring(shipped.out().indexOf('{')));
    String newVersion = ted.at("/tasks/register/outputs/version").asText();
    String runOfModel = ted.at("/tasks/train/outputs/run_id").asText();
    assertThat(ted.at("/tasks/train/outputs/trained").asText()).isEqualTo("new");
    assertThat(ted.at("/tasks/evaluate/outputs/champion").asText()).isEqualTo("3");
    assertThat(ted.at("/tasks/evaluate/outputs/gain").asDouble()).isZero(); // same data, seed
    assertThat(ted.at("/tasks/approve/outputs/approved").asText()).isEqualTo("not required");
    assertThat(ted.at("/tasks/deploy/outputs/outcome").asText()).isEqualTo("live");
    assertThat(ted.at("/tasks/deploy/outputs/detail").asText()).contains("promoted", "automatic");
    assertThat(ted.at("/tasks/record/outputs/outcome").asText()).isEqualTo("live");
    Result rollout = run("--home", home.toString(), "rollout", "status", "flywheel-ctr", "--json");
    assertThat(JSON.readTree(rollout.out()).get("live").asText()).isEqualTo(newVersion);
    try (io.flywheel.registry.ModelRegistry registry =
        io.flywheel.registry.ModelRegistry.open(home, null, null)) {
      var tracked = registry.run(runOfModel);
      assertThat(tracked.tags()).containsEntry(FlywheelTasks.OUTCOME_TAG, "live");
      assertThat(tracked.metrics()).containsKeys("champion_auc", "auc_vs_champion");
      assertThat(registry.aliased("flywheel-ctr", "champion").orElseThrow().version())
          .isEqualTo(Integer.parseInt(newVersion));
    }
    // The same pipeline stopped by its gate: nothing deployed, the rejection recorded.
    // A challenger no better than the champion is not deployed either (min_gain 0.01).
    Result gated =
        run(
            "--home",
            home.toString(),
            "pipelines",
            "run",
            "train-evaluate-deploy",
            "--param",
            "model=ctr",
            "--param",
            "min_metric=0.99",
            "--param",
            "min_gain=0.01",
            "--json");
    assertThat(gated.code()).isEqualTo(1);
    JsonNode rejected = JSON.readTree(gated.out().substring(gated.out().indexOf('{')));
    assertThat(rejected.at("/tasks/gate/error").asText())
        .contains("fails auc >= 0.99", "auc_vs_champion 0.0000 fails auc_vs_champion >= 0.01");
    assertThat(rejected.at("/tasks/deploy/state").asText()).isEqualTo("UPSTREAM_FAILED");
    assertThat(rejected.at("/tasks/record/outputs/outcome").asText()).isEqualTo("rejected_by_gate");
    // Asked for a person's approval that never comes: not deployed, and said so on the run.
    Result unapproved =
        run(
            "--home",
            home.toString(),
            "pipelines",
            "run",
            "train-evaluate-deploy",
            "--param",
            "model=ctr",
            "--param",
            "min_metric=0",
            "--param",
            "approval=true",
            "--param",
            "approval_timeout=2s",
            "--json");
    assertThat(unapproved.code()).isEqualTo(1);
    JsonNode waited = JSON.readTree(unapproved.out().substring(unapproved.out().indexOf('{')));
    assertThat(waited.at("/tasks/approve/error").asText()).contains("not approved within");
    assertThat(waited.at("/tasks/record/outputs/outcome").asText()).isEqualTo("not_approved");
    Result after = run("--home", home.toString(), "rollout", "status", "flywheel-ctr", "--json");
    assertThat(JSON.readTree(after.out()).get("live").asText()).isEqualTo(newVersion);
    assertThat(JSON.readTree(after.out()).get("canary").isNull()).isTrue();

    // A retried task finds its earlier result instead of doing the work again.
    TaskContextStub ctx = new TaskContextStub("retry-run", "train", Map.of("model", "ctr"));
    Map<String, String> first = FlywheelTasks.train(home, FlywheelConfig.local(), ctx);
    Map<String, String> again = FlywheelTasks.train(home, FlywheelConfig.local(), ctx);
    assertThat(first.get("trained")).isEqualTo("new");
    assertThat(again.get("trained")).isEqualTo("reused");
    assertThat(again.get("run_id")).isEqualTo(first.get("run_id"));
    TaskContextStub reg =
        new TaskContextStub("retry-run", "register", Map.of("run_id", first.get("run_id")));
    Map<String, String> registered = FlywheelTasks.register(home, FlywheelConfig.local(), reg);
    Map<String, String> reRegistered = FlywheelTasks.register(home, FlywheelConfig.local(), reg);
    assertThat(registered.get("registered")).isEqualTo("new");
    assertThat(reRegistered.get("registered")).isEqualTo("reused");
    assertThat(reRegistered.get("version")).isEqualTo(registered.get("version"));

    // Feature backfill over one day of the shop's events.
    Result backfill =
        run(
            "--home",
            home.toString(),
            "pipelines",
            "run",
            "feature-backfill",
            "--param",
            "events=" + home.resolve("world").resolve("events.jsonl"),
            "--date",
            "2026-01-06",
            "--json");
    assertThat(backfill.code()).as(backfill.out() + backfill.err()).isZero();
    JsonNode fb = JSON.readTree(backfill.out().substring(backfill.out().indexOf('{')));
    long dayEvents = fb.at("/tasks/features/outputs/events").asLong();
    long allEvents = Files.readAllLines(home.resolve("world").resolve("events.jsonl")).size();
    assertThat(dayEvents).isPositive().isLessThan(allEvents);
    assertThat(fb.at("/tasks/features/outputs/accepted").asLong()).isPositive();
    // The day's partitions were replaced, not added to; a second run replaces them again.
    LocalDate jan6 = LocalDate.of(2026, 1, 6);
    long dayExamples = fb.at("/tasks/features/outputs/examples").asLong();
    assertThat(fb.at("/tasks/features/outputs/replaced_partitions").asInt()).isPositive();
    try (io.flywheel.featurestore.FeatureStore store =
        io.flywheel.featurestore.FeatureStore.open(home, null)) {
      assertThat(store.trainingSet(jan6, jan6)).hasSize((int) dayExamples);
    }
    Result rerun =
        run(
            "--home",
            home.toString(),
            "pipelines",
            "run",
            "feature-backfill",
            "--param",
            "events=" + home.resolve("world").resolve("events.jsonl"),
            "--date",
            "2026-01-06");
    assertThat(rerun.code()).as(rerun.out() + rerun.err()).isZero();
    try (io.flywheel.featurestore.FeatureStore store =
        io.flywheel.featurestore.FeatureStore.open(home, null)) {
      assertThat(store.trainingSet(jan6, jan6)).hasSize((int) dayExamples);
    }

    Result days =
        run(
            "--home",
            home.toString(),
            "pipelines",
            "backfill",
            "gated",
            "--from",
            "2026-02-01",
            "--to",
            "2026-02-03",
            "--param",
            "ok=true",
            "--json");
    assertThat(days.code()).as(days.out() + days.err()).isZero();
    assertThat(JSON.readTree(days.out()).get("dates").toString())
        .contains("\"2026-02-01\":\"SUCCEEDED\"", "\"2026-02-03\":\"SUCCEEDED\"");

    Result unknown = run("--home", home.toString(), "pipelines", "run", "nightly");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("no pipeline named 'nightly'");
    Result badDate =
        run("--home", home.toString(), "pipelines", "run", "gated", "--date", "yesterday");
    assertThat(badDate.code()).isEqualTo(2);
    assertThat(badDate.err()).contains("--date");
  }

  /** A task's context outside Temporal, for calling a task type directly. */
  record TaskContextStub(String runId, String taskId, Map<String, String> params)
      implements io.flywheel.workflows.TaskContext {
    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public void heartbeat(String details) {
      // nothing listens outside a worker
    }
  }

  /** Deploy, canary, infer and promote from the registry the demo filled. */
  private void deployRolloutAndInferOnTheDemosRegistry(Path home) throws IOException {
    // The demo's pipeline promoted v2 to live; the trained challenger (v3) goes on trial.
    Result canary =
        run(
            "--home",
            home.toString(),
            "deploy",
            "flywheel-ctr@challenger",
            "--canary",
            "50",
            "--json");
    assertThat(canary.code()).as(canary.err()).isZero();
    JsonNode state = JSON.readTree(canary.out());
    assertThat(state.get("live").asInt()).isEqualTo(2);
    assertThat(state.get("canary").asInt()).isEqualTo(3);
    Path rows = dir.resolve("rows.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      lines.append("{\"key\":\"u").append(i).append("\",\"position\":").append(i % 4).append("}\n");
    }
    Files.writeString(rows, lines);
    Result scored =
        run("--home", home.toString(), "infer", "flywheel-ctr", "--input", rows.toString());
    assertThat(scored.code()).as(scored.err()).isZero();
    List<JsonNode> results = new ArrayList<>();
    for (String line : scored.out().split("\n")) {
      results.add(JSON.readTree(line));
    }
    assertThat(results)
        .hasSize(20)
        .allSatisfy(r -> assertThat(r.get("score").asDouble()).isBetween(0.0, 1.0));
    assertThat(results.stream().map(r -> r.get("version").asInt()).distinct())
        .containsExactlyInAnyOrder(2, 3);
    Result promoted =
        run("--home", home.toString(), "rollout", "promote", "flywheel-ctr", "--json");
    assertThat(promoted.code()).as(promoted.err()).isZero();
    assertThat(JSON.readTree(promoted.out()).get("live").asInt()).isEqualTo(3);
    Result status = run("--home", home.toString(), "rollout", "status", "flywheel-ctr");
    assertThat(status.out()).contains("live v3", "promoted", "manual");

    Result recs = run("--home", home.toString(), "deploy", "flywheel-recs");
    assertThat(recs.code()).isEqualTo(1);
    assertThat(recs.err()).contains("not a deployable XGBoost model");
    Files.writeString(rows, "{\"nope\": 1}\n");
    Result badRow =
        run("--home", home.toString(), "infer", "flywheel-ctr", "--input", rows.toString());
    assertThat(badRow.code()).isEqualTo(2);
    assertThat(badRow.err()).contains("line 1", "unknown features [nope]");
    Result neverDeployed = run("--home", home.toString(), "rollout", "status", "flywheel-cvr");
    assertThat(neverDeployed.code()).isEqualTo(2);
    assertThat(neverDeployed.err()).contains("never deployed");
  }

  /** The registry commands on the store and registry the demo filled (no second feature run). */
  private void trainEvaluateAndAliasOnTheDemosStore(Path home) throws Exception {
    String truth = home.resolve("world").resolve("truth.jsonl").toString();
    Result listed = run("--home", home.toString(), "models", "list", "--json");
    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(JSON.readTree(listed.out()).findValuesAsText("name")).contains("flywheel-ctr");

    Result trained =
        run("--home", home.toString(), "train", "--model", "ctr", "--truth", truth, "--json", "-q");
    assertThat(trained.code()).as(trained.err()).isZero();
    JsonNode t = JSON.readTree(trained.out());
    // The demo's pipeline made v2 and promoted it to champion; this is v3.
    assertThat(t.get("version").asInt()).isEqualTo(3);
    assertThat(t.get("alias").asText()).isEqualTo("challenger");
    assertThat(t.get("runId").asText()).hasSize(32);
    double auc = t.at("/metrics/auc").asDouble();
    // A 3-day, 300-shopper shop is too small for the model to shine; the oracle still ranks well.
    assertThat(auc).isBetween(0.0, 1.0);
    assertThat(t.at("/metrics/oracle_auc").asDouble()).isBetween(0.6, 1.0);
    // Same data, same seed: the challenger equals the champion on the same rows.
    assertThat(t.at("/metrics/auc_vs_champion").asDouble()).isZero();

    Result evaluated =
        run("--home", home.toString(), "evaluate", "--model", "flywheel-ctr:3", "--json");
    assertThat(evaluated.code()).as(evaluated.err()).isZero();
    assertThat(JSON.readTree(evaluated.out()).at("/metrics/auc").asDouble()).isEqualTo(auc);

    Result alias =
        run("--home", home.toString(), "models", "alias", "flywheel-ctr", "champion", "3");
    assertThat(alias.code()).as(alias.err()).isZero();
    Result shown = run("--home", home.toString(), "models", "show", "flywheel-ctr", "--json");
    JsonNode versions = JSON.readTree(shown.out()).get("versions");
    assertThat(versions.get(0).get("version").asInt()).isEqualTo(3);
    assertThat(versions.get(0).get("aliases").toString()).contains("champion", "challenger");
    assertThat(versions.get(0).at("/tags/flywheel.data_hash").asText()).hasSize(16);
    assertThat(versions.get(1).get("aliases")).isEmpty();
    assertThat(versions.get(1).at("/tags/flywheel.outcome").asText()).isEqualTo("live");

    Result recs =
        run("--home", home.toString(), "train", "--model", "recs", "--truth", truth, "--json");
    assertThat(recs.code()).as(recs.err()).isZero();
    JsonNode r = JSON.readTree(recs.out());
    assertThat(r.get("model").asText()).isEqualTo("flywheel-recs");
    assertThat(r.get("version").asInt()).isEqualTo(2); // the demo registered the first
    assertThat(r.get("best").asText())
        .isIn("global_popularity", "category_popularity", "covisitation");
    assertThat(r.at("/figures/preference_oracle/ndcg").isNumber()).isTrue();
    assertThat(r.at("/figures/covisitation/catalog_coverage").asDouble()).isPositive();

    // The quality ceiling: the simulator's hidden truth tells a model more than the store does.
    Result ceiling = run("--home", home.toString(), "bench-quality", "--truth", truth, "--json");
    assertThat(ceiling.code()).as(ceiling.err()).isZero();
    JsonNode q = JSON.readTree(ceiling.out());
    assertThat(q.get("heldOutRows").asInt()).isPositive();
    assertThat(q.get("oracleAuc").asDouble()).isBetween(0.6, 1.0);
    assertThat(q.get("withLatentsAuc").asDouble())
        .isGreaterThan(q.get("storeFeaturesAuc").asDouble())
        .isLessThan(1.0);

    deployRolloutAndInferOnTheDemosRegistry(home);
    runPipelinesOnTheDemosHome(home);

    Result badModel = run("--home", home.toString(), "train", "--model", "ltv");
    assertThat(badModel.code()).isEqualTo(2);
    assertThat(badModel.err()).contains("--model", "ltv");
    Result noVersion = run("--home", home.toString(), "evaluate", "--model", "flywheel-ctr:9");
    assertThat(noVersion.code()).isEqualTo(1);
    assertThat(noVersion.err()).contains("flywheel-ctr:9");
    Result noModel = run("--home", home.toString(), "models", "show", "flywheel-ltv");
    assertThat(noModel.code()).isEqualTo(2);
    assertThat(noModel.err()).contains("no registered model named 'flywheel-ltv'");
  }
}
