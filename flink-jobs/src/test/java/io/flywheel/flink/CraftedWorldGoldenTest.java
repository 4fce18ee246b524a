package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.MarketplaceSimulator;
import io.flywheel.core.SimulationConfig;
import io.flywheel.core.SimulationProgress;
import io.flywheel.core.WorldConfig;
import io.flywheel.featurestore.FeatureStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The feature job on a world written to hit its edges — events in the same millisecond, on hour and
 * midnight boundaries, up to an hour late, delivered twice, clicks before their impression or
 * without one, attribution windows still open at the end — gives exactly the outputs recorded from
 * the job before its second shape.
 */
class CraftedWorldGoldenTest {
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

  /** The same outputs whatever the parallelism and wherever the state lives. */
  @ParameterizedTest(name = "parallelism {0}, {1} state")
  @CsvSource({"1, rocksdb", "2, rocksdb", "4, rocksdb", "2, hashmap"})
  void outputsEqualTheRecordedOnes(int parallelism, String backend, @TempDir Path dir)
      throws Exception {
    Path world = dir.resolve("world");
    // The catalogue of a small simulated shop; its events are replaced by the crafted ones.
    MarketplaceSimulator.run(
        new SimulationConfig(20, 12, 1, 5, 0.0, WorldConfig.defaults()),
        world,
        SimulationProgress.NONE);
    Path events = world.resolve(MarketplaceSimulator.EVENTS_FILE);
    List<String> lines = crafted();
    Files.write(events, lines);
    FeatureJobOptions options =
        FeatureJobOptions.defaults(
                events.toString(),
                world.resolve(MarketplaceSimulator.PRODUCTS_FILE).toString(),
                dir.resolve("home").toString())
            .withRedisUrl(null)
            .withCheckpointInterval(Duration.ofSeconds(1))
            .withParallelism(parallelism)
            .forBenchmark(backend, false);
    FeatureJobResult result = FeatureJob.run(options);
    assertThat(result.duplicates()).isPositive();
    assertThat(result.late()).isPositive();
    assertThat(result.openAttributionWindows()).isPositive();
    assertThat(result.trainingExamples()).isPositive();
    try (FeatureStore store = FeatureStore.open(dir.resolve("home"), null)) {
      GoldenOutputs.assertMatches(
          GoldenOutputs.render(store, result),
          "feature-job-crafted.txt.gz",
          Path.of("target/golden"));
    }
  }

  /** Three days of a dozen shoppers, in the order a tracker could deliver them. */
  static List<String> crafted() {
    Random random = new Random(20260105L);
    List<Event> out = new ArrayList<>();
    int request = 0;
    for (long t = DAY0 + 8 * HOUR; t < DAY0 + 3 * 24 * HOUR; t += 7 * MINUTE) {
      String user = "u" + random.nextInt(12);
      String product = "p" + random.nextInt(12);
      String content = "c-" + product + "-" + random.nextInt(2);
      String req = "r" + request++;
      Event shown = impression("i" + req, user, product, content, req, t);
      if (random.nextInt(10) == 0) {
        // The click reaches the stream before its impression (same millisecond, or just after).
        long at = t + random.nextInt(2);
        out.add(click("c" + req, user, product, content, req, at, t + 4));
        out.add(shown);
      } else {
        out.add(shown);
        if (random.nextInt(4) == 0) {
          long at = t + random.nextInt(3) * MINUTE;
          out.add(click("c" + req, user, product, content, req, at, at + 5));
          if (random.nextInt(3) == 0) {
            out.add(cart("a" + req, user, product, t + 4 * MINUTE));
            out.add(purchase("b" + req, user, product, t + 20 * MINUTE));
          }
        }
      }
      if (random.nextInt(15) == 0) {
        out.add(shown); // delivered twice
      }
      if (random.nextInt(20) == 0) {
        out.add(click("x" + req, user, product, null, null, t, t + 5)); // no impression behind it
      }
      if (random.nextInt(25) == 0) {
        // Up to an hour and a half late: most within the allowed hour, some behind it.
        long behind = (1 + random.nextInt(90)) * MINUTE;
        out.add(click("l" + req, user, product, null, null, t - behind, t + 5));
      }
    }
    // Exactly on the boundaries of hours and days, several events in one millisecond.
    for (int day = 1; day <= 2; day++) {
      long midnight = DAY0 + day * 24 * HOUR;
      for (long at : new long[] {midnight - 1, midnight, midnight + HOUR, midnight + HOUR - 1}) {
        String req = "edge" + day + "-" + at;
        out.add(impression("i" + req, "u1", "p1", "c-p1-0", req, at));
        out.add(click("c" + req, "u1", "p1", "c-p1-0", req, at, at + 5));
        out.add(purchase("b" + req, "u1", "p1", at));
      }
    }
    out.sort(java.util.Comparator.comparingLong(Event::receivedAt));
    List<String> lines = new ArrayList<>();
    for (Event e : out) {
      lines.add(Codecs.encodeLine(Codecs.EVENTS, e));
    }
    return lines;
  }

  private static Event impression(
      String id, String user, String product, String content, String request, long at) {
    return event(id, EventType.IMPRESSION, user, product, content, request, at, at + 5);
  }

  private static Event click(
      String id,
      String user,
      String product,
      String content,
      String request,
      long at,
      long received) {
    return event(id, EventType.CLICK, user, product, content, request, at, received);
  }

  private static Event cart(String id, String user, String product, long at) {
    return event(id, EventType.ADD_TO_CART, user, product, null, null, at, at + 5);
  }

  private static Event purchase(String id, String user, String product, long at) {
    return event(id, EventType.PURCHASE, user, product, null, null, at, at + 5);
  }

  /** A shopper's event; what only some types carry (slot, price) follows from the type. */
  private static Event event(
      String id,
      EventType type,
      String user,
      String product,
      String content,
      String request,
      long at,
      long received) {
    boolean shown = type == EventType.IMPRESSION;
    boolean bought = type == EventType.PURCHASE;
    return new Event(
        id,
        type,
        user,
        product,
        content,
        request,
        "s-" + user,
        request == null ? null : 1,
        shown ? 0.5 : null,
        null,
        null,
        null,
        shown ? "v1" : null,
        bought ? 19.99 : null,
        bought ? 1 : null,
        at,
        received,
        null);
  }
}
