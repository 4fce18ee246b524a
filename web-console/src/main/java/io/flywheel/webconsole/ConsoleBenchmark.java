package io.flywheel.webconsole;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.FlywheelConfig;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.TrackedRun;
import io.flywheel.workflows.Pipelines;
import io.flywheel.workflows.RunState;
import io.flywheel.workflows.TaskState;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * How fast the console's pages answer in a busy home: {@code runs} tracked runs in one experiment
 * (params and metrics each, through the MLflow REST API of the embedded server) and {@code
 * pipelineRuns} pipeline runs in the run index; then every page asked {@code requests} times after
 * a warm-up, one request at a time, timed at the client. Target: p95 ≤ 300 ms for every page.
 */
public final class ConsoleBenchmark {
  public static final double TARGET_P95_MILLIS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  public record Options(int runs, int pipelineRuns, int requests, int warmUp) {
    public Options {
      if (runs < 3 || pipelineRuns < 1 || requests < 5 || warmUp < 0) {
        throw new IllegalArgumentException(
            "runs >= 3, pipelineRuns >= 1, requests >= 5, warmUp >= 0; got "
                + runs
                + ", "
                + pipelineRuns
                + ", "
                + requests
                + ", "
                + warmUp);
      }
    }
  }

  public record PageTime(
      String page, String path, double p50Millis, double p95Millis, double maxMillis, int bytes) {}

  public record Result(
      int runs,
      int pipelineRuns,
      double seedSeconds,
      List<PageTime> pages,
      double worstP95Millis,
      boolean targetMet) {}

  private ConsoleBenchmark() {}

  /** Seeds {@code home} (if not seeded yet), serves it, and times every page. */
  public static Result run(Path home, Options o, LongConsumer seeded) throws Exception {
    long began = System.nanoTime();
    try (ModelRegistry registry = ModelRegistry.open(home, null, null)) {
      String experimentId = registry.experiment("bench-console");
      List<String> runIds = seedRuns(registry, experimentId, o.runs(), seeded);
      String pipelineRun = seedPipelineRuns(home, o.pipelineRuns());
      double seedSeconds = (System.nanoTime() - began) / 1e9;
      try (WebConsole console =
          WebConsole.builder(home)
              .config(FlywheelConfig.local())
              .registry(registry)
              .token("bench")
              .start("127.0.0.1", 0)) {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("overview", "/");
        pages.put("experiments", "/runs");
        pages.put("runs, newest first", "/runs/experiments/" + experimentId);
        pages.put(
            "runs, sorted by a metric",
            "/runs/experiments/" + experimentId + "?order=" + encode("metrics.`auc` DESC"));
        pages.put(
            "runs, filtered",
            "/runs/experiments/" + experimentId + "?filter=" + encode("metrics.auc > 0.9"));
        pages.put("run", "/runs/" + runIds.get(0));
        pages.put(
            "compare 3 runs",
            "/runs/compare?run="
                + runIds.get(0)
                + "&run="
                + runIds.get(1)
                + "&run="
                + runIds.get(2));
        pages.put("models", "/models");
        pages.put("pipelines grid", "/pipelines");
        pages.put("pipeline run", "/pipelines/runs/" + pipelineRun);
        pages.put("features", "/features");
        pages.put("A/B experiments", "/ab");
        pages.put("content", "/content");
        HttpClient http = HttpClient.newHttpClient();
        List<PageTime> times = new ArrayList<>();
        for (Map.Entry<String, String> page : pages.entrySet()) {
          URI uri = URI.create(console.url() + page.getValue());
          int bytes = 0;
          for (int i = 0; i < o.warmUp(); i++) {
            bytes = get(http, uri).length();
          }
          double[] millis = new double[o.requests()];
          for (int i = 0; i < millis.length; i++) {
            long t = System.nanoTime();
            bytes = get(http, uri).length();
            millis[i] = (System.nanoTime() - t) / 1e6;
          }
          Arrays.sort(millis);
          times.add(
              new PageTime(
                  page.getKey(),
                  page.getValue(),
                  round(millis[millis.length / 2]),
                  round(millis[(int) Math.ceil(0.95 * millis.length) - 1]),
                  round(millis[millis.length - 1]),
                  bytes));
        }
        double worst = times.stream().mapToDouble(PageTime::p95Millis).max().orElse(0);
        return new Result(
            o.runs(),
            o.pipelineRuns(),
            round(seedSeconds),
            times,
            worst,
            worst <= TARGET_P95_MILLIS);
      }
    }
  }

  private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + uri + ": HTTP " + r.statusCode());
    }
    return r.body();
  }

  /** The experiment's runs, creating the missing ones (params, metrics, a short curve each). */
  private static List<String> seedRuns(
      ModelRegistry registry, String experimentId, int runs, LongConsumer seeded) {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      ModelRegistry.RunPage page = registry.searchRuns(experimentId, "", "", 1000, token);
      page.runs().forEach(r -> ids.add(r.runId()));
      token = page.nextPageToken();
    } while (token != null);
    SplittableRandom random = new SplittableRandom(ids.size() + 1);
    for (int i = ids.size(); i < runs; i++) {
      TrackedRun run =
          registry.startRun(
              "bench-console",
              "run-" + i,
              Map.of("flywheel.training_window", "2026-01-01/2026-01-07"));
      run.logParams(
          Map.of(
              "eta",
              Double.toString(0.05 + 0.05 * (i % 6)),
              "max_depth",
              Integer.toString(3 + i % 5),
              "model",
              i % 2 == 0 ? "ctr" : "conversion"));
      double auc = 0.6 + 0.35 * random.nextDouble();
      run.logMetrics(
          Map.of(
              "auc",
              auc,
              "logloss",
              0.7 - 0.3 * (auc - 0.6),
              "ndcg_10",
              0.3 + 0.5 * random.nextDouble()),
          0);
      run.logMetricSeries("train_loss", new double[] {0.69, 0.6, 0.55, 0.52, 0.5});
      run.finish();
      ids.add(run.runId());
      seeded.accept(ids.size());
    }
    return ids;
  }

  /** {@code n} finished runs of a six-task pipeline in the run index; returns one's id. */
  private static String seedPipelineRuns(Path home, int n) throws IOException {
    Path dir = Files.createDirectories(home.resolve("workflows").resolve("runs"));
    Path pipelines = Files.createDirectories(home.resolve("pipelines"));
    Files.writeString(
        pipelines.resolve("bench-nightly.yaml"),
        """
        name: bench-nightly
        description: What the console benchmark's run index records.
        tasks:
          - {id: training-set, type: noop}
          - {id: train, type: noop, upstream: training-set}
          - {id: evaluate, type: noop, upstream: train}
          - {id: register, type: noop, upstream: evaluate}
          - {id: gate, type: noop, upstream: register}
          - {id: deploy, type: noop, upstream: gate}
        """);
    List<String> tasks = List.of("training-set", "train", "evaluate", "register", "gate", "deploy");
    String first = null;
    LocalDate day = LocalDate.of(2023, 1, 1);
    for (int i = 0; i < n; i++) {
      String date = day.plusDays(i).toString();
      String runId = "bench-nightly-" + date + "-r" + i;
      first = first == null ? runId : first;
      Path file = dir.resolve(runId + ".json");
      if (Files.exists(file)) {
        continue;
      }
      Map<String, RunState.TaskRun> states = new LinkedHashMap<>();
      long t = 1_700_000_000_000L + i * 86_400_000L;
      for (String task : tasks) {
        states.put(
            task,
            new RunState.TaskRun(
                i % 17 == 0 && task.equals("gate") ? TaskState.FAILED : TaskState.SUCCEEDED,
                1,
                t,
                t + 1500,
                Map.of("rows", Integer.toString(1000 + i)),
                null));
        t += 1500;
      }
      RunState state =
          new RunState(
              runId, "bench-nightly", date, i % 17 == 0 ? "FAILED" : "SUCCEEDED", states, null);
      JSON.writeValue(
          file.toFile(), new Pipelines.RunRecord(runId, "bench-nightly", date, Map.of(), t, state));
    }
    return first;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
