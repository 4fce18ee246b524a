package io.flywheel.console;

import io.flywheel.deploy.InferenceLoadHarness;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flywheel bench-infer}: runs the inference load harness ({@link InferenceLoadHarness}). */
@Command(
    name = "bench-infer",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark inference over gRPC against in-process xgboost4j (throughput and "
            + "p50/p95/p99 per request at each concurrency).")
final class BenchInferCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--concurrency",
      defaultValue = "1,2,4,8",
      split = ",",
      description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  private List<Integer> concurrency;

  @Option(
      names = "--batch",
      defaultValue = "512",
      description = "Rows per request (default: ${DEFAULT-VALUE}).")
  private int batch;

  @Option(
      names = "--requests",
      defaultValue = "400",
      description = "Requests per concurrency level, after 50 warm-up (default: ${DEFAULT-VALUE}).")
  private int requests;

  @Option(
      names = "--trees",
      defaultValue = "300",
      description = "Trees (default: ${DEFAULT-VALUE}).")
  private int trees;

  @Option(
      names = "--depth",
      defaultValue = "6",
      description = "Tree depth (default: ${DEFAULT-VALUE}).")
  private int depth;

  @Option(
      names = "--features",
      defaultValue = "40",
      description = "Features (default: ${DEFAULT-VALUE}).")
  private int features;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    InferenceLoadHarness.Settings settings;
    try {
      settings =
          new InferenceLoadHarness.Settings(trees, depth, features, batch, requests, concurrency);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    List<InferenceLoadHarness.Level> levels =
        new InferenceLoadHarness(settings)
            .run(
                l -> {
                  if (!output.json()) {
                    out.printf(
                        Locale.ROOT,
                        "concurrency %d: %,.0f rows/s over gRPC vs %,.0f in-process "
                            + "(ratio %.2f); per %d-row request p50 %.2f ms, p95 %.2f ms, p99 %.2f ms "
                            + "(in-process p50 %.2f ms, p99 %.2f ms); server queue %.2f ms, compute %.2f ms "
                            + "per batch of %.0f rows%n",
                        l.concurrency(),
                        l.rowsPerSecond(),
                        l.inProcessRowsPerSecond(),
                        l.ratio(),
                        batch,
                        l.p50Millis(),
                        l.p95Millis(),
                        l.p99Millis(),
                        l.inProcessP50Millis(),
                        l.inProcessP99Millis(),
                        l.serverQueueMillis(),
                        l.serverComputeMillisPerBatch(),
                        l.meanBatchRows());
                    out.flush();
                  }
                });
    if (output.json()) {
      List<Map<String, Object>> results = new ArrayList<>();
      for (InferenceLoadHarness.Level l : levels) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("concurrency", l.concurrency());
        r.put("rowsPerSecond", l.rowsPerSecond());
        r.put("inProcessRowsPerSecond", l.inProcessRowsPerSecond());
        r.put("ratio", l.ratio());
        r.put("p50Millis", l.p50Millis());
        r.put("p95Millis", l.p95Millis());
        r.put("p99Millis", l.p99Millis());
        r.put("inProcessP50Millis", l.inProcessP50Millis());
        r.put("inProcessP99Millis", l.inProcessP99Millis());
        r.put("serverQueueMillis", l.serverQueueMillis());
        r.put("serverComputeMillisPerBatch", l.serverComputeMillisPerBatch());
        r.put("meanBatchRows", l.meanBatchRows());
        results.add(r);
      }
      out.println(
          TrainCommand.JSON.writeValueAsString(
              Map.of(
                  "trees",
                  trees,
                  "depth",
                  depth,
                  "features",
                  features,
                  "batch",
                  batch,
                  "requests",
                  requests,
                  "results",
                  results)));
    }
    return 0;
  }
}
