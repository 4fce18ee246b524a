package io.flywheel.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A small simulated shop (the demo's size: 300 shoppers, 50 products, 3 days), made once per test
 * JVM by the CLI itself and never changed after: a test that runs commands on it works on its own
 * {@link #copy copy}. Simulating and running the Flink feature jobs once, instead of per test
 * class, keeps the suite about as fast as the single test it replaced.
 *
 * <p>The shop is too small for a CTR model to learn much (its held-out rows hold a dozen clicks);
 * what needs a model that ranks clicks better than chance trains on a larger shop of its own
 * (TrainCommandTest).
 */
final class ShopWorlds {
  static final String USERS = "300";
  static final String PRODUCTS = "50";
  static final String DAYS = "3";

  private static Path root;
  private static Featured featured;
  private static Trained trained;

  private ShopWorlds() {}

  /**
   * A home where {@code simulate} and {@code features run} have run: the world's files, the offline
   * and online stores and the catalog; nothing trained.
   *
   * @param simulate what {@code simulate --json -q} printed
   * @param features what {@code features run --json} printed (with its progress lines on stderr)
   */
  record Featured(Path home, Cli.Result simulate, Cli.Result features) {}

  /**
   * A copy of {@link #featured()} where, in this order, {@code train --model ctr} ran (the first
   * version, so the champion), {@code train --model ctr} ran again (a challenger judged against it
   * on the same rows) and {@code train --model recs} ran; each with {@code --truth} and {@code
   * --json}. Nothing is deployed.
   */
  record Trained(Path home, JsonNode champion, JsonNode challenger, JsonNode recs) {
    int championVersion() {
      return (int) Cli.integer(champion, "/version");
    }

    int challengerVersion() {
      return (int) Cli.integer(challenger, "/version");
    }
  }

  static synchronized Featured featured() {
    if (featured == null) {
      Path home = root().resolve("featured");
      Cli.Result simulate =
          Cli.ok(
              home,
              "simulate",
              "--users",
              USERS,
              "--products",
              PRODUCTS,
              "--days",
              DAYS,
              "--json",
              "-q");
      Cli.Result features = Cli.ok(home, "features", "run", "--json");
      featured = new Featured(home, simulate, features);
    }
    return featured;
  }

  static synchronized Trained trained() {
    if (trained == null) {
      Path home = copy(featured().home(), root().resolve("trained"));
      String truth = truth(home).toString();
      JsonNode champion =
          Cli.ok(home, "train", "--model", "ctr", "--truth", truth, "--json", "-q").json();
      JsonNode challenger =
          Cli.ok(home, "train", "--model", "ctr", "--truth", truth, "--json", "-q").json();
      JsonNode recs = Cli.ok(home, "train", "--model", "recs", "--truth", truth, "--json").json();
      trained = new Trained(home, champion, challenger, recs);
    }
    return trained;
  }

  /** The simulator's hidden truth in {@code home}'s world. */
  static Path truth(Path home) {
    return home.resolve("world").resolve("truth.jsonl");
  }

  /** The world's event stream in {@code home}. */
  static Path events(Path home) {
    return home.resolve("world").resolve("events.jsonl");
  }

  /** A full copy of the home {@code from} at {@code to} (which must not exist yet). */
  static Path copy(Path from, Path to) {
    assertThat(to).doesNotExist();
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  private static Path root() {
    if (root == null) {
      try {
        root = Files.createTempDirectory("flywheel-shops-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path made = root;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(made)));
    }
    return root;
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort at exit
    }
  }
}
