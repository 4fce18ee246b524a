package io.flywheel.benchmarks;

import io.flywheel.core.Event;
import io.flywheel.featurestore.FeatureRegistry;
import io.flywheel.featurestore.FeatureVector;
import io.flywheel.featurestore.FeatureView;
import io.flywheel.featurestore.OnlineStore;
import io.flywheel.flink.FeatureJob;
import io.flywheel.flink.FeatureJobOptions;
import io.flywheel.flink.SharedOnlineStores;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Freshness: how long after an event happens its effect can be read from the online store. The
 * events file is replayed at a fixed rate as if live (each event stamped with the moment it enters
 * the job); every Nth event is watched until its user's {@code user_activity} vector is as of that
 * event or later. Local MiniCluster only (the watcher reads the job's own embedded store).
 */
public final class FreshnessBenchmark {
  /** Events handed to the job and waiting to be seen online (the job runs in this JVM). */
  private static final ConcurrentLinkedQueue<Watched> STAMPED = new ConcurrentLinkedQueue<>();

  private record Watched(String userId, long stampedAt) {}

  /**
   * What one run measured.
   *
   * @param samples watched events seen online (after the warm-up)
   * @param unseen watched events still not visible when the run ended
   */
  public record Result(
      double targetRate,
      double achievedRate,
      long samples,
      long unseen,
      double p50Millis,
      double p99Millis,
      double maxMillis) {}

  private FreshnessBenchmark() {}

  /** Paces the replay and stamps each event with the wall clock; watches every Nth. */
  static final class PaceAndStamp implements MapFunction<Event, Event> {
    private static final long serialVersionUID = 1L;
    private final double rate;
    private final int watchEvery;
    private transient long started;
    private transient long count;

    PaceAndStamp(double rate, int watchEvery) {
      this.rate = rate;
      this.watchEvery = watchEvery;
    }

    @Override
    public Event map(Event e) throws InterruptedException {
      if (count == 0) {
        started = System.nanoTime();
      }
      long due = started + (long) (count * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      count++;
      long now = System.currentTimeMillis();
      // Every field but the times kept (a search keeps its query).
      Event stamped = e.at(now, now);
      if (count % watchEvery == 0) {
        STAMPED.add(new Watched(e.userId(), now));
      }
      return stamped;
    }
  }

  /**
   * Replays {@code options.events()} at {@code rate} events/s through the feature job (the
   * watermark lag is {@code options.outOfOrderness()}) and reports freshness after a warm-up.
   */
  public static Result run(
      FeatureJobOptions options, double rate, long warmupMillis, PrintWriter log) throws Exception {
    if (options.flinkRestUrl() != null || options.kafka() != null) {
      throw new IllegalArgumentException("freshness: runs on the local MiniCluster over a file");
    }
    STAMPED.clear();
    int watchEvery = Math.max(1, (int) (rate / 100)); // about 100 watched events per second
    long began = System.currentTimeMillis();
    StreamExecutionEnvironment env = FeatureJob.environment(options, "freshness");
    JobClient job =
        env.executeAsync(
            FeatureJob.buildFeatures(
                env,
                options,
                events ->
                    events
                        .map(new PaceAndStamp(rate, watchEvery))
                        .setParallelism(1)
                        .name("pace and stamp")));
    Future<?> done = job.getJobExecutionResult();
    FeatureView view = FeatureRegistry.builtIn().view("user_activity");
    OnlineStore store = SharedOnlineStores.acquire(options.home(), options.redisUrl());
    List<Long> latencies = new ArrayList<>();
    List<Watched> pending = new ArrayList<>();
    long lastLog = began;
    try {
      while (!done.isDone() || !STAMPED.isEmpty()) {
        for (Watched w; (w = STAMPED.poll()) != null; ) {
          pending.add(w);
        }
        if (!pending.isEmpty()) {
          Set<String> users = pending.stream().map(Watched::userId).collect(Collectors.toSet());
          Map<String, FeatureVector> seen = store.getMany(view, users);
          long now = System.currentTimeMillis();
          for (Iterator<Watched> it = pending.iterator(); it.hasNext(); ) {
            Watched w = it.next();
            FeatureVector v = seen.get(w.userId());
            if (v != null && v.asOf() >= w.stampedAt()) {
              if (w.stampedAt() - began >= warmupMillis) {
                latencies.add(now - w.stampedAt());
              }
              it.remove();
            }
          }
        }
        if (log != null && System.currentTimeMillis() - lastLog >= 5_000) {
          lastLog = System.currentTimeMillis();
          log.printf(
              Locale.ROOT, "freshness: %d samples, %d waiting%n", latencies.size(), pending.size());
          log.flush();
        }
        Thread.sleep(5);
      }
      done.get();
    } finally {
      SharedOnlineStores.release(options.home(), options.redisUrl());
    }
    double seconds = (System.currentTimeMillis() - began) / 1000.0;
    long events;
    try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of(options.events()))) {
      events = lines.count();
    }
    latencies.sort(null);
    return new Result(
        rate,
        events / seconds,
        latencies.size(),
        pending.size(),
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1));
  }

  private static double percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }
}
