package io.flywheel.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * An open-loop load on the delivery API: requests leave at a fixed rate whatever the server does,
 * and each latency is counted from when its request was due, so a stall shows in the tail instead
 * of slowing the load (no coordinated omission).
 */
public final class DeliveryLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CLIENTS = 64;

  /**
   * What a run measured.
   *
   * @param latencyMillis p50, p95, p99, max from when each request was due
   * @param serverMillis the same percentiles of the server's own time per request
   * @param errors HTTP status (or "io") → count
   * @param fallbacks stand-in → responses that used it
   * @param slowestStageMillis where the slowest 5% of answers spent their server time (mean ms)
   */
  public record Result(
      int rps,
      double seconds,
      int sent,
      int answered,
      double achievedRps,
      Map<String, Double> latencyMillis,
      Map<String, Double> serverMillis,
      Map<String, Integer> errors,
      Map<String, Integer> fallbacks,
      double meanCandidates,
      int fiveHundreds,
      Map<String, Double> slowestStageMillis) {}

  private DeliveryLoad() {}

  /**
   * Sends {@code paths} (cycled) to {@code baseUrl} at {@code rps} for {@code duration}.
   *
   * @param progress called about once a second with the requests sent so far
   */
  public static Result run(
      String baseUrl, List<String> paths, int rps, Duration duration, LongConsumer progress)
      throws InterruptedException {
    int total = (int) Math.max(1, rps * duration.toMillis() / 1000);
    long[] latencies = new long[total];
    double[] server = new double[total];
    JsonNode[] stages = new JsonNode[total];
    Arrays.fill(latencies, -1);
    Arrays.fill(server, Double.NaN);
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    Map<String, Integer> fallbacks = new ConcurrentHashMap<>();
    LongAdder candidates = new LongAdder();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger fiveHundreds = new AtomicInteger();
    // Blocking clients on a pool of their own: a request that finds every client busy waits in the
    // queue, and that wait counts in its latency.
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    long start = System.nanoTime() + 50_000_000L;
    long periodNanos = 1_000_000_000L / rps;
    long reported = System.nanoTime();
    for (int n = 0; n < total; n++) {
      int i = n;
      long due = start + i * periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      clients.execute(
          () -> {
            try {
              HttpURLConnection c =
                  (HttpURLConnection)
                      URI.create(baseUrl + paths.get(i % paths.size())).toURL().openConnection();
              c.setConnectTimeout(2_000);
              c.setReadTimeout(5_000);
              int status = c.getResponseCode();
              byte[] body = (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
              latencies[i] = System.nanoTime() - due;
              if (status != 200) {
                errors.merge(Integer.toString(status), 1, Integer::sum);
                if (status >= 500) {
                  fiveHundreds.incrementAndGet();
                }
                return;
              }
              answered.incrementAndGet();
              JsonNode json = JSON.readTree(body);
              server[i] = json.path("tookMillis").asDouble(Double.NaN);
              stages[i] = json.path("stageMillis");
              candidates.add(json.path("candidates").asLong());
              for (JsonNode name : json.path("fallbacks")) {
                fallbacks.merge(name.asText(), 1, Integer::sum);
              }
            } catch (java.io.IOException e) {
              latencies[i] = System.nanoTime() - due;
              errors.merge("io", 1, Integer::sum);
            }
          });
      if (System.nanoTime() - reported > 1_000_000_000L) {
        progress.accept(i + 1);
        reported = System.nanoTime();
      }
    }
    clients.shutdown();
    if (!clients.awaitTermination(60, TimeUnit.SECONDS)) {
      clients.shutdownNow();
      errors.merge("unfinished", 1, Integer::sum);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] done = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
    double[] took = Arrays.stream(server).filter(d -> !Double.isNaN(d)).sorted().toArray();
    return new Result(
        rps,
        seconds,
        total,
        answered.get(),
        total / seconds,
        percentiles(Arrays.stream(done).mapToDouble(l -> l / 1e6).toArray()),
        percentiles(took),
        new TreeMap<>(errors),
        new TreeMap<>(fallbacks),
        answered.get() == 0 ? 0 : candidates.sum() / (double) answered.get(),
        fiveHundreds.get(),
        slowest(server, stages, took));
  }

  private static Map<String, Double> slowest(double[] server, JsonNode[] stages, double[] sorted) {
    Map<String, Double> sums = new java.util.LinkedHashMap<>();
    if (sorted.length == 0) {
      return sums;
    }
    double cut = at(sorted, 0.95);
    int n = 0;
    for (int i = 0; i < server.length; i++) {
      if (server[i] >= cut && stages[i] != null) {
        n++;
        stages[i]
            .fields()
            .forEachRemaining(e -> sums.merge(e.getKey(), e.getValue().asDouble(), Double::sum));
      }
    }
    int count = Math.max(1, n);
    sums.replaceAll((k, v) -> Math.round(v / count * 100) / 100.0);
    return sums;
  }

  static Map<String, Double> percentiles(double[] sorted) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    if (sorted.length == 0) {
      return out;
    }
    out.put("p50", at(sorted, 0.50));
    out.put("p95", at(sorted, 0.95));
    out.put("p99", at(sorted, 0.99));
    out.put("max", sorted[sorted.length - 1]);
    return out;
  }

  private static double at(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, i))] * 100) / 100.0;
  }
}
