package io.flywheel.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * The inference load harness (like Triton's perf_analyzer): trains a tree model of the asked size
 * on synthetic rows, serves it from a repository on the embedded server over gRPC, and at each
 * concurrency measures requests of {@code batch} rows (throughput and p50/p95/p99 per request)
 * against in-process xgboost4j prediction of the same rows with as many threads.
 */
public final class InferenceLoadHarness {
  /** What to measure. */
  public record Settings(
      int trees, int depth, int features, int batch, int requests, List<Integer> concurrency) {
    public Settings {
      if (trees < 1 || depth < 1 || features < 3 || batch < 1 || requests < 1) {
        throw new IllegalArgumentException(
            "trees, depth, batch and requests: at least 1; " + "features: at least 3");
      }
      if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1)) {
        throw new IllegalArgumentException("concurrency: at least one level, each at least 1");
      }
      concurrency = List.copyOf(concurrency);
    }
  }

  /** One concurrency level: served over gRPC, in process, and what the server saw. */
  public record Level(
      int concurrency,
      double rowsPerSecond,
      double inProcessRowsPerSecond,
      double p50Millis,
      double p95Millis,
      double p99Millis,
      double inProcessP50Millis,
      double inProcessP99Millis,
      double serverQueueMillis,
      double serverComputeMillisPerBatch,
      double meanBatchRows) {
    public double ratio() {
      return rowsPerSecond / inProcessRowsPerSecond;
    }
  }

  private final Settings settings;

  public InferenceLoadHarness(Settings settings) {
    this.settings = settings;
  }

  /** Runs every level in order, handing each result to {@code progress} as it is measured. */
  public List<Level> run(Consumer<Level> progress) throws Exception {
    int features = settings.features();
    int batch = settings.batch();
    Path work = Files.createTempDirectory("flywheel-bench-infer-");
    Booster booster = train();
    Path modelFile = work.resolve("model.json");
    booster.saveModel(modelFile.toString());
    ModelRepository repo = new ModelRepository(work.resolve("repository"));
    ServingMetadata metadata =
        new ServingMetadata(
            "bench",
            1,
            "",
            "ctr",
            IntStream.range(0, features).mapToObj(i -> "f" + i).toList(),
            1.0,
            "");
    repo.addVersion("bench", 1, modelFile, metadata);
    repo.writeConfig(
        FilModelConfig.build("bench", metadata, FilModelConfig.Serving.onCpu(), List.of(1)));
    float[] rows = rows(batch * 8, 99);
    List<Level> levels = new ArrayList<>();
    try (EmbeddedInferenceServer server =
            EmbeddedInferenceServer.start(repo.root(), "127.0.0.1", 0, 0);
        InferenceClient client = InferenceClient.connect(server.address())) {
      client.load("bench");
      for (int c : settings.concurrency()) {
        var before = client.statistics("bench").get(0);
        double[] served =
            measure(c, i -> client.infer("bench", "1", slice(rows, i), batch, features));
        var after = client.statistics("bench").get(0);
        long n =
            after.getInferenceStats().getSuccess().getCount()
                - before.getInferenceStats().getSuccess().getCount();
        long executions = Math.max(1, after.getExecutionCount() - before.getExecutionCount());
        double queueMs =
            (after.getInferenceStats().getQueue().getNs()
                    - before.getInferenceStats().getQueue().getNs())
                / 1e6
                / Math.max(1, n);
        double computeMs =
            (after.getInferenceStats().getComputeInfer().getNs()
                    - before.getInferenceStats().getComputeInfer().getNs())
                / 1e6
                / executions;
        double batchRows =
            (after.getInferenceCount() - before.getInferenceCount()) / (double) executions;
        double[] local =
            measure(c, i -> booster.inplace_predict(slice(rows, i), batch, features, Float.NaN));
        Level level =
            new Level(
                c, served[0], local[0], served[1], served[2], served[3], local[1], local[3],
                queueMs, computeMs, batchRows);
        levels.add(level);
        progress.accept(level);
      }
    } finally {
      booster.dispose();
      // The harness's repository and model file are its own: nothing is left in the temp folder.
      io.flywheel.core.FileTrees.delete(work);
    }
    return levels;
  }

  private interface Request {
    Object run(int index) throws Exception;
  }

  /** Rows per second and p50/p95/p99 milliseconds per request at {@code threads}. */
  private double[] measure(int threads, Request request) throws Exception {
    int requests = settings.requests();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> warm = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int index = i;
        warm.add(pool.submit(() -> request.run(index)));
      }
      for (Future<?> f : warm) {
        f.get();
      }
      long[] latencies = new long[requests];
      List<Future<?>> futures = new ArrayList<>();
      long began = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  long t = System.nanoTime();
                  request.run(index);
                  latencies[index] = System.nanoTime() - t;
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      Arrays.sort(latencies);
      return new double[] {
        requests * (double) settings.batch() / seconds,
        percentile(latencies, 0.50),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99)
      };
    } finally {
      pool.shutdown();
    }
  }

  /** The nearest-rank percentile of sorted nanoseconds, in milliseconds. */
  static double percentile(long[] sorted, double q) {
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private float[] slice(float[] rows, int index) {
    int width = settings.batch() * settings.features();
    int blocks = rows.length / width;
    int from = (index % blocks) * width;
    return Arrays.copyOfRange(rows, from, from + width);
  }

  private float[] rows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[n * settings.features()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble();
    }
    return v;
  }

  private Booster train() throws Exception {
    int n = 20_000;
    int features = settings.features();
    float[] x = rows(n, 1);
    float[] y = new float[n];
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < n; i++) {
      double logit = -1 + 2 * x[i * features] - x[i * features + 1] + x[i * features + 2];
      y[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    }
    DMatrix m = new DMatrix(x, n, features, Float.NaN);
    m.setLabel(y);
    Map<String, Object> params =
        new HashMap<>(
            Map.of(
                "objective",
                "binary:logistic",
                "tree_method",
                "hist",
                "max_depth",
                settings.depth(),
                "eta",
                0.05,
                "verbosity",
                0,
                "silent",
                "true"));
    Booster b = XGBoost.train(m, params, settings.trees(), Map.of(), null, null);
    m.dispose();
    return b;
  }
}
