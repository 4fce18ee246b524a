package io.flywheel.experiments;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * How fast an experiment is read: writes an events file with {@code exposures} shoppers exposed
 * over 14 days (one impression each with the experiment and arm, some later impressions, clicks and
 * purchases, and pre-period purchases), then times reading it and the daily analysis.
 */
public final class AnalysisBenchmark {
  /** The figures of one run. */
  public record Result(
      long exposures,
      long lines,
      long bytes,
      double writeSeconds,
      double readSeconds,
      double analyseSeconds,
      double totalSeconds,
      double exposuresPerSecond,
      long heapUsedBytes,
      String decision) {}

  private static final long T0 = 1_767_225_600_000L;
  private static final long DAY = 86_400_000L;

  private AnalysisBenchmark() {}

  /** {@code progress} hears the lines written so far, now and then. */
  public static Result run(long exposures, Path dir, LongConsumer progress) throws IOException {
    Path file = dir.resolve("bench-events.jsonl");
    long began = System.nanoTime();
    long lines = write(file, exposures, progress);
    double writeSeconds = (System.nanoTime() - began) / 1e9;
    ConversionExperiment experiment =
        new ConversionExperiment(
            "bench",
            null,
            null,
            List.of(new Arm("control", 1, Map.of()), new Arm("treatment", 1, Map.of())),
            null,
            MetricKind.CONVERSION,
            List.of(MetricKind.CTR, MetricKind.REVENUE),
            List.of(MetricKind.ORDERS),
            ConversionExperiment.Plan.defaults(),
            null,
            0,
            1);
    System.gc();
    long start = System.nanoTime();
    ExperimentOutcomes outcomes = ExperimentOutcomes.read(List.of(file), "bench");
    long read = System.nanoTime();
    List<ExperimentReport> daily = ExperimentAnalysis.daily(experiment, outcomes);
    long done = System.nanoTime();
    Runtime rt = Runtime.getRuntime();
    long heap = rt.totalMemory() - rt.freeMemory();
    double total = (done - start) / 1e9;
    return new Result(
        outcomes.exposedUsers(),
        lines,
        Files.size(file),
        writeSeconds,
        (read - start) / 1e9,
        (done - read) / 1e9,
        total,
        outcomes.exposedUsers() / total,
        heap,
        daily.isEmpty() ? "none" : daily.get(daily.size() - 1).decision().verdict());
  }

  private static long write(Path file, long exposures, LongConsumer progress) throws IOException {
    SplittableRandom r = new SplittableRandom(42);
    long lines = 0;
    StringBuilder b = new StringBuilder(256);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (long u = 0; u < exposures; u++) {
        boolean treated = (u & 1) == 1;
        long t = T0 + r.nextLong(14 * DAY);
        double rate = 0.05 * (treated ? 1.05 : 1.0) * (0.5 + r.nextDouble());
        if (r.nextDouble() < 0.1) {
          lines += purchase(out, b, u, "p" + u, t - r.nextLong(20 * DAY) - 1);
        }
        lines += impression(out, b, u, t, treated ? "treatment" : "control");
        if (r.nextDouble() < 0.3) {
          lines += click(out, b, u, t + 1000);
        }
        if (r.nextDouble() < rate) {
          lines += purchase(out, b, u, "b" + u, t + 60_000);
        }
        if ((u & 0xFFFFF) == 0) {
          progress.accept(lines);
        }
      }
    }
    return lines;
  }

  private static int impression(BufferedWriter out, StringBuilder b, long u, long t, String arm)
      throws IOException {
    return event(
        out,
        b,
        "i" + u,
        "impression",
        u,
        t,
        ",\"contentId\":\"c"
            + (u % 15000)
            + "\",\"requestId\":\"r-"
            + u
            + "\",\"position\":0,\"propensity\":0.5,\"experimentId\":\"bench\",\"arm\":\""
            + arm
            + "\",\"variantId\":\"v1\"");
  }

  private static int click(BufferedWriter out, StringBuilder b, long u, long t) throws IOException {
    return event(
        out,
        b,
        "k" + u,
        "click",
        u,
        t,
        ",\"contentId\":\"c" + (u % 15000) + "\",\"requestId\":\"r-" + u + "\"");
  }

  private static int purchase(BufferedWriter out, StringBuilder b, long u, String id, long t)
      throws IOException {
    return event(out, b, id, "purchase", u, t, ",\"price\":19.99,\"quantity\":1");
  }

  /** One event line: the fields every event has, and {@code fields} (JSON, comma first). */
  private static int event(
      BufferedWriter out, StringBuilder b, String id, String type, long u, long t, String fields)
      throws IOException {
    b.setLength(0);
    b.append("{\"eventId\":\"")
        .append(id)
        .append("\",\"type\":\"")
        .append(type)
        .append("\",\"userId\":\"u")
        .append(u)
        .append("\",\"productId\":\"p")
        .append(u % 5000)
        .append('"')
        .append(fields)
        .append(",\"timestamp\":")
        .append(t)
        .append(",\"receivedAt\":")
        .append(t)
        .append("}\n");
    out.append(b);
    return 1;
  }
}
