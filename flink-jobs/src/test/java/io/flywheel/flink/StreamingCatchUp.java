package io.flywheel.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What an unbounded feature job must reach once its source has delivered everything: every line
 * read, every first delivery accepted, and each shopper's online features equal to the reference
 * recomputed from the raw events as of the vector's own time.
 */
final class StreamingCatchUp {
  private StreamingCatchUp() {}

  static void assertCaughtUp(
      StreamingFeatureJobs jobs,
      ReplayReference reference,
      long linesWritten,
      Path home,
      String redisUrl,
      Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (jobs.accepted() < reference.accepted.size() && System.nanoTime() < deadline) {
      assertThat(jobs.running()).as("jobs running").isTrue();
      Thread.sleep(200);
    }
    assertThat(jobs.eventsRead()).isEqualTo(linesWritten);
    // Every first delivery accepted: malformed records and duplicates are not.
    assertThat(jobs.accepted()).isEqualTo(reference.accepted.size());

    // Users whose last event is behind the watermark have been updated to it, online.
    long watermark = reference.streamEnd() - 5_000;
    Map<String, Event> lastEvent = new HashMap<>();
    for (Event e : reference.accepted) {
      if (e.timestamp() < watermark) {
        lastEvent.merge(e.userId(), e, (a, b) -> b.timestamp() >= a.timestamp() ? b : a);
      }
    }
    assertThat(lastEvent).hasSizeGreaterThan(10);
    var view = FeatureRegistry.builtIn().view("user_activity");
    try (FeatureStore store = FeatureStore.open(home, redisUrl)) {
      Map<String, FeatureVector> online = store.online().getMany(view, lastEvent.keySet());
      while (!caughtUp(online, lastEvent) && System.nanoTime() < deadline) {
        Thread.sleep(200);
        online = store.online().getMany(view, lastEvent.keySet());
      }
      assertThat(online.keySet()).isEqualTo(lastEvent.keySet());
      for (Map.Entry<String, Event> user : lastEvent.entrySet()) {
        FeatureVector v = online.get(user.getKey());
        long asOf = v.asOf();
        assertThat(asOf).isGreaterThanOrEqualTo(user.getValue().timestamp());
        String id = user.getKey();
        assertThat(v.number("impressions_24h"))
            .as(id)
            .isEqualTo(
                (double)
                    reference.count(
                        e -> e.userId().equals(id), EventType.IMPRESSION, asOf, 3_600_000L, 24));
        assertThat(v.number("clicks_7d"))
            .as(id)
            .isEqualTo(
                (double)
                    reference.count(
                        e -> e.userId().equals(id), EventType.CLICK, asOf, 21_600_000L, 28));
      }
    }
  }

  private static boolean caughtUp(Map<String, FeatureVector> online, Map<String, Event> last) {
    return online.size() == last.size()
        && last.entrySet().stream()
            .allMatch(e -> online.get(e.getKey()).asOf() >= e.getValue().timestamp());
  }
}
