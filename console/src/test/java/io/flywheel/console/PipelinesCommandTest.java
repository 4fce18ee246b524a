package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.workflows.FlywheelTasks;
import io.flywheel.workflows.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel pipelines list|run|status|backfill}: DAG pipelines run locally to the end on the
 * embedded Temporal service, and the shipped pipelines (the retraining loop, the feature backfill)
 * on their own copies of a shop.
 */
class PipelinesCommandTest {
  @TempDir static Path shared;

  /** The trained shop with its CTR champion live (the challenger stays undeployed). */
  static Path deployed;

  static ShopWorlds.Trained shop;

  @TempDir Path dir;

  @BeforeAll
  static void deployTheChampion() {
    shop = ShopWorlds.trained();
    deployed = ShopWorlds.copy(shop.home(), shared.resolve("deployed"));
    JsonNode state = Cli.ok(deployed, "deploy", "flywheel-ctr", "--json").json();
    assertThat(Cli.integer(state, "/live")).isEqualTo(shop.championVersion());
  }

  /** A home of its own with the champion live. */
  private Path deployedCopy() {
    return ShopWorlds.copy(deployed, dir.resolve("home"));
  }

  private static JsonNode rollout(Path home) {
    return Cli.ok(home, "rollout", "status", "flywheel-ctr", "--json").json();
  }

  /** Pipelines: list, run locally to the end, status from the run index, bad input. */
  @Test
  void listRunStatusBackfillAndBadInput() throws Exception {
    Path home = dir.resolve("home");
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
    Cli.Result listed = Cli.ok(home, "pipelines", "list");
    assertThat(listed.out())
        .contains("smoke-test", "train-evaluate-deploy", "feature-backfill", "gated");
    // One broken file is flagged; the others are still listed and still run.
    Path broken =
        Files.writeString(home.resolve("pipelines").resolve("broken.yaml"), "name: [oops\n");
    Cli.Result flagged = Cli.run(home, "pipelines", "list");
    assertThat(flagged.code()).isEqualTo(1);
    assertThat(flagged.out()).contains("gated", "smoke-test");
    assertThat(flagged.err()).contains("broken.yaml", "not valid YAML");
    Files.delete(broken);

    JsonNode passed =
        Cli.ok(
                home,
                "pipelines",
                "run",
                "gated",
                "--param",
                "ok=true",
                "--date",
                "2026-02-01",
                "--json")
            .jsonObject();
    assertThat(Cli.text(passed, "/status")).isEqualTo("SUCCEEDED");
    assertThat(Cli.text(passed, "/tasks/after/state")).isEqualTo("SUCCEEDED");

    Cli.Result failed = run(home, "pipelines", "run", "gated");
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
    Cli.Result status = Cli.ok(home, "pipelines", "status", runId);
    assertThat(status.out()).contains(runId, "FAILED");

    JsonNode days =
        Cli.ok(
                home,
                "pipelines",
                "backfill",
                "gated",
                "--from",
                "2026-02-01",
                "--to",
                "2026-02-03",
                "--param",
                "ok=true",
                "--json")
            .json();
    assertThat(Cli.at(days, "/dates").toString())
        .contains(
            "\"2026-02-01\":\"SUCCEEDED\"",
            "\"2026-02-02\":\"SUCCEEDED\"",
            "\"2026-02-03\":\"SUCCEEDED\"");

    Cli.Result unknown = run(home, "pipelines", "run", "nightly");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("no pipeline named 'nightly'");
    Cli.Result badDate = run(home, "pipelines", "run", "gated", "--date", "yesterday");
    assertThat(badDate.code()).isEqualTo(2);
    assertThat(badDate.err()).contains("--date");
  }

  /**
   * The shipped ML pipeline, end to end: the new version is judged against the champion,
   * registered, passes the gate, goes on trial, earns promotion on replayed traffic, and the
   * outcome lands on its MLflow run.
   */
  @Test
  void trainEvaluateDeployShipsAChallengerAsGoodAsTheChampion() {
    Path home = deployedCopy();
    Cli.Result shipped =
        run(
            home,
            "pipelines",
            "run",
            "train-evaluate-deploy",
            "--param",
            "model=ctr",
            "--param",
            "truth=" + ShopWorlds.truth(home),
            "--param",
            "min_metric=0.0",
            "--json");
    assertThat(shipped.code()).as(shipped.transcript()).isZero();
    JsonNode ted = shipped.jsonObject();
    assertThat(Cli.text(ted, "/status")).isEqualTo("SUCCEEDED");
    String newVersion = Cli.text(ted, "/tasks/register/outputs/version");
    // The champion and the challenger were versions before it.
    assertThat(Integer.parseInt(newVersion)).isGreaterThan(shop.challengerVersion());
    String runOfModel = Cli.text(ted, "/tasks/train/outputs/run_id");
    assertThat(Cli.text(ted, "/tasks/train/outputs/trained")).isEqualTo("new");
    assertThat(Cli.text(ted, "/tasks/evaluate/outputs/champion"))
        .isEqualTo(Integer.toString(shop.championVersion()));
    assertThat(Cli.text(ted, "/tasks/evaluate/outputs/compared")).isEqualTo("new");
    // Same data, same seed: no better and no worse than the champion.
    assertThat(Cli.outputNumber(ted, "/tasks/evaluate/outputs/gain")).isZero();
    assertThat(Cli.text(ted, "/tasks/approve/outputs/approved")).isEqualTo("not required");
    assertThat(Cli.text(ted, "/tasks/deploy/outputs/outcome")).isEqualTo("live");
    assertThat(Cli.text(ted, "/tasks/deploy/outputs/detail")).contains("promoted", "automatic");
    assertThat(Cli.outputNumber(ted, "/tasks/deploy/outputs/replayed_requests")).isPositive();
    assertThat(Cli.text(ted, "/tasks/record/outputs/outcome")).isEqualTo("live");

    JsonNode after = rollout(home);
    assertThat(Cli.integer(after, "/live")).isEqualTo(Integer.parseInt(newVersion));
    assertThat(Cli.at(after, "/canary").isNull()).isTrue();
    try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
      var tracked = registry.run(runOfModel);
      assertThat(tracked.tags()).containsEntry(FlywheelTasks.OUTCOME_TAG, "live");
      assertThat(tracked.metrics()).containsKeys("champion_auc", "auc_vs_champion");
      assertThat(registry.aliased("flywheel-ctr", "champion").orElseThrow().version())
          .isEqualTo(Integer.parseInt(newVersion));
    }
    // The registry shows how it ended on the version, newest first.
    JsonNode versions =
        Cli.at(Cli.ok(home, "models", "show", "flywheel-ctr", "--json").json(), "/versions");
    assertThat(Cli.integer(versions, "/0/version")).isEqualTo(Integer.parseInt(newVersion));
    assertThat(Cli.text(versions, "/0/tags/flywheel.outcome")).isEqualTo("live");
    assertThat(Cli.at(versions, "/0/aliases").toString()).contains("champion");
  }

  /**
   * The same pipeline stopped by its gate: nothing deployed, the rejection recorded. A challenger
   * no better than the champion is not deployed either (min_gain 0.01).
   */
  @Test
  void aChallengerTheGateRefusesIsNotDeployed() {
    Path home = deployedCopy();
    Cli.Result gated =
        run(
            home,
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
    assertThat(gated.code()).as(gated.transcript()).isEqualTo(1);
    JsonNode rejected = gated.jsonObject();
    assertThat(Cli.text(rejected, "/status")).isEqualTo("FAILED");
    assertThat(Cli.text(rejected, "/tasks/gate/error"))
        .contains("fails auc >= 0.99", "auc_vs_champion 0.0000 fails auc_vs_champion >= 0.01");
    assertThat(Cli.text(rejected, "/tasks/deploy/state")).isEqualTo("UPSTREAM_FAILED");
    assertThat(Cli.text(rejected, "/tasks/record/outputs/outcome")).isEqualTo("rejected_by_gate");
    JsonNode after = rollout(home);
    assertThat(Cli.integer(after, "/live")).isEqualTo(shop.championVersion());
    assertThat(Cli.at(after, "/canary").isNull()).isTrue();
  }

  /** Asked for a person's approval that never comes: not deployed, and said so on the run. */
  @Test
  void aChallengerNobodyApprovesIsNotDeployed() {
    Path home = deployedCopy();
    Cli.Result unapproved =
        run(
            home,
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
            "approval_timeout=1s",
            "--json");
    assertThat(unapproved.code()).as(unapproved.transcript()).isEqualTo(1);
    JsonNode waited = unapproved.jsonObject();
    assertThat(Cli.text(waited, "/tasks/gate/state")).isEqualTo("SUCCEEDED");
    assertThat(Cli.text(waited, "/tasks/approve/error")).contains("not approved within");
    assertThat(Cli.text(waited, "/tasks/record/outputs/outcome")).isEqualTo("not_approved");
    JsonNode after = rollout(home);
    assertThat(Cli.integer(after, "/live")).isEqualTo(shop.championVersion());
    assertThat(Cli.at(after, "/canary").isNull()).isTrue();
  }

  /** A retried task finds its earlier result instead of doing the work again. */
  @Test
  void aRetriedTaskFindsItsEarlierResult() throws Exception {
    Path home = ShopWorlds.copy(ShopWorlds.featured().home(), dir.resolve("home"));
    TaskContextStub ctx = new TaskContextStub("retry-run", "train", Map.of("model", "ctr"));
    Map<String, String> first = FlywheelTasks.train(home, FlywheelConfig.local(), ctx);
    Map<String, String> again = FlywheelTasks.train(home, FlywheelConfig.local(), ctx);
    assertThat(first.get("trained")).isEqualTo("new");
    assertThat(again.get("trained")).isEqualTo("reused");
    assertThat(first.get("run_id")).isNotBlank();
    assertThat(again.get("run_id")).isEqualTo(first.get("run_id"));
    TaskContextStub reg =
        new TaskContextStub("retry-run", "register", Map.of("run_id", first.get("run_id")));
    Map<String, String> registered = FlywheelTasks.register(home, FlywheelConfig.local(), reg);
    Map<String, String> reRegistered = FlywheelTasks.register(home, FlywheelConfig.local(), reg);
    assertThat(registered.get("registered")).isEqualTo("new");
    assertThat(reRegistered.get("registered")).isEqualTo("reused");
    assertThat(registered.get("version")).isNotBlank();
    assertThat(reRegistered.get("version")).isEqualTo(registered.get("version"));
  }

  /**
   * Feature backfill over two days of the shop's events, into a store that {@code features run}
   * already filled: those days' partitions are replaced, not added to.
   *
   * <p>Two days, not one: an impression becomes a training example only once its 24-hour purchase
   * window has closed inside the replayed events, so a one-day slice labels none.
   */
  @Test
  void featureBackfillOfOneDayGivesThatDayAsAFullReplayDoesAndLeavesTheOthers() throws Exception {
    Path home = ShopWorlds.copy(ShopWorlds.featured().home(), dir.resolve("home"));
    Path events = ShopWorlds.events(home);
    LocalDate jan5 = LocalDate.of(2026, 1, 5);
    LocalDate jan6 = LocalDate.of(2026, 1, 6);
    LocalDate jan7 = LocalDate.of(2026, 1, 7);
    Map<LocalDate, List<String>> before = examplesByDay(home, jan5, jan7);
    assertThat(before.get(jan6)).isNotEmpty();

    // The middle day: its features look back on day 5, its labels ahead into day 7.
    JsonNode run =
        Cli.ok(
                home,
                "pipelines",
                "run",
                "feature-backfill",
                "--param",
                "events=" + events,
                "--param",
                "from=2026-01-06",
                "--param",
                "to=2026-01-06",
                "--date",
                "2026-01-06",
                "--json")
            .jsonObject();
    assertThat(Cli.text(run, "/status")).isEqualTo("SUCCEEDED");
    long replayed = (long) Cli.outputNumber(run, "/tasks/features/outputs/events");
    // Up to the end of day 6, the purchase window after it and an hour's lateness, plus the first
    // event past that cut (it carries the job's clock to the end of those windows).
    long cut = java.time.Instant.parse("2026-01-08T01:00:00Z").toEpochMilli();
    List<Long> times =
        Files.readAllLines(events).stream()
            .map(line -> io.flywheel.core.Codecs.decodeLine(io.flywheel.core.Codecs.EVENTS, line))
            .map(io.flywheel.core.Event::timestamp)
            .toList();
    long beforeCut = times.stream().filter(t -> t < cut).count();
    assertThat(replayed)
        .isPositive()
        .isEqualTo(beforeCut + (beforeCut < times.size() ? 1 : 0))
        .isLessThanOrEqualTo(times.size());
    assertThat(Cli.outputNumber(run, "/tasks/features/outputs/replaced_partitions")).isPositive();
    // Replaced, not added to, and every example labelled as the full replay labelled it.
    assertThat(examplesByDay(home, jan5, jan7)).isEqualTo(before);
  }

  /** The training examples of each day, as sorted text. */
  private static Map<LocalDate, List<String>> examplesByDay(Path home, LocalDate from, LocalDate to)
      throws Exception {
    Map<LocalDate, List<String>> days = new java.util.TreeMap<>();
    try (FeatureStore store = FeatureStore.open(home, null)) {
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        days.put(d, store.trainingSet(d, d).stream().map(Object::toString).sorted().toList());
      }
    }
    return days;
  }

  /** A task's context outside Temporal, for calling a task type directly. */
  record TaskContextStub(String runId, String taskId, Map<String, String> params)
      implements TaskContext {
    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public void heartbeat(String details) {
      // nothing listens outside a worker
    }
  }
}
