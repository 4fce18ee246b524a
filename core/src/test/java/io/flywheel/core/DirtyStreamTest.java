package io.flywheel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --dirty mixes in exactly the dirt its summary reports, and leaves the clean stream alone. */
class DirtyStreamTest {
  private static final long HOUR = 3_600_000L;

  @TempDir Path dir;

  @Test
  void dirtCountsMatchWhatWasWrittenAndCleanEventsAreUnchanged() throws IOException {
    SimulationConfig dirtyConfig =
        new SimulationConfig(1500, 200, 10, 5, 0.03, WorldConfig.defaults());
    SimulationSummary dirty =
        MarketplaceSimulator.run(dirtyConfig, dir.resolve("dirty"), SimulationProgress.NONE);

    long malformed;
    long duplicates = 0;
    long late = 0;
    Set<String> seen = new HashSet<>();
    long newest = 0;
    List<Event> firstDeliveries = new java.util.ArrayList<>();
    try (DeadLetterFile dead = new DeadLetterFile(dir.resolve("dead.jsonl"));
        JsonLinesReader<Event> reader =
            JsonLinesReader.open(
                dir.resolve("dirty").resolve(MarketplaceSimulator.EVENTS_FILE),
                Codecs.EVENTS,
                dead)) {
      Event e;
      while ((e = reader.next()) != null) {
        if (!seen.add(e.eventId())) {
          duplicates++;
        } else {
          firstDeliveries.add(e);
        }
        if (newest - e.timestamp() >= HOUR) {
          late++;
        }
        newest = Math.max(newest, e.timestamp());
      }
      malformed = reader.rejected();
      assertThat(reader.accepted()).isEqualTo(dirty.eventLines());
    }
    assertThat(malformed).isEqualTo(dirty.malformedLines()).isPositive();
    assertThat(duplicates).isEqualTo(dirty.duplicateEvents()).isPositive();
    assertThat(late).isEqualTo(dirty.lateEvents()).isPositive();
    // About 3% of events for each kind of dirt.
    double clean = dirty.cleanEvents();
    assertThat(malformed / clean).isBetween(0.02, 0.04);
    assertThat(duplicates / clean).isBetween(0.02, 0.04);
    assertThat((late + dirty.delayedEvents()) / clean).isBetween(0.02, 0.04);

    // The same seed without dirt: the same events, only delivered differently.
    SimulatedShop cleanShop =
        SimulatedShop.simulate(
            dir.resolve("clean"),
            new SimulationConfig(1500, 200, 10, 5, 0, WorldConfig.defaults()));
    assertThat(firstDeliveries).hasSize(cleanShop.events().size());
    Map<String, Event> byId =
        cleanShop.events().stream().collect(Collectors.toMap(Event::eventId, e -> e));
    for (Event e : firstDeliveries) {
      Event original = byId.get(e.eventId());
      assertThat(e.withReceivedAt(original.receivedAt())).isEqualTo(original);
      assertThat(e.receivedAt()).isGreaterThanOrEqualTo(original.receivedAt());
    }
  }

  @Test
  void theStreamAuditCountsWhatTheSimulatorReportsItMixedIn() throws IOException {
    SimulationSummary dirty =
        MarketplaceSimulator.run(
            new SimulationConfig(300, 50, 3, 9, 0.05, WorldConfig.defaults()),
            dir.resolve("audit"),
            SimulationProgress.NONE);
    StreamAudit audit =
        StreamAudit.of(
            dir.resolve("audit").resolve(MarketplaceSimulator.EVENTS_FILE),
            dir.resolve("audit-dead.jsonl"));
    assertThat(audit.accepted()).isEqualTo(dirty.eventLines());
    assertThat(audit.rejected()).isEqualTo(dirty.malformedLines()).isPositive();
    assertThat(audit.duplicates()).isEqualTo(dirty.duplicateEvents()).isPositive();
    assertThat(java.nio.file.Files.readAllLines(dir.resolve("audit-dead.jsonl")))
        .hasSize((int) dirty.malformedLines());
    assertThat(audit.busiestUser()).startsWith("u");
  }
}
