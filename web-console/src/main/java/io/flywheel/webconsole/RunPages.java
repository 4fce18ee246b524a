package io.flywheel.webconsole;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.registry.ModelRegistry;
import io.flywheel.registry.TrackedRun;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Tracking data through the MLflow REST API: experiments, an experiment's runs (MLflow's own filter
 * syntax, sort on any metric, paged by the server), a run (params, metrics with their curves, tags,
 * lineage, artifacts and the charts logged among them), runs side by side, and CSV export of any
 * runs table.
 */
final class RunPages {
  static final int PAGE_SIZE = 50;

  /** CSV export pages through at most this many runs. */
  static final int CSV_LIMIT = 100_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  record Experiments(List<ModelRegistry.ExperimentSummary> experiments) {}

  /** A runs table: the page of runs, the metric and param columns shown, paging and sorting. */
  record RunsTable(
      String experimentId,
      String experimentName,
      String filter,
      String order,
      List<ModelRegistry.RunSummary> runs,
      List<String> metricColumns,
      List<String> paramColumns,
      String nextPageToken,
      String error) {
    String sortLink(String metric, boolean descending) {
      return "/runs/experiments/"
          + experimentId
          + "?filter="
          + encode(filter)
          + "&order="
          + encode("metrics.`" + metric + "` " + (descending ? "DESC" : "ASC"));
    }

    String nextLink() {
      return "/runs/experiments/"
          + experimentId
          + "?filter="
          + encode(filter)
          + "&order="
          + encode(order)
          + "&page="
          + encode(nextPageToken);
    }

    String csvLink() {
      return "/runs/experiments/"
          + experimentId
          + "/runs.csv?filter="
          + encode(filter)
          + "&order="
          + encode(order);
    }

    static String figure(Double v) {
      return v == null ? "" : String.format(Locale.ROOT, "%.4g", v);
    }
  }

  /** One metric's curve over steps, as the page's chart script reads it. */
  record Curve(String metric, String json) {}

  record Artifact(String path, boolean image) {}

  record RunView(
      ModelRegistry.RunSummary run,
      Map<String, String> lineage,
      Map<String, String> otherTags,
      List<Curve> curves,
      List<Artifact> artifacts) {}

  /** Runs side by side: each row one key, each column one run. */
  record Comparison(
      List<ModelRegistry.RunSummary> runs,
      boolean onlyDifferences,
      List<Row> params,
      List<Row> metrics,
      String chartJson) {
    record Row(String key, List<String> values, boolean differs) {}
  }

  private final Sources sources;
  private final Views views;

  RunPages(Sources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  void register(Javalin app) {
    app.get(
        "/runs",
        ctx ->
            views.page(
                ctx,
                "experiments.jte",
                "Experiments & runs",
                "runs",
                new Experiments(sources.registry().experiments())));
    app.get("/runs/experiments/{id}", this::table);
    app.get("/runs/experiments/{id}/runs.csv", this::csv);
    app.get("/runs/compare", this::compare);
    app.get("/runs/{runId}/artifact", this::artifact);
    app.get("/runs/{runId}", this::run);
  }

  private void table(Context ctx) {
    String id = ctx.pathParam("id");
    String filter = param(ctx, "filter");
    String order = param(ctx, "order");
    String page = param(ctx, "page");
    String name =
        sources.registry().experiments().stream()
            .filter(e -> e.id().equals(id))
            .map(ModelRegistry.ExperimentSummary::name)
            .findFirst()
            .orElse(id);
    ModelRegistry.RunPage found;
    String error = null;
    try {
      found =
          sources.registry().searchRuns(id, filter, order, PAGE_SIZE, page.isEmpty() ? null : page);
    } catch (RuntimeException e) {
      // A filter MLflow cannot read is the user's mistake: say so on the page.
      found = new ModelRegistry.RunPage(List.of(), null);
      error = e.getMessage();
    }
    Set<String> metrics = new TreeSet<>();
    Set<String> params = new TreeSet<>();
    for (ModelRegistry.RunSummary r : found.runs()) {
      metrics.addAll(r.metrics().keySet());
      params.addAll(r.params().keySet());
    }
    views.page(
        ctx,
        "runs.jte",
        "Runs of " + name,
        "runs",
        new RunsTable(
            id,
            name,
            filter,
            order,
            found.runs(),
            metrics.stream().limit(14).toList(),
            params.stream().limit(8).toList(),
            found.nextPageToken(),
            error));
  }

  /**
   * Every run the filter finds (page after page from the server), params and metrics as columns.
   */
  private void csv(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    String filter = param(ctx, "filter");
    String order = param(ctx, "order");
    List<ModelRegistry.RunSummary> all = new ArrayList<>();
    String token = null;
    do {
      ModelRegistry.RunPage page = sources.registry().searchRuns(id, filter, order, 1000, token);
      all.addAll(page.runs());
      token = page.nextPageToken();
    } while (token != null && all.size() < CSV_LIMIT);
    Set<String> metrics = new TreeSet<>();
    Set<String> params = new TreeSet<>();
    all.forEach(
        r -> {
          metrics.addAll(r.metrics().keySet());
          params.addAll(r.params().keySet());
        });
    List<String> header = new ArrayList<>(List.of("run_id", "run_name", "status", "start_time"));
    params.forEach(p -> header.add("params." + p));
    metrics.forEach(m -> header.add("metrics." + m));
    StringWriter out = new StringWriter();
    try (CSVPrinter csv =
        CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build().print(out)) {
      for (ModelRegistry.RunSummary r : all) {
        List<Object> row = new ArrayList<>();
        row.add(r.runId());
        row.add(r.name());
        row.add(r.status());
        row.add(java.time.Instant.ofEpochMilli(r.startMillis()).toString());
        params.forEach(p -> row.add(r.params().getOrDefault(p, "")));
        metrics.forEach(m -> row.add(r.metrics().containsKey(m) ? r.metrics().get(m) : ""));
        csv.printRecord(row);
      }
    }
    ctx.header("Content-Disposition", "attachment; filename=\"runs-" + safeName(id) + ".csv\"");
    ctx.contentType("text/csv; charset=utf-8").result(out.toString());
  }

  private void run(Context ctx) throws IOException {
    String runId = ctx.pathParam("runId");
    ModelRegistry.RunSummary run = sources.registry().runSummary(runId);
    Map<String, String> lineage = new LinkedHashMap<>();
    Map<String, String> other = new LinkedHashMap<>();
    run.tags()
        .forEach(
            (k, v) -> {
              if (k.startsWith("mlflow.")) {
                return;
              }
              if (k.contains("window")
                  || k.contains("hash")
                  || k.contains("feature")
                  || k.contains("lineage")
                  || k.contains("data")) {
                lineage.put(k, v);
              } else {
                other.put(k, v);
              }
            });
    List<Curve> curves = new ArrayList<>();
    for (String metric : run.metrics().keySet()) {
      List<double[]> steps = sources.registry().metricSteps(runId, metric);
      if (steps.size() > 1 && curves.size() < 24) {
        curves.add(new Curve(metric, chart(metric, List.of(metric), List.of(steps))));
      }
    }
    List<Artifact> artifacts = new ArrayList<>();
    TrackedRun tracked = sources.registry().run(runId);
    listArtifacts(tracked, "", artifacts, 0);
    views.page(
        ctx,
        "run.jte",
        "Run " + (run.name() == null || run.name().isBlank() ? runId : run.name()),
        "runs",
        new RunView(run, lineage, other, curves, artifacts));
  }

  private static void listArtifacts(TrackedRun run, String path, List<Artifact> out, int depth) {
    if (out.size() > 200) {
      return;
    }
    for (String listed : run.listArtifacts(path)) {
      // The artifact proxy names entries relative to the folder listed.
      String name = path.isEmpty() || listed.startsWith(path + "/") ? listed : path + "/" + listed;
      if (name.endsWith("/")) {
        if (depth < 3) {
          listArtifacts(run, name.substring(0, name.length() - 1), out, depth + 1);
        }
      } else {
        String lower = name.toLowerCase(Locale.ROOT);
        out.add(new Artifact(name, lower.endsWith(".png") || lower.endsWith(".svg")));
      }
    }
  }

  private void artifact(Context ctx) {
    String runId = ctx.pathParam("runId");
    String path = param(ctx, "path");
    if (path.isEmpty() || path.startsWith("/") || List.of(path.split("/")).contains("..")) {
      throw new IllegalArgumentException(
          "path: an artifact path inside the run, got '" + path + "'");
    }
    byte[] bytes = sources.registry().run(runId).readArtifact(path);
    String name = path.substring(path.lastIndexOf('/') + 1);
    String lower = name.toLowerCase(Locale.ROOT);
    String type =
        lower.endsWith(".png")
            ? "image/png"
            : lower.endsWith(".svg")
                ? "image/svg+xml"
                : lower.endsWith(".json")
                    ? "application/json"
                    : lower.endsWith(".html")
                        ? "text/plain; charset=utf-8" // shown as text: never run its scripts here
                        : "application/octet-stream";
    if (type.equals("application/octet-stream")) {
      ctx.header("Content-Disposition", "attachment; filename=\"" + safeName(name) + "\"");
    }
    ctx.contentType(type).result(bytes);
  }

  private void compare(Context ctx) {
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(ctx.queryParams("run")));
    if (ids.size() < 2 || ids.size() > 5) {
      throw new IllegalArgumentException("run: choose 2 to 5 runs to compare, got " + ids.size());
    }
    boolean only = "1".equals(ctx.queryParam("diff"));
    List<ModelRegistry.RunSummary> runs = ids.stream().map(sources.registry()::runSummary).toList();
    Set<String> paramKeys = new TreeSet<>();
    Set<String> metricKeys = new TreeSet<>();
    runs.forEach(
        r -> {
          paramKeys.addAll(r.params().keySet());
          metricKeys.addAll(r.metrics().keySet());
        });
    List<Comparison.Row> params = rows(paramKeys, runs, r -> r.params(), only);
    List<Comparison.Row> metrics =
        rows(
            metricKeys,
            runs,
            r -> {
              Map<String, String> m = new LinkedHashMap<>();
              r.metrics().forEach((k, v) -> m.put(k, RunsTable.figure(v)));
              return m;
            },
            only);
    // A bar chart's data: the metrics every run has, one series per run.
    List<String> shared =
        metricKeys.stream()
            .filter(k -> runs.stream().allMatch(r -> r.metrics().containsKey(k)))
            .limit(12)
            .toList();
    List<List<double[]>> series = new ArrayList<>();
    for (ModelRegistry.RunSummary r : runs) {
      List<double[]> points = new ArrayList<>();
      for (int i = 0; i < shared.size(); i++) {
        points.add(new double[] {i, r.metrics().get(shared.get(i))});
      }
      series.add(points);
    }
    views.page(
        ctx,
        "compare.jte",
        "Compare " + runs.size() + " runs",
        "runs",
        new Comparison(
            runs,
            only,
            params,
            metrics,
            shared.isEmpty()
                ? null
                : chart(
                    "shared metrics (x: " + String.join(", ", shared) + ")",
                    runs.stream().map(r -> r.name() == null ? r.runId() : r.name()).toList(),
                    series)));
  }

  private static List<Comparison.Row> rows(
      Set<String> keys,
      List<ModelRegistry.RunSummary> runs,
      java.util.function.Function<ModelRegistry.RunSummary, Map<String, String>> values,
      boolean onlyDifferences) {
    List<Comparison.Row> out = new ArrayList<>();
    for (String key : keys) {
      List<String> row = runs.stream().map(r -> values.apply(r).getOrDefault(key, "")).toList();
      boolean differs = new TreeSet<>(row).size() > 1;
      if (differs || !onlyDifferences) {
        out.add(new Comparison.Row(key, row, differs));
      }
    }
    return out;
  }

  /** A chart's data for the page script: x values and one or more named series. */
  static String chart(String title, List<String> labels, List<List<double[]>> series) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("title", title);
    TreeSet<Double> xs = new TreeSet<>();
    series.forEach(s -> s.forEach(p -> xs.add(p[0])));
    List<Double> x = new ArrayList<>(xs);
    c.put("x", x);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      Map<Double, Double> byX = new LinkedHashMap<>();
      series.get(i).forEach(p -> byX.put(p[0], p[1]));
      List<Double> values = x.stream().map(byX::get).toList();
      out.add(Map.of("label", labels.get(i), "values", values));
    }
    c.put("series", out);
    try {
      return JSON.writeValueAsString(c);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null ? "" : v.trim();
  }

  static String encode(String s) {
    return java.net.URLEncoder.encode(s == null ? "" : s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String safeName(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
