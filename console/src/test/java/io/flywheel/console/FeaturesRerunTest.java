package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.OfflineStore;
import io.flywheel.featurestore.TrainingExample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replaying the same events is idempotent, and a {@code features run} killed with SIGKILL at any
 * point leaves a store a rerun completes: twice gives the store once; a second writer meanwhile is
 * refused; killed while the jobs run, the last committed store stays readable as it was; killed
 * midway through its commit, the rerun finishes it. Each time the store is compared with an
 * uninterrupted run's: rows and a content hash per dataset and date, dead letters included.
 */
class FeaturesRerunTest {
  @TempDir static Path home;

  private static void run(String... args) {
    Cli.Result result = Cli.run(args);
    assertThat(result.code()).as(result.transcript()).isZero();
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
    // Malformed lines for the dead letters. Late deliveries are left out: whether one lands
    // behind a watermark depends on thread timing, so no two runs need agree on those.
    try {
      Files.writeString(
          home.resolve("world").resolve("events.jsonl"),
          "not json\n{\"eventId\": \"broken\"\n",
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Per dataset and date: rows and a hash of their sorted content; dead-letter lines too. */
  private static Map<String, String> store() throws Exception {
    OfflineStore store = FeatureStore.offline(home);
    Map<String, List<String>> rows = new TreeMap<>();
    for (TrainingExample e : store.readTrainingSet(LocalDate.MIN, LocalDate.MAX)) {
      rows.computeIfAbsent("examples/" + day(e.timestamp()), k -> new ArrayList<>())
          .add(e.toString());
    }
    for (FeatureView view : FeatureRegistry.builtIn().views()) {
      for (FeatureVector v : store.readSnapshots(view, LocalDate.MIN, LocalDate.MAX)) {
        rows.computeIfAbsent(view.name() + "/" + day(v.asOf()), k -> new ArrayList<>())
            .add(v.toString());
      }
    }
    Path dead = home.resolve("features").resolve("features");
    try (Stream<Path> files = Files.list(dead)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("dead")).toList()) {
        rows.computeIfAbsent("dead-letters", k -> new ArrayList<>()).addAll(Files.readAllLines(f));
      }
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, List<String>> r : rows.entrySet()) {
      List<String> sorted = r.getValue().stream().sorted().toList();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sorted.forEach(line -> sha.update(line.getBytes(StandardCharsets.UTF_8)));
      out.put(r.getKey(), sorted.size() + " rows " + HexFormat.of().formatHex(sha.digest()));
    }
    return out;
  }

  private static LocalDate day(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
  }

  /** {@code flywheel features run} in its own JVM (this one's flags), to be killed. */
  private static Process featuresRunProcess(Path log, String... jvmFlags) throws Exception {
    return CliProcess.start(
        log, List.of(jvmFlags), "--home", home.toString(), "features", "run", "--quiet");
  }

  private static List<Path> staging() {
    try (Stream<Path> children = Files.list(home.resolve("features"))) {
      return children.filter(p -> p.getFileName().toString().startsWith(".staging-")).toList();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  @Test
  void twiceIsOnceAndARunKilledAnywhereLeavesAStoreTheRerunCompletes() throws Exception {
    run("--home", home.toString(), "features", "run", "--quiet");
    Map<String, String> once = store();
    assertThat(once).containsKey("dead-letters").containsKey("user_activity/2026-01-05");

    run("--home", home.toString(), "features", "run", "--quiet");
    assertThat(store()).as("twice").isEqualTo(once);

    // Killed while its jobs run (they have started writing beside the store).
    Path log = home.resolve("killed.log");
    Process running = featuresRunProcess(log);
    CliProcess.await(
        "the jobs to write",
        running,
        () ->
            staging().stream()
                .anyMatch(
                    s -> Files.exists(s.resolve("features").resolve("dead-letters-0.jsonl"))));
    // Meanwhile a second writer is refused naming the first; it writes nothing.
    Cli.Result second = Cli.run("--home", home.toString(), "features", "run", "--quiet");
    assertThat(second.code()).isEqualTo(1);
    assertThat(second.err()).contains("is in use by process " + running.pid(), "features run");
    CliProcess.kill(running);
    assertThat(staging()).as("what the killed run left").isNotEmpty();
    assertThat(store()).as("the last committed store, readable").isEqualTo(once);

    // Killed midway through its commit: one partition swapped, the others not yet.
    Process committing = featuresRunProcess(log, "-Dflywheel.faults.haltAfterSwaps=1");
    CliProcess.await(
        "the first partition to be committed",
        committing,
        () -> CliProcess.logged(log, "halted after committing"));
    CliProcess.kill(committing);
    assertThat(staging()).as("the interrupted commit").hasSize(1);
    assertThat(staging().get(0).resolve("COMMIT")).exists();

    run("--home", home.toString(), "features", "run", "--quiet");
    assertThat(store()).as("after the rerun").isEqualTo(once);
    assertThat(staging()).isEmpty();
    try (Stream<Path> all = Files.walk(home.resolve("features").resolve("offline"))) {
      assertThat(all.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".old-") || n.startsWith(".staging-"));
    }
  }
}
