package io.flywheel.experiments;

import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.core.InvalidRecordException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's exposures and outcomes read from the event stream (the files delivery and the
 * collector append to): a shopper is exposed at their first impression logged with the experiment
 * (and counts for that arm from then on: intention to treat); clicks, impressions and purchases
 * after it are outcomes, purchases in the {@value #PRE_PERIOD_DAYS} days before it the pre-period
 * covariates. Malformed lines are counted and skipped; an event seen twice counts once (an
 * impression by its request and position, whoever logged it).
 */
public final class ExperimentOutcomes {
  static final int PRE_PERIOD_DAYS = 28;
  private static final long DAY = Duration.ofDays(1).toMillis();

  private record Exposure(String arm, long at) {}

  private record Outcome(long at, EventType type, double revenue) {}

  private final Map<String, Exposure> exposures;
  private final Map<String, List<Outcome>> outcomes;
  private final Map<String, double[]> pre;
  private final long malformed;
  private final long lastEvent;

  private ExperimentOutcomes(
      Map<String, Exposure> exposures,
      Map<String, List<Outcome>> outcomes,
      Map<String, double[]> pre,
      long malformed,
      long lastEvent) {
    this.exposures = exposures;
    this.outcomes = outcomes;
    this.pre = pre;
    this.malformed = malformed;
    this.lastEvent = lastEvent;
  }

  /**
   * A home's event files: delivery's and the collector's ({@code HOME/events/*.jsonl}), the learn
   * loop's stream ({@code HOME/live/events.jsonl}) and the world's history ({@code
   * HOME/world/events.jsonl}), those that exist.
   */
  public static List<Path> homeEventFiles(Path home) throws IOException {
    List<Path> files = new ArrayList<>();
    Path dir = home.resolve("events");
    if (Files.isDirectory(dir)) {
      try (java.util.stream.Stream<Path> list = Files.list(dir)) {
        list.filter(p -> p.toString().endsWith(".jsonl")).sorted().forEach(files::add);
      }
    }
    for (Path p :
        List.of(
            home.resolve("live").resolve("events.jsonl"),
            home.resolve("world").resolve("events.jsonl"))) {
      if (Files.isRegularFile(p)) {
        files.add(p);
      }
    }
    return files;
  }

  /** Reads {@code files} twice: exposures first, then what the exposed shoppers did. */
  public static ExperimentOutcomes read(List<Path> files, String experimentId) throws IOException {
    Map<String, Exposure> exposures = new HashMap<>();
    long[] malformed = {0};
    long[] last = {0};
    scan(
        files,
        malformed,
        e -> {
          last[0] = Math.max(last[0], e.timestamp());
          if (e.type() == EventType.IMPRESSION
              && experimentId.equals(e.experimentId())
              && e.arm() != null) {
            exposures.merge(
                e.userId(),
                new Exposure(e.arm(), e.timestamp()),
                (a, b) -> b.at() < a.at() ? b : a);
          }
        });
    Map<String, List<Outcome>> outcomes = new HashMap<>();
    Map<String, double[]> pre = new HashMap<>();
    scan(
        files,
        new long[1],
        e -> {
          Exposure x = exposures.get(e.userId());
          if (x == null) {
            return;
          }
          double revenue =
              e.type() == EventType.PURCHASE && e.price() != null
                  ? e.price() * (e.quantity() == null ? 1 : e.quantity())
                  : 0;
          if (e.timestamp() >= x.at()) {
            if (e.type() != EventType.ADD_TO_CART) {
              outcomes
                  .computeIfAbsent(e.userId(), k -> new ArrayList<>())
                  .add(new Outcome(e.timestamp(), e.type(), revenue));
            }
          } else if (e.type() == EventType.PURCHASE
              && e.timestamp() >= x.at() - PRE_PERIOD_DAYS * DAY) {
            double[] p = pre.computeIfAbsent(e.userId(), k -> new double[2]);
            p[0]++;
            p[1] += revenue;
          }
        });
    return new ExperimentOutcomes(exposures, outcomes, pre, malformed[0], last[0]);
  }

  private interface EventSink {
    void accept(Event e);
  }

  /** Every event once: the same event in two files (or delivered twice) counts once. */
  private static void scan(List<Path> files, long[] malformed, EventSink sink) throws IOException {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      try (BufferedReader in = Files.newBufferedReader(file)) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          Event e;
          try {
            e = Codecs.decodeLine(Codecs.EVENTS, line);
          } catch (InvalidRecordException bad) {
            malformed[0]++;
            continue;
          }
          if (seen.add(identity(e))) {
            sink.accept(e);
          }
        }
      }
    }
  }

  /**
   * What makes two lines the same event: the request and position for an impression (the server and
   * the page may both log what was shown, under their own event ids), else the event id.
   */
  private static String identity(Event e) {
    return e.type() == EventType.IMPRESSION && e.requestId() != null && e.position() != null
        ? "shown " + e.requestId() + " " + e.position()
        : e.eventId();
  }

  public int exposedUsers() {
    return exposures.size();
  }

  public long malformedLines() {
    return malformed;
  }

  /** The end of each UTC day from the first exposure's to the last event's: the daily looks. */
  public List<Long> dailyLooks() {
    long first = exposures.values().stream().mapToLong(Exposure::at).min().orElse(0);
    List<Long> looks = new ArrayList<>();
    if (exposures.isEmpty()) {
      return looks;
    }
    for (long end = (first / DAY + 1) * DAY - 1; ; end += DAY) {
      looks.add(Math.min(end, lastEvent));
      if (end >= lastEvent) {
        return looks;
      }
    }
  }

  /** Each exposed shopper's outcome counted up to {@code asOf} (exposed by then). */
  public List<UserOutcome> asOf(long asOf) {
    List<UserOutcome> out = new ArrayList<>();
    for (Map.Entry<String, Exposure> x : exposures.entrySet()) {
      if (x.getValue().at() > asOf) {
        continue;
      }
      int orders = 0;
      int clicks = 0;
      int impressions = 0;
      double revenue = 0;
      for (Outcome o : outcomes.getOrDefault(x.getKey(), List.of())) {
        if (o.at() > asOf) {
          continue;
        }
        switch (o.type()) {
          case PURCHASE -> {
            orders++;
            revenue += o.revenue();
          }
          case CLICK -> clicks++;
          case IMPRESSION -> impressions++;
          default -> {}
        }
      }
      double[] p = pre.getOrDefault(x.getKey(), new double[2]);
      out.add(
          new UserOutcome(
              x.getKey(),
              x.getValue().arm(),
              x.getValue().at(),
              orders > 0,
              orders,
              revenue,
              clicks,
              impressions,
              (int) p[0],
              p[1]));
    }
    return out;
  }
}
