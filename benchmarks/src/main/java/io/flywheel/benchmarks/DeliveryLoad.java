package io.flywheel.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

  /**
   * What a run measured.
   *
   * @param latencyMillis p50, p95, p99, max from when each request was due
   * @param serverMillis the same percentiles of the server's own time per request
   * @param errors HTTP status (or "io") → count
   * @param fallbacks stand-in → responses that used it
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
      int fiveHundreds) {}

  private DeliveryLoad() {}

  /**
   * Sends {@code paths} (cycled) to {@code baseUrl} at {@code rps} for {@code duration}.
   *
   * @param progress called about once a second with the requests sent so far
   */
  public static Result run(
      String baseUrl, List<String> paths, int rps, Duration duration, LongConsumer progress)
      throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newFixedThreadPool(4))
            .build();
    int total = (int) Math.max(1, rps * duration.toMillis() / 1000);
    long[] latencies = new long[total];
    double[] server = new double[total];
    Arrays.fill(latencies, -1);
    Arrays.fill(server, Double.NaN);
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    Map<String, Integer> fallbacks = new ConcurrentHashMap<>();
    LongAdder candidates = new LongAdder();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger fiveHundreds = new AtomicInteger();
    List<CompletableFuture<?>> inFlight = new ArrayList<>(total);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    long start = System.nanoTime() + 50_000_000L;
    long periodNanos = 1_000_000_000L / rps;
    AtomicInteger next = new AtomicInteger();
    Object lock = new Object();
    ticker.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          // Every request whose time has come leaves now, with its due time kept.
          while (true) {
            int i = next.get();
            if (i >= total) {
              return;
            }
            long due = start + i * periodNanos;
            if (due > now) {
              return;
            }
            next.incrementAndGet();
            HttpRequest request =
                HttpRequest.newBuilder(URI.create(baseUrl + paths.get(i % paths.size())))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            CompletableFuture<?> f =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle(
                        (response, failure) -> {
                          latencies[i] = System.nanoTime() - due;
                          if (failure != null) {
                            errors.merge("io", 1, Integer::sum);
                            return null;
                          }
                          if (response.statusCode() != 200) {
                            errors.merge(Integer.toString(response.statusCode()), 1, Integer::sum);
                            if (response.statusCode() >= 500) {
                              fiveHundreds.incrementAndGet();
                            }
                            return null;
                          }
                          answered.incrementAndGet();
                          try {
                            JsonNode body = JSON.readTree(response.body());
                            server[i] = body.path("tookMillis").asDouble(Double.NaN);
                            candidates.add(body.path("candidates").asLong());
                            for (JsonNode name : body.path("fallbacks")) {
                              fallbacks.merge(name.asText(), 1, Integer::sum);
                            }
                          } catch (java.io.IOException e) {
                            errors.merge("bad-json", 1, Integer::sum);
                          }
                          return null;
                        });
            synchronized (lock) {
              inFlight.add(f);
            }
          }
        },
        0,
        Math.max(1, periodNanos / 4),
        TimeUnit.NANOSECONDS);
    long reported = 0;
    while (next.get() < total) {
      Thread.sleep(200);
      if (System.nanoTime() - reported > 1_000_000_000L) {
        progress.accept(next.get());
        reported = System.nanoTime();
      }
    }
    ticker.shutdown();
    List<CompletableFuture<?>> all;
    synchronized (lock) {
      all = new ArrayList<>(inFlight);
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
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
        fiveHundreds.get());
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
