package io.flywheel.flink;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.TextLines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/** The first and last UTC day an events file covers (malformed lines are skipped here). */
final class EventDays {
  private EventDays() {}

  static Optional<LocalDate[]> of(Path events) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    try (TextLines lines = TextLines.open(events)) {
      TextLines.Line line;
      while ((line = lines.next()) != null) {
        if (!line.isText()) {
          continue; // the job dead-letters it
        }
        Event e;
        try {
          e = Codecs.decodeLine(Codecs.EVENTS, line.text());
        } catch (RuntimeException malformed) {
          continue; // the job dead-letters it
        }
        first = Math.min(first, e.timestamp());
        last = Math.max(last, e.timestamp());
      }
    } catch (IOException e) {
      return Optional.empty(); // the job reports an unreadable file in its own words
    }
    if (first > last) {
      return Optional.empty();
    }
    return Optional.of(new LocalDate[] {day(first), day(last)});
  }

  private static LocalDate day(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate();
  }
}
