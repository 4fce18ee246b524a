package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.OfflineStore;
import io.flywheel.featurestore.TrainingExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replaying the same events is idempotent: twice gives the store once, and a rerun after a run that
 * died midway (its replaced partitions set aside, a partial partition written) gives the same store
 * as one uninterrupted run.
 */
class FeaturesRerunTest {
  @TempDir static Path home;

  private static void run(String... args) {
    Cli.Result result = Cli.run(args);
    assertThat(result.code()).as(result.transcript()).isZero();
  }

  /** Rows per dataset: training examples and every view's snapshots. */
  private static Map<String, Integer> rows() {
    OfflineStore store = FeatureStore.offline(home);
    Map<String, Integer> rows = new TreeMap<>();
    List<TrainingExample> examples = store.readTrainingSet(LocalDate.MIN, LocalDate.MAX);
    rows.put("training-examples", examples.size());
    rows.put(
        "distinct-examples",
        (int) examples.stream().map(TrainingExample::eventId).distinct().count());
    for (FeatureView view : FeatureRegistry.builtIn().views()) {
      rows.put(view.name(), store.readSnapshots(view, LocalDate.MIN, LocalDate.MAX).size());
    }
    return rows;
  }

  @BeforeAll
  static void world() {
    run(
        "--home",
        home.toString(),
        "simulate",
        "--users",
        "200",
        "--products",
        "40",
        "--days",
        "2",
        "--quiet");
  }

  @Test
  void twiceIsOnceAndARerunAfterADeadRunRestoresTheSameStore() throws Exception {
    run("--home", home.toString(), "features", "run", "--quiet");
    Map<String, Integer> once = rows();
    assertThat(once.get("training-examples")).isPositive().isEqualTo(once.get("distinct-examples"));

    run("--home", home.toString(), "features", "run", "--quiet");
    assertThat(rows()).isEqualTo(once);

    // A run that died midway: it had set its days aside and written part of one partition.
    OfflineStore store = FeatureStore.offline(home);
    store.setAside(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 12, 31));
    Path examplesDir =
        home.resolve("features").resolve("offline").resolve("training_examples").resolve("v1");
    try (Stream<Path> left = Files.list(examplesDir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.startsWith(".replaced-"));
    }
    assertThat(rows().get("training-examples")).isZero();

    run("--home", home.toString(), "features", "run", "--quiet");
    assertThat(rows()).isEqualTo(once);
    try (Stream<Path> left = Files.list(examplesDir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".replaced-"));
    }
  }
}
