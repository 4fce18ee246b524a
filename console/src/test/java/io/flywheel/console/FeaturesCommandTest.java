package io.flywheel.console;

import static io.flywheel.console.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel features run|get|bench-freshness}: the Flink feature jobs fill the offline and
 * online stores, the online store answers per entity, the benchmark modes run the jobs alone.
 */
class FeaturesCommandTest {
  @TempDir Path dir;

  /** What {@code features run --json} reported when it made the shared shop's stores. */
  @Test
  void featuresRunFillsTheStoresAndReports() {
    ShopWorlds.Featured shop = ShopWorlds.featured();
    JsonNode world = shop.simulate().json();
    JsonNode result = shop.features().json();
    long accepted = Cli.integer(result, "/accepted");
    long examples = Cli.integer(result, "/trainingExamples");
    assertThat(accepted).isPositive().isLessThanOrEqualTo(Cli.integer(world, "/eventLines"));
    // One labelled example per impression at most.
    assertThat(examples).isPositive().isLessThanOrEqualTo(Cli.integer(world, "/impressions"));
    assertThat(shop.features().err()).contains("features", "co-visitation", "MB");
    assertThat(shop.home().resolve("features").resolve("offline")).isNotEmptyDirectory();
    assertThat(shop.home().resolve("features").resolve("online")).isNotEmptyDirectory();
  }

  @Test
  void featuresGetReadsTheOnlineStore() throws IOException {
    Path home = ShopWorlds.copy(ShopWorlds.featured().home(), dir.resolve("home"));
    String user =
        Cli.text(Cli.parse(Files.readAllLines(ShopWorlds.events(home)).get(0)), "/userId");
    JsonNode vector =
        Cli.ok(home, "features", "get", "--view", "user_activity", "--key", user, "--json").json();
    assertThat(Cli.number(vector, "/values/impressions_7d")).isPositive();

    Cli.Result nobody = run(home, "features", "get", "--view", "user_activity", "--key", "nobody");
    assertThat(nobody.code()).isEqualTo(1);
    assertThat(nobody.err()).contains("no live features for --key nobody");

    Cli.Result product = Cli.ok(home, "features", "get", "--view", "product_stats", "--key", "p0");
    assertThat(product.out()).contains("product_stats p0 as of", "impressions_7d");
  }

  @Test
  void badFeatureArgumentsExitTwoNamingTheOption() {
    Path home = dir.resolve("home");
    Cli.ok(home, "simulate", "--users", "50", "--products", "10", "--days", "1", "-q");
    Cli.Result badView = run(home, "features", "get", "--view", "orders", "--key", "u0");
    assertThat(badView.code()).isEqualTo(2);
    assertThat(badView.err()).contains("--view", "unknown feature view 'orders'");
    Cli.Result missing =
        run(home, "features", "run", "--events", dir.resolve("nope.jsonl").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--events", "no such file");
    Cli.Result badDuration = run(home, "features", "run", "--allowed-lateness", "soon");
    assertThat(badDuration.code()).isEqualTo(2);
    assertThat(badDuration.err()).contains("--allowed-lateness", "'soon' is not a duration");
    Cli.Result badBackend = run(home, "features", "run", "--state-backend", "disk");
    assertThat(badBackend.code()).isEqualTo(2);
    assertThat(badBackend.err()).contains("--state-backend", "disk");
    Cli.Result followTopic = run(home, "features", "run", "--follow", "--kafka-topic", "events");
    assertThat(followTopic.code()).isEqualTo(2);
    assertThat(followTopic.err()).contains("--follow", "--kafka-topic");
  }

  @Test
  void benchmarkModesMeasureTheJobsAlone() {
    Path home = dir.resolve("bench-home");
    // About 600 events: at 1,000 a second, over half a second of replay and 60 watched events.
    Cli.ok(home, "simulate", "--users", "100", "--products", "30", "--days", "2", "-q");
    JsonNode heap =
        Cli.ok(
                home,
                "features",
                "run",
                "--state-backend",
                "hashmap",
                "--discard-outputs",
                "--json",
                "-q")
            .json();
    assertThat(Cli.integer(heap, "/trainingExamples")).isPositive();
    assertThat(home.resolve("features").resolve("offline")).doesNotExist();
    assertThat(home.resolve("features").resolve("online")).doesNotExist();

    Cli.Result fresh =
        Cli.ok(home, "features", "bench-freshness", "--rate", "1000", "--warm-up", "0s");
    Matcher m =
        Pattern.compile(
                "p50 (\\d+) ms, p99 (\\d+) ms, max \\d+ ms over ([\\d,]+) "
                    + "watched events \\(0 never seen\\)")
            .matcher(fresh.out());
    assertThat(m.find()).as(fresh.out()).isTrue();
    assertThat(Long.parseLong(m.group(3).replace(",", ""))).isGreaterThan(20);
    // Visible well before a checkpoint (every 10 s) would have flushed it.
    assertThat(Long.parseLong(m.group(1))).isLessThan(5_000);

    // The feature job against its ceiling, on the same events: both stores written (RocksDB).
    JsonNode ceiling =
        Cli.ok(home, "features", "bench-ceiling", "--with-job", "--parallelism", "1", "--json")
            .json();
    assertThat(Cli.text(ceiling, "/stateBackend")).isEqualTo("rocksdb");
    assertThat(Cli.at(ceiling, "/outputsWritten").asBoolean()).isTrue();
    double job = Cli.number(ceiling, "/jobEventsPerSecond");
    double top = Cli.number(ceiling, "/ceilingEventsPerSecond");
    assertThat(job).isPositive();
    assertThat(Cli.number(ceiling, "/ratio"))
        .isCloseTo(job / top, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(home.resolve("bench").resolve("ceiling").resolve("features").resolve("offline"))
        .isDirectory();
  }
}
