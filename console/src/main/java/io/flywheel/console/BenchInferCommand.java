package io.flywheel.console;

import io.flywheel.deploy.EmbeddedInferenceServer;
import io.flywheel.deploy.FilModelConfig;
import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.deploy.ServingMetadata;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel bench-infer}: like Triton's perf_analyzer for the inference path. Trains a
 * tree model of the asked size on synthetic rows, serves it from a repository over gRPC, and at
 * each concurrency measures requests of {@code --batch} rows: throughput and p50/p95/p99 per
 * request, against in-process xgboost4j prediction of the same rows with as many threads.
 */
@Command(name = "bench-infer", mixinStandardHelpOptions = true,
    description = "Benchmark inference over gRPC against in-process xgboost4j (throughput and "
        + "p50/p95/p99 per request at each concurrency).")
final class BenchInferCommand implements Callable<Integer> {
  @ParentCommand
  private FlywheelCli root;

  @Spec
  private CommandSpec spec;

  @Option(names = "--concurrency", defaultValue = "1,2,4,8", split = ",",
      description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  private List<Integer> concurrency;

  @Option(names = "--batch", defaultValue = "512", description = "Rows per request (default: ${DEFAULT-VALUE}).")
  private int batch;

  @Option(names = "--requests", defaultValue = "400",
      description = "Requests per concurrency level, after 50 warm-up (default: ${DEFAULT-VALUE}).")
  private int requests;

  @Option(names = "--trees", defaultValue = "300", description = "Trees (default: ${DEFAULT-VALUE}).")
  private int trees;

  @Option(names = "--depth", defaultValue = "6", description = "Tree depth (default: ${DEFAULT-VALUE}).")
  private int depth;

  @Option(names = "--features", defaultValue = "40", description = "Features (default: ${DEFAULT-VALUE}).")
  private int features;

  @Mixin
  private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path work = Files.createTempDirectory("flywheel-bench-infer-");
    Booster booster = train();
    Path modelFile = work.resolve("model.json");
    booster.saveModel(modelFile.toString());
    ModelRepository repo = new ModelRepository(work.resolve("repository"));
    ServingMetadata metadata = new ServingMetadata("bench", 1, "", "ctr", IntStream.range(0,
        features).mapToObj(i -> "f" + i).toList(), 1.0, "");
    repo.addVersion("bench", 1, modelFile, metadata);
    repo.writeConfig(FilModelConfig.build("bench", metadata, FilModelConfig.Serving.onCpu(),
        List.of(1)));
    float[] rows = rows(batch * 8, 99);
    List<Map<String, Object>> results = new ArrayList<>();
    try (EmbeddedInferenceServer server = EmbeddedInferenceServer.start(repo.root(),
        "127.0.0.1", 0, 0); InferenceClient client = InferenceClient.connect(server.address())) {
      client.load("bench");
      for (int c : concurrency) {
        var before = client.statistics("bench").get(0);
        double[] served = run(c, i -> client.infer("bench", "1", slice(rows, i), batch,
            features));
        var after = client.statistics("bench").get(0);
        long n = after.getInferenceStats().getSuccess().getCount()
            - before.getInferenceStats().getSuccess().getCount();
        double queueMs = (after.getInferenceStats().getQueue().getNs()
            - before.getInferenceStats().getQueue().getNs()) / 1e6 / Math.max(1, n);
        double computeMs = (after.getInferenceStats().getComputeInfer().getNs()
            - before.getInferenceStats().getComputeInfer().getNs()) / 1e6
            / Math.max(1, after.getExecutionCount() - before.getExecutionCount());
        double batchRows = (after.getInferenceCount() - before.getInferenceCount())
            / (double) Math.max(1, after.getExecutionCount() - before.getExecutionCount());
        double[] local = run(c, i -> booster.inplace_predict(slice(rows, i), batch, features,
            Float.NaN));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("concurrency", c);
        r.put("rowsPerSecond", served[0]);
        r.put("inProcessRowsPerSecond", local[0]);
        r.put("ratio", served[0] / local[0]);
        r.put("p50Millis", served[1]);
        r.put("p95Millis", served[2]);
        r.put("p99Millis", served[3]);
        r.put("inProcessP50Millis", local[1]);
        r.put("inProcessP99Millis", local[3]);
        r.put("serverQueueMillis", queueMs);
        r.put("serverComputeMillisPerBatch", computeMs);
        r.put("meanBatchRows", batchRows);
        results.add(r);
        if (!output.json()) {
          out.printf(Locale.ROOT, "concurrency %d: %,.0f rows/s over gRPC vs %,.0f in-process "
              + "(ratio %.2f); per %d-row request p50 %.2f ms, p95 %.2f ms, p99 %.2f ms "
              + "(in-process p50 %.2f ms, p99 %.2f ms); server queue %.2f ms, compute %.2f ms "
              + "per batch of %.0f rows%n", c, served[0], local[0], served[0] / local[0], batch,
              served[1], served[2], served[3], local[1], local[3], queueMs, computeMs,
              batchRows);
          out.flush();
        }
      }
    } finally {
      booster.dispose();
    }
    if (output.json()) {
      out.println(TrainCommand.JSON.writeValueAsString(Map.of("trees", trees, "depth", depth,
          "features", features, "batch", batch, "requests", requests, "results", results)));
    }
    return 0;
  }

  private interface Request {
    Object run(int index) throws Exception;
  }

  /** Rows per second and p50/p95/p99 milliseconds per request at {@code threads}. */
  private double[] run(int threads, Request request) throws Exception {
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
        futures.add(pool.submit(() -> {
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
      java.util.Arrays.sort(latencies);
      return new double[] {requests * (double) batch / seconds, pct(latencies, 0.50),
          pct(latencies, 0.95), pct(latencies, 0.99)};
    } finally {
      pool.shutdown();
    }
  }

  private static double pct(long[] sorted, double q) {
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private float[] slice(float[] rows, int index) {
    int blocks = rows.length / (batch * features);
    int from = (index % blocks) * batch * features;
    return java.util.Arrays.copyOfRange(rows, from, from + batch * features);
  }

  private float[] rows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[n * features];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble();
    }
    return v;
  }

  private Booster train() throws Exception {
    int n = 20_000;
    float[] x = rows(n, 1);
    float[] y = new float[n];
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < n; i++) {
      double logit = -1 + 2 * x[i * features] - x[i * features + 1] + x[i * features + 2];
      y[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    }
    DMatrix m = new DMatrix(x, n, features, Float.NaN);
    m.setLabel(y);
    Map<String, Object> params = new HashMap<>(Map.of("objective", "binary:logistic",
        "tree_method", "hist", "max_depth", depth, "eta", 0.05, "verbosity", 0, "silent",
        "true"));
    Booster b = XGBoost.train(m, params, trees, Map.of(), null, null);
    m.dispose();
    return b;
  }
}
