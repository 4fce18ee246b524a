package io.flywheel.core.internal.simulator;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.JsonLinesWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Puts simulated events on the wire in event-time order, as a tracking pipeline would deliver them,
 * and (with a dirty rate) mixes in what real pipelines also deliver: malformed lines, duplicate
 * deliveries of the same event, and events that arrive hours late. Dirt is drawn from its own
 * random stream, so the clean events are the same whatever the rate.
 */
final class EventStream {
  /** An event written at least this far (event time) behind the newest before it is late. */
  static final long LATE_THRESHOLD_MS = 3_600_000L;

  private static final long MAX_LATENESS_MS = 6 * 3_600_000L;
  private static final String[] GARBAGE = {
    "<html><body>502 Bad Gateway</body></html>", "{\"eventId\": \"broken", "null", "[1, 2, 3]"
  };

  private record Scheduled(Event event, long at, long seq, boolean late) {}

  private static final Comparator<Scheduled> BY_TIME =
      Comparator.comparingLong(Scheduled::at).thenComparingLong(Scheduled::seq);

  private final JsonLinesWriter<Event> out;
  private final UniformRandomProvider dirt;
  private final double dirtyRate;
  private final java.util.function.Consumer<Event> delivered;
  private final PriorityQueue<Scheduled> pending = new PriorityQueue<>(BY_TIME);
  private final PriorityQueue<Scheduled> held = new PriorityQueue<>(BY_TIME);
  private long seq;
  private long newest; // event times are positive, so 0 is "nothing written yet"
  private long eventLines;
  private long malformed;
  private long duplicates;
  private long late;
  private long delayed;

  EventStream(JsonLinesWriter<Event> out, UniformRandomProvider dirt, double dirtyRate) {
    this(out, dirt, dirtyRate, e -> {});
  }

  /** {@code delivered}: told of every event as it goes on the wire (a live run's collector). */
  EventStream(
      JsonLinesWriter<Event> out,
      UniformRandomProvider dirt,
      double dirtyRate,
      java.util.function.Consumer<Event> delivered) {
    this.out = out;
    this.dirt = dirt;
    this.dirtyRate = dirtyRate;
    this.delivered = delivered;
  }

  void schedule(Event event) {
    pending.add(new Scheduled(event, event.timestamp(), seq++, false));
  }

  /** Writes every scheduled event whose time is before {@code time}. */
  void advanceTo(long time) {
    while (!pending.isEmpty() && pending.peek().at() < time) {
      deliver(pending.poll().event());
    }
  }

  void finish() {
    advanceTo(Long.MAX_VALUE);
    while (!held.isEmpty()) {
      release(held.poll());
    }
  }

  private void deliver(Event event) {
    while (!held.isEmpty() && held.peek().at() <= event.timestamp()) {
      release(held.poll());
    }
    if (dirtyRate > 0) {
      double roll = dirt.nextDouble();
      if (roll < dirtyRate) {
        long releaseAt =
            event.timestamp() + Latent.between(dirt, LATE_THRESHOLD_MS, MAX_LATENESS_MS);
        held.add(
            new Scheduled(
                event.withReceivedAt(Math.max(event.receivedAt(), releaseAt)),
                releaseAt,
                seq++,
                true));
        return;
      }
      if (roll < 2 * dirtyRate) {
        long redeliveredAt = event.receivedAt() + Latent.between(dirt, 1_000, 60_000);
        held.add(
            new Scheduled(
                event.withReceivedAt(redeliveredAt),
                event.timestamp() + (redeliveredAt - event.receivedAt()),
                seq++,
                false));
        duplicates++;
      }
    }
    write(event);
    if (dirtyRate > 0 && dirt.nextDouble() < dirtyRate) {
      out.writeRawLine(malform(event));
      malformed++;
    }
  }

  private void release(Scheduled scheduled) {
    if (scheduled.late()) {
      if (newest - scheduled.event().timestamp() >= LATE_THRESHOLD_MS) {
        late++;
      } else {
        delayed++;
      }
    }
    write(scheduled.event());
  }

  private void write(Event event) {
    out.write(event);
    delivered.accept(event);
    eventLines++;
    newest = Math.max(newest, event.timestamp());
  }

  /** A line no decoder may accept, made from a real event the way real pipelines break them. */
  private String malform(Event event) {
    String line = Codecs.encodeLine(Codecs.EVENTS, event);
    return switch (dirt.nextInt(6)) {
      case 0 -> line.substring(0, line.length() / 2);
      case 1 -> "{" + line.substring(line.indexOf(",\"type\"") + 1);
      case 2 ->
          line.replace(
              "\"timestamp\":" + event.timestamp(),
              "\"timestamp\":\"" + Instant.ofEpochMilli(event.timestamp()) + "\"");
      case 3 ->
          line.replace("\"type\":\"" + event.type().wireName() + "\"", "\"type\":\"page_view\"");
      case 4 -> line.replace("\"userId\":\"" + event.userId() + "\"", "\"userId\":\"\"");
      default -> GARBAGE[dirt.nextInt(GARBAGE.length)];
    };
  }

  long eventLines() {
    return eventLines;
  }

  long malformed() {
    return malformed;
  }

  long duplicates() {
    return duplicates;
  }

  long late() {
    return late;
  }

  long delayed() {
    return delayed;
  }
}
