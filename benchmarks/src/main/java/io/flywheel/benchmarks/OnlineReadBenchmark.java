package io.flywheel.benchmarks;

import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureServer;
import io.flywheel.featurestore.FeatureStore;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.OfflineStore;
import io.flywheel.featurestore.OnlineStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures online reads of one entity's vector of about a hundred features: in-process through
 * {@link OnlineStore#get} and over HTTP through the {@link FeatureServer}, after a warm-up. Prints
 * p50/p95/p99/max per round and the median of the rounds.
 */
public final class OnlineReadBenchmark {
  private OnlineReadBenchmark() {}

  /** Figures of one round, in microseconds. */
  public record Round(double p50, double p95, double p99, double max) {}

  public static Map<String, List<Round>> run(
      Path home,
      String redisUrl,
      int entities,
      int features,
      int reads,
      int rounds,
      PrintWriter out)
      throws IOException, InterruptedException {
    Path registryFile = home.resolve("bench-views.yaml");
    Files.createDirectories(home);
    StringBuilder yaml =
        new StringBuilder(
            "version: 1\nviews:\n  - name: bench_vector\n"
                + "    version: 1\n    entity: user\n    ttl: 1d\n    features:\n");
    for (int f = 0; f < features; f++) {
      yaml.append("      - {name: f").append(f).append(", type: number}\n");
    }
    Files.writeString(registryFile, yaml);
    FeatureRegistry registry = FeatureRegistry.load(registryFile);
    FeatureView view = registry.view("bench_vector");
    SplittableRandom rng = new SplittableRandom(7);
    Map<String, List<Round>> results = new LinkedHashMap<>();
    try (OnlineStore online = OnlineStore.open(home, redisUrl, Clock.systemUTC());
        FeatureStore store =
            new FeatureStore(
                registry, online, new OfflineStore(home.resolve("offline"), registry));
        FeatureServer server = FeatureServer.start(store, "127.0.0.1", 0)) {
      List<FeatureVector> batch = new ArrayList<>();
      for (int e = 0; e < entities; e++) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int f = 0; f < features; f++) {
          values.put("f" + f, rng.nextDouble() * 100);
        }
        batch.add(new FeatureVector(view.name(), "u" + e, 1_000L + e, values));
        if (batch.size() == 1_000) {
          online.upsertAll(view, batch);
          batch.clear();
        }
      }
      online.upsertAll(view, batch);
      out.printf(
          Locale.ROOT,
          "online store %s: %,d entities x %d features%n",
          online.describe(),
          entities,
          features);
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port() + "/v1/features/bench_vector/u";
      for (String mode : List.of("in-process", "http")) {
        List<Round> list = new ArrayList<>();
        measure(mode, online, view, http, base, entities, reads, rng); // warm-up
        for (int r = 0; r < rounds; r++) {
          Round round = measure(mode, online, view, http, base, entities, reads, rng);
          list.add(round);
          out.printf(
              Locale.ROOT,
              "  %-10s round %d: p50 %.1f us, p95 %.1f us, p99 %.1f us, "
                  + "max %.1f us (%,d reads)%n",
              mode,
              r + 1,
              round.p50(),
              round.p95(),
              round.p99(),
              round.max(),
              reads);
        }
        double medianP99 =
            list.stream()
                .mapToDouble(Round::p99)
                .sorted()
                .skip(list.size() / 2)
                .findFirst()
                .orElse(0);
        double medianP50 =
            list.stream()
                .mapToDouble(Round::p50)
                .sorted()
                .skip(list.size() / 2)
                .findFirst()
                .orElse(0);
        out.printf(
            Locale.ROOT,
            "  %-10s median of %d rounds: p50 %.1f us, p99 %.1f us%n",
            mode,
            rounds,
            medianP50,
            medianP99);
        results.put(mode, list);
      }
    }
    out.flush();
    return results;
  }

  private static Round measure(
      String mode,
      OnlineStore online,
      FeatureView view,
      HttpClient http,
      String base,
      int entities,
      int reads,
      SplittableRandom rng)
      throws IOException, InterruptedException {
    long[] nanos = new long[reads];
    for (int i = 0; i < reads; i++) {
      String key = Integer.toString(rng.nextInt(entities));
      long start = System.nanoTime();
      if (mode.equals("in-process")) {
        if (online.get(view, "u" + key).isEmpty()) {
          throw new IllegalStateException("benchmark entity u" + key + " missing");
        }
      } else {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(base + key)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
        }
      }
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return new Round(
        micros(nanos, 0.50),
        micros(nanos, 0.95),
        micros(nanos, 0.99),
        nanos[nanos.length - 1] / 1000.0);
  }

  private static double micros(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1000.0;
  }
}
