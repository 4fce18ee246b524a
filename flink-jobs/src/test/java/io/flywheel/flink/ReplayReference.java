package io.flywheel.flink;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.InvalidRecordException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The brute-force reference: reads events.jsonl the way the job's contract says it should be read
 * (skip malformed lines, keep first deliveries, drop events more than the allowed lateness behind
 * the watermark) and recomputes features by scanning the raw events.
 */
final class ReplayReference {
  final List<Event> accepted = new ArrayList<>();

  /** Accepted events that arrived at or behind the watermark (late but within lateness). */
  final Set<String> behindWatermark = new HashSet<>();

  long malformed;
  long duplicates;
  long late;

  ReplayReference(Path events, long outOfOrderness, long allowedLateness) throws IOException {
    Set<String> seen = new HashSet<>();
    long newest = Long.MIN_VALUE;
    for (String line : Files.readAllLines(events)) {
      Event e;
      try {
        e = Codecs.decodeLine(Codecs.EVENTS, line);
      } catch (InvalidRecordException bad) {
        malformed++;
        continue;
      }
      long watermark = newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - outOfOrderness - 1;
      newest = Math.max(newest, e.timestamp());
      if (!seen.add(e.eventId())) {
        duplicates++;
      } else if (watermark != Long.MIN_VALUE && e.timestamp() < watermark - allowedLateness) {
        late++;
      } else {
        accepted.add(e);
        if (watermark != Long.MIN_VALUE && e.timestamp() <= watermark) {
          behindWatermark.add(e.eventId());
        }
      }
    }
  }

  long streamEnd() {
    return accepted.stream().mapToLong(Event::timestamp).max().orElseThrow();
  }

  /** Events of {@code type} for which {@code filter} holds, inside a tiled window as of asOf. */
  long count(
      java.util.function.Predicate<Event> filter,
      EventType type,
      long asOf,
      long tileMillis,
      int tiles) {
    long lastTile = Math.floorDiv(asOf, tileMillis);
    return accepted.stream()
        .filter(
            e ->
                e.type() == type
                    && filter.test(e)
                    && e.timestamp() <= asOf
                    && Math.floorDiv(e.timestamp(), tileMillis) > lastTile - tiles)
        .count();
  }
}
