package io.flywheel.featurestore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A replay's output, written into a staging folder beside the store ({@code
 * features/.staging-<id>/}) that no reader looks at, then committed into the store partition by
 * partition when the replay has finished:
 *
 * <ol>
 *   <li>a journal listing every swap is written into the staging folder (atomically): from then on
 *       the commit is decided and is completed by whoever finds the journal;
 *   <li>for each dataset and each date the replay covers, the live partition is renamed away and
 *       the staged one (if any: a date with no output is replaced by nothing) renamed into place;
 *       the replay's dead-letter and late-event folders are swapped the same way;
 *   <li>what was renamed away, then the staging folder with its journal, are deleted.
 * </ol>
 *
 * A run killed before its journal leaves the store exactly as it was (its staging folder is deleted
 * by the next writer); killed during the swaps, each partition is whole, old or new, and the next
 * writer's {@link #recover} finishes the swaps. Every step is a rename within one file system, and
 * only the holder of the store's writer lock may call any of this.
 */
public final class StoreReplacement {
  private static final String STAGING = ".staging-";
  private static final String OLD = ".old-";
  private static final String JOURNAL = "COMMIT";

  /** A fault-injection point for the kill tests: stop (forever) after this many swaps. */
  static final String HALT_AFTER_SWAPS = "flywheel.faults.haltAfterSwaps";

  private final Path features;
  private final Path staging;
  private final String id;
  private final LocalDate from;
  private final LocalDate to;
  private final boolean sideOutputs;

  private StoreReplacement(
      Path features, Path staging, LocalDate from, LocalDate to, boolean sideOutputs) {
    this.features = features;
    this.staging = staging;
    this.id = staging.getFileName().toString().substring(STAGING.length());
    this.from = from;
    this.to = to;
    this.sideOutputs = sideOutputs;
  }

  /**
   * Opens a staging folder for a replay that replaces the days [from, to] of the store under {@code
   * features} ({@code HOME/features}): what it stages for other days is dropped at the commit.
   *
   * @param sideOutputs whether the replay's dead-letter and late-event files replace the store's (a
   *     whole-file replay) or are dropped (a replay of some days, whose input was cut to them)
   */
  public static StoreReplacement begin(
      Path features, LocalDate from, LocalDate to, boolean sideOutputs) {
    Path staging = features.resolve(STAGING + UUID.randomUUID().toString().substring(0, 8));
    try {
      Files.createDirectories(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + staging, e);
    }
    return new StoreReplacement(features, staging, from, to, sideOutputs);
  }

  /** Where the replay writes: its offline store is {@code offline/} here, side outputs beside. */
  public Path outputDir() {
    return staging;
  }

  /** One swap: the path under the store, and whether the replay staged a replacement for it. */
  record Swap(String target, boolean staged) {}

  /**
   * Commits the staged output; returns how many offline partitions that were there before were
   * replaced (or removed: a covered date the replay produced nothing for).
   */
  public int commit() {
    List<Swap> swaps = plan();
    Path journal = staging.resolve(JOURNAL);
    Path temp = staging.resolve(JOURNAL + ".tmp");
    List<String> lines = new ArrayList<>();
    for (Swap swap : swaps) {
      lines.add((swap.staged() ? "1\t" : "0\t") + swap.target());
    }
    try {
      Files.write(temp, lines, StandardCharsets.UTF_8);
      Files.move(temp, journal, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the commit journal " + journal, e);
    }
    long replaced =
        swaps.stream()
            .filter(s -> s.target().startsWith("offline/"))
            .filter(s -> Files.exists(features.resolve(s.target())))
            .count();
    apply(swaps);
    return (int) replaced;
  }

  /** Deletes the staged output of a replay that failed: the store stays as it was. */
  public void abandon() {
    deleteTree(staging);
  }

  /**
   * Finishes what killed replays left: a journaled commit is completed, an unjournaled staging
   * folder deleted. Returns how many staging folders were found.
   */
  public static int recover(Path features) {
    if (!Files.isDirectory(features)) {
      return 0;
    }
    List<Path> left;
    try (Stream<Path> children = Files.list(features)) {
      left = children.filter(p -> p.getFileName().toString().startsWith(STAGING)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + features, e);
    }
    for (Path staging : left) {
      StoreReplacement r = new StoreReplacement(features, staging, null, null, false);
      Path journal = staging.resolve(JOURNAL);
      if (Files.isRegularFile(journal)) {
        r.apply(readJournal(journal));
      } else {
        r.abandon();
      }
    }
    return left.size();
  }

  private static List<Swap> readJournal(Path journal) {
    try {
      return Files.readAllLines(journal, StandardCharsets.UTF_8).stream()
          .filter(line -> !line.isBlank())
          .map(line -> new Swap(line.substring(2), line.charAt(0) == '1'))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the commit journal " + journal, e);
    }
  }

  /** Every swap of this replay: each dataset's dates in [from, to] or staged, side outputs. */
  private List<Swap> plan() {
    List<Swap> swaps = new ArrayList<>();
    TreeSet<String> datasets = new TreeSet<>();
    datasets.addAll(datasets(features.resolve("offline")));
    datasets.addAll(datasets(staging.resolve("offline")));
    for (String dataset : datasets) {
      TreeSet<String> partitions = new TreeSet<>();
      for (Path dir : List.of(staging.resolve(dataset), features.resolve(dataset))) {
        for (String name : children(dir)) {
          if (name.startsWith("date=") && covers(name)) {
            partitions.add(name);
          }
        }
      }
      for (String partition : partitions) {
        String target = dataset + "/" + partition;
        swaps.add(new Swap(target, Files.isDirectory(staging.resolve(target))));
      }
    }
    for (String side : children(staging)) {
      if (sideOutputs && !side.equals("offline") && Files.isDirectory(staging.resolve(side))) {
        swaps.add(new Swap(side, true));
      }
    }
    return swaps;
  }

  private boolean covers(String partition) {
    LocalDate day = LocalDate.parse(partition.substring("date=".length()));
    return !day.isBefore(from) && !day.isAfter(to);
  }

  /** The dataset folders of an offline store: {@code offline/training_examples/v1}, … */
  private static List<String> datasets(Path offline) {
    List<String> out = new ArrayList<>();
    for (String kind : children(offline)) {
      for (String dataset : children(offline.resolve(kind))) {
        if (!dataset.startsWith(".")) {
          out.add("offline/" + kind + "/" + dataset);
        }
      }
    }
    return out;
  }

  /** Performs the swaps; safe to repeat after a kill at any point (each step checks first). */
  private void apply(List<Swap> swaps) {
    int halt = Integer.getInteger(HALT_AFTER_SWAPS, -1);
    List<Path> old = new ArrayList<>();
    int done = 0;
    try {
      for (Swap swap : swaps) {
        Path live = features.resolve(swap.target());
        Path staged = staging.resolve(swap.target());
        Path away = live.resolveSibling(OLD + live.getFileName() + "-" + id);
        old.add(away);
        boolean pending = swap.staged() ? Files.exists(staged) : Files.exists(live);
        if (!pending) {
          continue; // done before a kill
        }
        if (Files.exists(live)) {
          deleteTree(away);
          Files.move(live, away, StandardCopyOption.ATOMIC_MOVE);
        }
        if (swap.staged()) {
          Files.createDirectories(live.getParent());
          Files.move(staged, live, StandardCopyOption.ATOMIC_MOVE);
        }
        done++;
        if (done == halt) {
          haltForever();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot commit the replay staged in " + staging + " (the next features run completes it)",
          e);
    }
    old.forEach(StoreReplacement::deleteTree);
    deleteTree(staging);
  }

  private static void haltForever() {
    System.err.println("flywheel: halted after committing partitions (" + HALT_AFTER_SWAPS + ")");
    System.err.flush();
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        // A test stopping the commit here: it ends as a killed process would, midway.
        Thread.currentThread().interrupt();
        throw new IllegalStateException("halted midway through a commit", e);
      }
    }
  }

  private static List<String> children(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
